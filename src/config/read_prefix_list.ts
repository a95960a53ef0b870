import { addressToRdata } from "../wire/ip_address.ts";
import { canonicalIp } from "./canonical_ip.ts";
import type { Place } from "./place.ts";
import { quoteValue, readList } from "./value_readers.ts";

const PREFIX_BITS = /^(0|[1-9][0-9]{0,2})$/;

/**
 * Reads a list (or, in YAML, a single string) of address prefixes such as
 * "192.0.2.0/24" or "2001:db8::/32"; a bare address is a single host. Returns
 * them canonical ("2001:db8::/32"), with the bits past the prefix length
 * required to be zero so "192.0.2.7/24" is caught as the likely typo it is.
 */
export function readPrefixList(value: unknown, at: Place): readonly string[] {
  const items = typeof value === "string" ? [value] : readList(value, at, null);
  return items.map((item, index) => {
    const here: Place = at.child(index);
    if (typeof item !== "string") here.fail(`${quoteValue(item)} is not an address prefix`);
    const slash = item.indexOf("/");
    const address = canonicalIp(slash < 0 ? item : item.slice(0, slash));
    const width = address?.includes(":") ? 128 : 32;
    const bitsText = slash < 0 ? String(width) : item.slice(slash + 1);
    const bits = Number(bitsText);
    if (address === null || !PREFIX_BITS.test(bitsText) || bits > width) {
      return here.fail(
        `${quoteValue(item)} is not an address prefix like 192.0.2.0/24 or 2001:db8::/32`,
      );
    }
    if (!hostBitsZero(address, bits)) here.fail(`${quoteValue(item)} has bits set past /${bits}`);
    return `${address}/${bits}`;
  });
}

/** Whether every bit of `address` after the first `bits` is zero. */
function hostBitsZero(address: string, bits: number): boolean {
  return addressToRdata(address).every((byte, i) => {
    const kept = Math.max(0, Math.min(8, bits - 8 * i));
    return (byte & (0xff >> kept)) === 0;
  });
}
