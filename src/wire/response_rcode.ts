import { DNS } from "./dns_constants.ts";

/**
 * The full RCODE of a response this server wrote: the header's 4 bits plus,
 * for a response without answer and authority records, the upper 8 bits from
 * an OPT that is the first additional record (RFC 6891 §6.1.3: BADVERS is
 * 16). Responses with records are never extended errors, so the common case
 * reads only the header.
 *
 * @example responseRcode(badversReply) // 16
 */
export function responseRcode(response: Uint8Array): number {
  const rcode = response[3] & DNS.RCODE_MASK;
  if ((response[6] | response[7] | response[8] | response[9]) !== 0) return rcode;
  if (response[10] === 0 && response[11] === 0) return rcode;
  let at: number = DNS.HEADER_LENGTH;
  if (response[5] === 1) {
    while (at < response.length && response[at] !== 0) at += response[at] + 1;
    at += 5; // root label, QTYPE, QCLASS
  }
  if (at + 11 > response.length || response[at] !== 0) return rcode;
  if (response[at + 1] !== 0 || response[at + 2] !== DNS.TYPE_OPT) return rcode;
  return (response[at + 5] << 4) | rcode;
}
