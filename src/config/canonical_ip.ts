import { parseIpAddress } from "../wire/ip_address.ts";

/** RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    // IPv4-mapped addresses keep the dotted quad (RFC 5952 section 5).
    return `::ffff:${bytes.subarray(12).join(".")}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * The canonical text of an IP address, or null when `text` is not one (the
 * forms src/wire/ip_address.ts accepts): IPv4 as its dotted quad, IPv6 in
 * RFC 5952 form.
 *
 * @example canonicalIp("2001:DB8:0:0::1") // "2001:db8::1"
 */
export function canonicalIp(text: string): string | null {
  const bytes = parseIpAddress(text);
  if (bytes === null) return null;
  return bytes.length === 4 ? bytes.join(".") : formatIpv6(bytes);
}
