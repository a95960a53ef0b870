import { assertUnique, quoteValue, readList } from "./value_readers.ts";
import { canonicalIp } from "./canonical_ip.ts";
import type { Place } from "./place.ts";

/**
 * Reads a non-empty list of IPv4/IPv6 addresses and returns them in
 * canonical form (see `canonicalIp`), in the order given. A repeated
 * address is an error: it is most likely a typo for another one.
 */
export function readAddressList(value: unknown, at: Place): readonly string[] {
  const raws = readList(value, at, "address");
  const addresses = raws.map((raw, index): string => {
    const address = typeof raw === "string" ? canonicalIp(raw) : null;
    if (address === null) return at.child(index).fail(`${quoteValue(raw)} is not an IP address`);
    return address;
  });
  assertUnique(addresses, raws, at);
  return addresses;
}
