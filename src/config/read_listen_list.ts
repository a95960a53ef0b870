import { assertUnique, readList } from "./value_readers.ts";
import type { ListenAddress } from "./config.ts";
import type { Place } from "./place.ts";
import { readListenAddress } from "./read_listen_address.ts";

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
