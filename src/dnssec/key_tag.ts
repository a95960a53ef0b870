/**
 * The key tag of a DNSKEY RDATA (RFC 4034 Appendix B): the ones'-complement-
 * style sum of its 16-bit words. (Algorithm 1 is never used here.)
 */
export function keyTag(dnskeyRdata: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) sum += i & 1 ? dnskeyRdata[i] : dnskeyRdata[i] << 8;
  sum += (sum >>> 16) & 0xffff;
  return sum & 0xffff;
}
