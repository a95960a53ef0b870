import type { AddressRange } from "../config/config.ts";
import { canonicalIp } from "../config/canonical_ip.ts";
import { addressToRdata } from "../wire/ip_address.ts";

/**
 * A peer's address in canonical form, an IPv4-mapped IPv6 address (what a
 * dual-stack socket reports for IPv4 peers) as plain IPv4.
 */
export function peerAddress(hostname: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(hostname);
  return canonicalIp(mapped ? mapped[1] : hostname) ?? hostname;
}

/** Whether `address` lies in `range` (families must match; not an address: false). */
export function inRange(address: string, range: AddressRange): boolean {
  if (canonicalIp(address) === null) return false;
  if (address.includes(":") !== range.address.includes(":")) return false;
  const a = addressToRdata(address);
  const b = addressToRdata(range.address);
  for (let bit = 0; bit < range.prefix; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((a[bit >> 3] & mask) !== (b[bit >> 3] & mask)) return false;
  }
  return true;
}
