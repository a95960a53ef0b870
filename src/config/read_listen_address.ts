import type { ListenAddress } from "./config.ts";
import { canonicalIp } from "./canonical_ip.ts";
import type { Place } from "./place.ts";
import { quoteValue, readInteger } from "./value_readers.ts";

/** `[IPv6]` or `[IPv6]:PORT`. */
const BRACKETED = /^\[([^\]]*)\](?::(.*))?$/;

/**
 * Reads a socket address: `IP` (IPv4 or bare IPv6), `IPv4:PORT`, `[IPv6]` or
 * `[IPv6]:PORT`. Without a port, `defaultPort` applies. Host names are not
 * accepted: the server binds addresses, it does not resolve names.
 */
export function readListenAddress(value: unknown, at: Place, defaultPort: number): ListenAddress {
  if (typeof value !== "string") {
    at.fail(`${quoteValue(value)} is not an address (IP, IP:PORT or [IPv6]:PORT)`);
  }
  const bracketed = BRACKETED.exec(value);
  const colons = value.split(":").length - 1;
  let host = value;
  let port: string | undefined;
  if (bracketed !== null) {
    [, host, port] = bracketed;
    if (!host.includes(":")) at.fail(`${quoteValue(value)}: brackets are only for IPv6 addresses`);
  } else if (colons === 1) {
    [host, port] = value.split(":");
  }
  const hostname = canonicalIp(host);
  if (hostname === null) {
    at.fail(`${quoteValue(value)} is not an address (IP, IP:PORT or [IPv6]:PORT)`);
  }
  return {
    hostname,
    port: port === undefined
      ? defaultPort
      : readInteger(port, at, "port", `${quoteValue(port)} in ${quoteValue(value)}`),
  };
}
