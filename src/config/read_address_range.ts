import { canonicalIp } from "./canonical_ip.ts";
import type { AddressRange } from "./config.ts";
import type { Place } from "./place.ts";
import { quoteValue, readList } from "./value_readers.ts";

/**
 * Reads an IP address or CIDR range ("203.0.113.0/24", "2001:db8::/48"; a
 * bare address is a single host) into its canonical address and prefix
 * length. Used for `transfer.allow` and `rate_limit.exempt`.
 */
export function readAddressRange(value: unknown, at: Place): AddressRange {
  const [ip, bits, ...rest] = typeof value === "string" ? value.split("/") : [];
  const address = ip === undefined || rest.length > 0 ? null : canonicalIp(ip);
  const max = address?.includes(":") ? 128 : 32;
  const prefix = bits === undefined ? max : /^[0-9]{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (address === null || !(prefix <= max)) {
    return at.fail(`${quoteValue(value)} is not an IP address or CIDR range (e.g. 203.0.113.0/24)`);
  }
  return { address, prefix };
}

/** Reads a list of `readAddressRange` forms (in YAML also a single string). */
export function readAddressRanges(value: unknown, at: Place): readonly AddressRange[] {
  const items = typeof value === "string" ? [value] : readList(value, at, null);
  return items.map((item, index) => readAddressRange(item, at.child(index)));
}
