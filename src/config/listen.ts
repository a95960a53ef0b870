/**
 * Listen addresses: `listen` / `--listen` (DNS) and `http.listen` / `--http`.
 */
import { assertUnique, quoteValue, readInteger, readList } from "./value_readers.ts";
import type { ListenAddress } from "./config.ts";
import type { Place } from "./settings.ts";
import { canonicalIp } from "../wire/ip_address.ts";

const WILDCARDS: ReadonlySet<string> = new Set(["::", "0.0.0.0"]);

/**
 * Reads the DNS listen addresses: a list (or, in YAML, a single string) of
 * `readListenAddress` forms, each defaulting to `port`. The same address and
 * port twice is an error, and so is a wildcard ("::" or "0.0.0.0") next to
 * any other address on its port: the wildcard socket already receives that
 * address ("::" is dual-stack), so the second bind would fail at start-up.
 */
export function readListenList(value: unknown, at: Place, port: number): readonly ListenAddress[] {
  const raws = typeof value === "string" ? [value] : readList(value, at, "address");
  const addresses = raws.map((raw, index) => readListenAddress(raw, at.child(index), port));
  const keys = addresses.map(({ hostname, port }) =>
    `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`
  );
  assertUnique(keys, keys, at);
  addresses.forEach((address, index) => {
    const wildcard = addresses.findIndex((other, at) =>
      at !== index && other.port === address.port && WILDCARDS.has(other.hostname)
    );
    if (wildcard >= 0) {
      at.child(index).fail(
        `"${keys[index]}" overlaps "${keys[wildcard]}", ` +
          `which already receives every address on port ${address.port}`,
      );
    }
  });
  return addresses;
}

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
