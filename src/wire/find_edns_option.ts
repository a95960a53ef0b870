import { DNS } from "./dns_constants.ts";

import { skipName } from "./skip_name.ts";

/**
 * Finds the EDNS option `code` in a query's OPT record (RFC 6891 §6.1.2) and
 * returns the offset of its OPTION-CODE field (OPTION-LENGTH follows at +2,
 * the data at +4), or -1 when the query has no OPT, the OPT lacks the option,
 * or anything on the way is malformed (the answer path rejects those). A
 * query without additional records costs one comparison.
 */
export function findEdnsOption(message: Uint8Array, code: number): number {
  const length = message.length;
  if (length < DNS.HEADER_LENGTH || (message[10] | message[11]) === 0) return -1;
  let at = skipName(message, DNS.HEADER_LENGTH);
  if (at < 0) return -1;
  at += 4;
  const records = ((message[6] << 8) | message[7]) + ((message[8] << 8) | message[9]) +
    ((message[10] << 8) | message[11]);
  for (let i = 0; i < records; i++) {
    at = skipName(message, at);
    if (at < 0 || at + 10 > length) return -1;
    const end = at + 10 + ((message[at + 8] << 8) | message[at + 9]);
    if (end > length) return -1;
    if (message[at] === 0 && message[at + 1] === DNS.TYPE_OPT) {
      for (let option = at + 10; option + 4 <= end;) {
        if (((message[option] << 8) | message[option + 1]) === code) {
          return option + 4 + ((message[option + 2] << 8) | message[option + 3]) <= end
            ? option
            : -1;
        }
        option += 4 + ((message[option + 2] << 8) | message[option + 3]);
      }
      return -1;
    }
    at = end;
  }
  return -1;
}
