import { assertUnique } from "./assert_unique.ts";
import type { ListenAddress } from "./config.ts";
import type { Place } from "./place.ts";
import { readList } from "./read_list.ts";
import { readListenAddress } from "./read_listen_address.ts";

/**
 * Reads the DNS listen addresses: a list (or, in YAML, a single string) of
 * `readListenAddress` forms, each defaulting to `port`. The same address and
 * port twice is an error.
 */
export function readListenList(value: unknown, at: Place, port: number): readonly ListenAddress[] {
  const raws = typeof value === "string" ? [value] : readList(value, at, "address");
  const addresses = raws.map((raw, index) => readListenAddress(raw, at.child(index), port));
  const keys = addresses.map(({ hostname, port }) =>
    `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`
  );
  assertUnique(keys, keys, at);
  return addresses;
}
