import { parseIpAddress } from "../wire/ip_address.ts";

/**
 * The key under which TCP connections are counted per source: the IPv4
 * address, or the /64 of an IPv6 address (one host usually holds a whole
 * /64, so counting single IPv6 addresses would be no cap at all).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, from a dual-stack socket) counts as
 * the IPv4 address. Text that is no address is its own key.
 *
 * @example tcpSourceKey("2001:db8::1") === tcpSourceKey("2001:db8::2") // true
 */
export function tcpSourceKey(hostname: string): string {
  const bytes = parseIpAddress(hostname);
  if (bytes === null) return hostname;
  if (bytes.length === 4) return bytes.join(".");
  let mapped = bytes[10] === 0xff && bytes[11] === 0xff;
  for (let i = 0; i < 10 && mapped; i++) mapped = bytes[i] === 0;
  if (mapped) return bytes.subarray(12).join(".");
  let key = "";
  for (let i = 0; i < 8; i++) key += bytes[i].toString(16).padStart(2, "0");
  return `${key}::/64`;
}
