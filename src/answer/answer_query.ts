import type { Snapshot, ZoneIndex } from "../zone/snapshot.ts";
import { canonicalKey, wireKey } from "../wire/names.ts";
import { DNS, type Transport } from "../wire/constants.ts";
import { ParsedQuery, parseQuery, QueryShape } from "../wire/parse_query.ts";
import { answerTsig } from "./answer_tsig.ts";
import { ResponseSections, sizeLimit, writeResponse } from "./response_writer.ts";

/** The wildcard label "*" as a canonical-key label (octet + 1, then terminator). */
const WILDCARD_LABEL = String.fromCharCode(0x2a + 1) + "\u0000";

// Scratch refilled by every call: answerQuery is synchronous, so one of each serves all queries.
const parsed = new ParsedQuery();
const sections = new ResponseSections();

/**
 * Answers one DNS query from a snapshot and returns the response bytes, or
 * null to drop it silently (shorter than a header, or a response). Pure and
 * synchronous: the query is parsed strictly (a malformed one gets FORMERR),
 * the name looked up case-insensitively, and the prepared sections copied
 * behind the question, which is echoed exactly as sent (0x20 case kept).
 * `cookie`: the COOKIE option data (client and server cookie) the server
 * computed for this query, put in our OPT; null for none.
 * Behaviour, row by row: docs/dns-behaviour.md.
 */
export function answerQuery(
  query: Uint8Array,
  snapshot: Snapshot,
  transport: Transport,
  cookie: Uint8Array | null = null,
): Uint8Array | null {
  if (query.length < DNS.HEADER_LENGTH || (query[2] & DNS.FLAG_QR) !== 0) return null;
  sections.cookie = cookie;
  const shape = parseQuery(query, parsed);
  if ((query[2] & DNS.OPCODE_MASK) !== 0) return bare(query, DNS.RCODE_NOTIMP);
  if (shape !== QueryShape.OK || query[4] !== 0 || query[5] !== 1) {
    return bare(query, DNS.RCODE_FORMERR);
  }
  if (parsed.tsigAt >= 0) {
    return answerTsig(query, parsed, sections.start(DNS.RCODE_NOTAUTH, false));
  }
  if (parsed.optAt >= 0 && parsed.ednsVersion !== 0) return noRecords(query, DNS.RCODE_BADVERS);
  // QCLASS ANY too: we answer for class IN only (docs/dns-behaviour.md).
  if (parsed.qclass !== DNS.CLASS_IN) return noRecords(query, DNS.RCODE_REFUSED);

  const nameEnd = parsed.nameEnd;
  const qtype = parsed.qtype;
  const dnssecOk = parsed.dnssecOk;
  const key = wireKey(query, DNS.HEADER_LENGTH, nameEnd);
  const entry = snapshot.names.get(key);
  if (entry !== undefined) {
    // Before the first health round: no addresses from unknown health, and no silence either.
    if (snapshot.undecided !== null && snapshot.undecided.has(key)) {
      return noRecords(query, DNS.RCODE_SERVFAIL);
    }
    if (qtype === DNS.TYPE_AXFR || qtype === DNS.TYPE_IXFR) {
      return noRecords(query, DNS.RCODE_NOTIMP);
    }
    const zone = snapshot.zones[entry.zone];
    const reply = sections.start(DNS.RCODE_NOERROR, true);
    reply.shift = nameEnd - DNS.HEADER_LENGTH - zone.apexWireLength;
    const types = entry.types;
    for (let i = 0; i < types.length; i++) {
      if (types[i] === qtype) {
        reply.answer = entry.answers[i];
        return writeResponse(query, parsed, reply, sizeLimit(parsed, transport));
      }
    }
    // NODATA: the SOA, and with DO=1 the name's own NSEC (an ENT's covering one).
    reply.soa = zone.negativeSoa;
    if (dnssecOk && entry.proof >= 0) reply.denial = zone.chainProofs.at(entry.proof);
    return writeResponse(query, parsed, reply, sizeLimit(parsed, transport));
  }

  // Not an existing name: find its closest existing ancestor (the closest encloser).
  let encloserAt = DNS.HEADER_LENGTH + query[DNS.HEADER_LENGTH] + 1;
  let zone: ZoneIndex | null = null;
  for (; encloserAt < nameEnd; encloserAt += query[encloserAt] + 1) {
    const found = snapshot.names.get(key.substring(encloserAt - DNS.HEADER_LENGTH));
    if (found !== undefined) {
      zone = snapshot.zones[found.zone];
      break;
    }
  }
  if (zone === null) return noRecords(query, DNS.RCODE_REFUSED);
  if (qtype === DNS.TYPE_AXFR || qtype === DNS.TYPE_IXFR) {
    return noRecords(query, DNS.RCODE_NOTIMP);
  }
  const reply = sections.start(DNS.RCODE_NXDOMAIN, true);
  reply.shift = nameEnd - DNS.HEADER_LENGTH - zone.apexWireLength;
  reply.soa = zone.negativeSoa;
  if (dnssecOk && zone.chainKeys.length > 0) {
    // NSEC covering the name, and NSEC covering the wildcard at the closest encloser (RFC 4035 §3.1.3.2).
    const covering = predecessor(zone.chainKeys, canonicalKey(query, DNS.HEADER_LENGTH));
    const wildcard = predecessor(zone.chainKeys, canonicalKey(query, encloserAt) + WILDCARD_LABEL);
    reply.denial = zone.chainProofs.at(covering);
    if (wildcard !== covering) reply.wildcardDenial = zone.chainProofs.at(wildcard);
  }
  return writeResponse(query, parsed, reply, sizeLimit(parsed, transport));
}

/** Index of the last key ≤ `key` (keys ascending; the apex, first, precedes every name in the zone). */
function predecessor(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (keys[middle] <= key) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** FORMERR, or NOTIMP for an opcode: the header and, when the query had a valid one, our OPT. */
function bare(query: Uint8Array, rcode: number): Uint8Array {
  const reply = sections.start(rcode, false);
  reply.question = false;
  return writeResponse(query, parsed, reply, Infinity);
}

/** The question (and OPT) but no records, AA clear: REFUSED, SERVFAIL, NOTIMP for AXFR/IXFR, BADVERS. */
function noRecords(query: Uint8Array, rcode: number): Uint8Array {
  return writeResponse(query, parsed, sections.start(rcode, false), Infinity);
}
