import { DNS } from "../wire/constants.ts";
import type { ParsedQuery } from "../wire/parse_query.ts";
import { type ResponseSections, writeResponse } from "./response_writer.ts";

/**
 * Answers a query that carries a TSIG record (RFC 8945) with a key the server
 * does not know: the unsigned error of §5.2: NOTAUTH, the question (and OPT)
 * echoed, and a TSIG record with the query's key and algorithm names, time
 * signed and fudge, an empty MAC, its original ID and error BADKEY. Keys are
 * looked up and MACs verified in src/transfer, which the server asks first
 * when a `transfer` config names keys; it hands unknown keys back to here.
 *
 * @param sections started with NOTAUTH, AA clear.
 */
export function answerTsig(
  query: Uint8Array,
  parsed: ParsedQuery,
  sections: ResponseSections,
): Uint8Array {
  sections.trailer = tsigError(query, parsed, DNS.TSIG_BADKEY);
  return writeResponse(query, parsed, sections, Infinity);
}

/**
 * The unsigned TSIG record of an error response (RFC 8945 §5.3.2): owner and
 * algorithm copied from the query's TSIG (the owner expanded: it may be
 * compressed there), class ANY, TTL 0, time signed and fudge copied, MAC size
 * 0, the original ID copied, `error`, no other data. parseQuery vetted the
 * record, so every offset here is inside the query.
 */
function tsigError(query: Uint8Array, parsed: ParsedQuery, error: number): Uint8Array {
  const owner = expandName(query, parsed.tsigAt);
  const rdataAt = parsed.tsigRdataAt;
  let algorithmEnd = rdataAt;
  while (query[algorithmEnd] !== 0) algorithmEnd += query[algorithmEnd] + 1;
  algorithmEnd++;
  const timeAt = algorithmEnd; // time signed (6) and fudge (2)
  const macSizeAt = timeAt + 8;
  const originalIdAt = macSizeAt + 2 + ((query[macSizeAt] << 8) | query[macSizeAt + 1]);
  const rdataLength = algorithmEnd - rdataAt + 8 + 2 + 2 + 2 + 2;
  const out = new Uint8Array(owner.length + 10 + rdataLength);
  out.set(owner, 0);
  let at = owner.length;
  out[at] = DNS.TYPE_TSIG >> 8;
  out[at + 1] = DNS.TYPE_TSIG & 0xff;
  out[at + 3] = DNS.CLASS_ANY; // TTL (4 octets) stays 0
  out[at + 8] = rdataLength >> 8;
  out[at + 9] = rdataLength & 0xff;
  at += 10;
  out.set(query.subarray(rdataAt, macSizeAt), at); // algorithm, time signed, fudge
  at += macSizeAt - rdataAt + 2; // MAC size 0, no MAC
  out[at] = query[originalIdAt];
  out[at + 1] = query[originalIdAt + 1];
  out[at + 2] = error >> 8;
  out[at + 3] = error & 0xff; // other length 0
  return out;
}

/** The uncompressed wire form of the (valid) name at `offset`, pointers followed. */
function expandName(message: Uint8Array, offset: number): Uint8Array {
  const labels: number[] = [];
  let at = offset;
  while (message[at] !== 0) {
    if (message[at] >= 0xc0) {
      at = ((message[at] & 0x3f) << 8) | message[at + 1];
      continue;
    }
    for (let i = 0; i <= message[at]; i++) labels.push(message[at + i]);
    at += message[at] + 1;
  }
  labels.push(0);
  return new Uint8Array(labels);
}
