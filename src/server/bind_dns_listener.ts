import type { ListenAddress } from "../config/config.ts";
import { settingError } from "../config/config_error.ts";
import type { RemoteAddress, Runtime, TcpHandlers, UdpHandler } from "../runtime/runtime.ts";
import { bindErrorReason } from "./bind_error_reason.ts";
import { formatAddress } from "./format_address.ts";

/** A UDP socket and a TCP listener on the same address and port. */
export interface DnsListener {
  /** The bound address; the port is the real one when 0 was asked for. */
  readonly local: RemoteAddress;
  close(): void;
}

/** Attempts at finding a port free for both UDP and TCP when port 0 is asked for. */
const EPHEMERAL_ATTEMPTS = 5;

/**
 * Binds UDP and TCP on one listen address. Port 0 (tests, through the server
 * API only) binds UDP on an ephemeral port and then TCP on that same port,
 * retrying on a new port if TCP finds it taken.
 *
 * @throws ConfigError naming where the address was set (`origin`, see
 *   `SettingOrigins`), the address and the reason, e.g.
 *   `--listen 127.0.0.1:53053: address already in use`.
 */
export async function bindDnsListener(
  runtime: Pick<Runtime, "bindUdp" | "listenTcp">,
  address: ListenAddress,
  origin: string,
  onDatagram: UdpHandler,
  tcp: TcpHandlers,
): Promise<DnsListener> {
  const attempts = address.port === 0 ? EPHEMERAL_ATTEMPTS : 1;
  for (let attempt = 1;; attempt++) {
    const udp = await runtime.bindUdp(address.hostname, address.port, onDatagram).catch((error) => {
      throw settingError(origin, formatAddress(address), bindErrorReason(error));
    });
    try {
      const listener = await runtime.listenTcp(address.hostname, udp.local.port, tcp);
      return Object.freeze({
        local: udp.local,
        close() {
          udp.close();
          listener.close();
        },
      });
    } catch (error) {
      udp.close();
      if (attempt < attempts) continue;
      throw settingError(origin, formatAddress(address), bindErrorReason(error));
    }
  }
}
