/**
 * DNS listeners: a UDP socket and a TCP listener on each listen address, the
 * set of them kept in step with the configuration, the reason a bind failed,
 * and socket addresses written the way users type them.
 */
import { type ListenAddress, settingError } from "../config/config.ts";
import type { RemoteAddress, Runtime, TcpHandlers, UdpHandler } from "../runtime/runtime.ts";

/**
 * Formats a socket address the way users type it: `127.0.0.1:53`, `[::1]:53`.
 */
export function formatAddress(
  address: { readonly hostname: string; readonly port: number },
): string {
  return address.hostname.includes(":")
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}

/**
 * Turns a socket bind failure from either runtime into a short reason for a
 * one-line error: Deno throws `AddrInUse`-named errors, Bun and Node carry
 * `code: "EADDRINUSE"`; both also say it in the message.
 */
export function bindErrorReason(error: unknown): string {
  const { name = "", code = "", message = String(error) } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
  };
  const all = `${name} ${code} ${message}`;
  if (/AddrInUse|EADDRINUSE|address already in use/i.test(all)) return "address already in use";
  if (
    /AddrNotAvailable|EADDRNOTAVAIL|address not available|cannot assign requested address/i.test(
      all,
    )
  ) {
    return "address not available on this host";
  }
  if (/PermissionDenied|EACCES|permission denied/i.test(all)) {
    return "permission denied (ports below 1024 need privileges)";
  }
  return message.split("\n")[0];
}

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

/** The DNS listeners for the configured listen addresses. */
export interface ListenerSet {
  /** Bound addresses (real ports), in the order they were bound. */
  readonly addresses: readonly RemoteAddress[];
  /**
   * Makes the set match `listen`: binds the addresses not yet bound, then
   * closes those no longer listed. All or nothing: if one bind fails, the
   * new ones are closed again, the old set stays untouched, and it throws.
   */
  update(listen: readonly ListenAddress[]): Promise<void>;
  close(): void;
}

/** Creates an empty listener set that binds with `bind` (see `bindDnsListener`). */
export function createListenerSet(
  bind: (address: ListenAddress) => Promise<DnsListener>,
): ListenerSet {
  // Keyed by the configured address, so a port-0 address is kept across updates.
  const bound = new Map<string, DnsListener>();
  return {
    get addresses() {
      return [...bound.values()].map((listener) => listener.local);
    },
    async update(listen) {
      const wanted = new Map(listen.map((address) => [formatAddress(address), address]));
      const added: [string, DnsListener][] = [];
      try {
        for (const [key, address] of wanted) {
          if (!bound.has(key)) added.push([key, await bind(address)]);
        }
      } catch (error) {
        for (const [, listener] of added) listener.close();
        throw error;
      }
      for (const [key, listener] of bound) {
        if (!wanted.has(key)) {
          listener.close();
          bound.delete(key);
        }
      }
      for (const [key, listener] of added) bound.set(key, listener);
    },
    close() {
      for (const listener of bound.values()) listener.close();
      bound.clear();
    },
  };
}
