import type { Snapshot, ZoneIndex } from "../zone/snapshot.ts";
import { canonicalKey } from "../wire/canonical_key.ts";
import { DNS } from "../wire/dns_constants.ts";
import type { Fragment } from "../wire/fragment.ts";
import { readQuestionName } from "../wire/read_question_name.ts";
import { skipName } from "../wire/skip_name.ts";
import { wireKey } from "../wire/wire_key.ts";

/** Length of our OPT record: root name, type, class, TTL, RDLENGTH 0. */
const OPT_LENGTH = 11;
/** The wildcard label "*" as a canonical-key label (octet + 1, then terminator). */
const WILDCARD_LABEL = String.fromCharCode(0x2a + 1) + "\u0000";

/**
 * Answers one DNS query from a snapshot and returns the response bytes, or
 * null to drop it silently (shorter than a header, or a response). Pure and
 * synchronous: the query is parsed only as far as header, question and OPT,
 * the name looked up case-insensitively, and the prepared sections copied
 * behind the question, which is echoed exactly as sent (0x20 case kept).
 * Behaviour, row by row: docs/dns-behaviour.md.
 */
export function answerQuery(
  query: Uint8Array,
  snapshot: Snapshot,
  transport: "udp" | "tcp",
): Uint8Array | null {
  const length = query.length;
  if (length < DNS.HEADER_LENGTH || (query[2] & DNS.FLAG_QR) !== 0) return null;
  if ((query[2] & DNS.OPCODE_MASK) !== 0) return headerOnly(query, DNS.RCODE_NOTIMP);
  if (query[4] !== 0 || query[5] !== 1) return headerOnly(query, DNS.RCODE_FORMERR);
  const nameEnd = readQuestionName(query, DNS.HEADER_LENGTH);
  if (nameEnd < 0 || nameEnd + 4 > length) return headerOnly(query, DNS.RCODE_FORMERR);
  const questionEnd = nameEnd + 4;

  // Walk the other sections to find (and vet) the OPT record.
  const records = ((query[6] << 8) | query[7]) + ((query[8] << 8) | query[9]) +
    ((query[10] << 8) | query[11]);
  const firstAdditional = records - ((query[10] << 8) | query[11]);
  let optAt = -1;
  let at = questionEnd;
  for (let i = 0; i < records; i++) {
    const owner = at;
    at = skipName(query, at);
    if (at < 0 || at + 10 > length) return headerOnly(query, DNS.RCODE_FORMERR);
    const rdataEnd = at + 10 + ((query[at + 8] << 8) | query[at + 9]);
    if (rdataEnd > length) return headerOnly(query, DNS.RCODE_FORMERR);
    if (query[at] === 0 && query[at + 1] === DNS.TYPE_OPT) {
      if (
        i < firstAdditional || optAt >= 0 || query[owner] !== 0 ||
        !optionsWellFormed(query, at + 10, rdataEnd)
      ) {
        return headerOnly(query, DNS.RCODE_FORMERR);
      }
      optAt = at;
    }
    at = rdataEnd;
  }

  let edns = -1; // -1: no OPT; else the DO bit (0 or 0x80) to echo
  let limit: number = transport === "tcp" ? DNS.MAX_TCP_MESSAGE : DNS.CLASSIC_UDP_SIZE;
  if (optAt >= 0) {
    edns = query[optAt + 6] & 0x80;
    if (query[optAt + 5] !== 0) {
      return noRecords(query, questionEnd, DNS.RCODE_BADVERS, edns);
    }
    if (transport === "udp") {
      const size = (query[optAt + 2] << 8) | query[optAt + 3];
      limit = Math.min(Math.max(size, DNS.CLASSIC_UDP_SIZE), DNS.EDNS_UDP_SIZE);
    }
  }

  const qtype = (query[nameEnd] << 8) | query[nameEnd + 1];
  const qclass = (query[nameEnd + 2] << 8) | query[nameEnd + 3];
  if (qclass !== DNS.CLASS_IN) {
    return noRecords(query, questionEnd, DNS.RCODE_REFUSED, edns);
  }

  const key = wireKey(query, DNS.HEADER_LENGTH, nameEnd);
  const dnssecOk = edns > 0;
  const entry = snapshot.names.get(key);
  if (entry !== undefined) {
    if (qtype === DNS.TYPE_AXFR || qtype === DNS.TYPE_IXFR) {
      return noRecords(query, questionEnd, DNS.RCODE_NOTIMP, edns);
    }
    const zone = snapshot.zones[entry.zone];
    const shift = nameEnd - DNS.HEADER_LENGTH - zone.apexWireLength;
    const types = entry.types;
    for (let i = 0; i < types.length; i++) {
      if (types[i] === qtype) {
        const answer = entry.answers[i];
        return respond(
          query,
          questionEnd,
          DNS.RCODE_NOERROR,
          true,
          answer,
          null,
          null,
          null,
          shift,
          dnssecOk,
          edns,
          limit,
        );
      }
    }
    const proof = dnssecOk && entry.proof >= 0 ? zone.chainProofs.at(entry.proof) : null;
    return respond(
      query,
      questionEnd,
      DNS.RCODE_NOERROR,
      true,
      null,
      zone.negativeSoa,
      proof,
      null,
      shift,
      dnssecOk,
      edns,
      limit,
    );
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
  if (zone === null) {
    return noRecords(query, questionEnd, DNS.RCODE_REFUSED, edns);
  }
  if (qtype === DNS.TYPE_AXFR || qtype === DNS.TYPE_IXFR) {
    return noRecords(query, questionEnd, DNS.RCODE_NOTIMP, edns);
  }
  const shift = nameEnd - DNS.HEADER_LENGTH - zone.apexWireLength;
  let first: Fragment | null = null;
  let second: Fragment | null = null;
  if (dnssecOk && zone.chainKeys.length > 0) {
    // NSEC covering the name, and NSEC covering the wildcard at the closest encloser (RFC 4035 §3.1.3.2).
    const covering = predecessor(zone.chainKeys, canonicalKey(query, DNS.HEADER_LENGTH));
    const wildcard = predecessor(zone.chainKeys, canonicalKey(query, encloserAt) + WILDCARD_LABEL);
    first = zone.chainProofs.at(covering);
    second = wildcard === covering ? null : zone.chainProofs.at(wildcard);
  }
  return respond(
    query,
    questionEnd,
    DNS.RCODE_NXDOMAIN,
    true,
    null,
    zone.negativeSoa,
    first,
    second,
    shift,
    dnssecOk,
    edns,
    limit,
  );
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

/** EDNS options must tile the OPT RDATA exactly (RFC 6891 §6.1.2). */
function optionsWellFormed(query: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at + 4 <= end) at += 4 + ((query[at + 2] << 8) | query[at + 3]);
  return at === end;
}

/** Response header bytes 2 and 3: QR, opcode, AA, TC, RD, CD copied; RA, Z, AD clear. */
function writeFlags(
  out: Uint8Array,
  query: Uint8Array,
  aa: boolean,
  tc: boolean,
  rcode: number,
): void {
  out[0] = query[0];
  out[1] = query[1];
  out[2] = DNS.FLAG_QR | (query[2] & (DNS.OPCODE_MASK | DNS.FLAG_RD)) | (aa ? DNS.FLAG_AA : 0) |
    (tc ? DNS.FLAG_TC : 0);
  out[3] = (query[3] & DNS.FLAG_CD) | (rcode & DNS.RCODE_MASK);
}

/** A bare 12-byte response (NOTIMP for other opcodes, FORMERR) with the query's ID. */
function headerOnly(query: Uint8Array, rcode: number): Uint8Array {
  const out = new Uint8Array(DNS.HEADER_LENGTH);
  writeFlags(out, query, false, false, rcode);
  return out;
}

/** A response with the question (and OPT) but no records: REFUSED, NOTIMP, BADVERS. */
function noRecords(
  query: Uint8Array,
  questionEnd: number,
  rcode: number,
  edns: number,
): Uint8Array {
  return respond(
    query,
    questionEnd,
    rcode,
    false,
    null,
    null,
    null,
    null,
    0,
    false,
    edns,
    Infinity,
  );
}

/** Bytes of `fragment` a response carries: all of them with DO, else its plain part. */
function usedLength(fragment: Fragment | null, dnssecOk: boolean): number {
  return fragment === null ? 0 : dnssecOk ? fragment.bytes.length : fragment.plainLength;
}

function usedCount(fragment: Fragment | null, dnssecOk: boolean): number {
  return fragment === null ? 0 : dnssecOk ? fragment.count : fragment.plainCount;
}

/** Copies the first `length` bytes of a fragment to `at`, shifting its relocatable compression pointers; returns the end. */
function copyFragment(
  out: Uint8Array,
  at: number,
  fragment: Fragment,
  length: number,
  shift: number,
): number {
  const bytes = fragment.bytes;
  if (length === bytes.length) out.set(bytes, at);
  else for (let i = 0; i < length; i++) out[at + i] = bytes[i];
  const relocs = fragment.relocs;
  for (let i = 0; i < relocs.length && relocs[i] < length; i++) {
    const p = at + relocs[i];
    const pointer = ((out[p] << 8) | out[p + 1]) + shift;
    out[p] = pointer >> 8;
    out[p + 1] = pointer & 0xff;
  }
  return at + length;
}

/**
 * Writes header, echoed question, the answer section (`answer`), the
 * authority section (up to three fragments: SOA, NSEC proofs), each in its
 * DO=1 or plain form, and our OPT when the query had one. When the result
 * would exceed `limit`, answer and authority are left out and TC set (RFC
 * 2181 §9, RFC 6891 §7).
 */
function respond(
  query: Uint8Array,
  questionEnd: number,
  rcode: number,
  aa: boolean,
  answer: Fragment | null,
  authority1: Fragment | null,
  authority2: Fragment | null,
  authority3: Fragment | null,
  shift: number,
  dnssecOk: boolean,
  edns: number,
  limit: number,
): Uint8Array {
  const optLength = edns < 0 ? 0 : OPT_LENGTH;
  let total = questionEnd + optLength + usedLength(answer, dnssecOk) +
    usedLength(authority1, dnssecOk) + usedLength(authority2, dnssecOk) +
    usedLength(authority3, dnssecOk);
  const truncated = total > limit;
  if (truncated) total = questionEnd + optLength;
  const out = new Uint8Array(total);
  writeFlags(out, query, aa, truncated, rcode);
  out[5] = 1;
  for (let i = DNS.HEADER_LENGTH; i < questionEnd; i++) out[i] = query[i]; // no view to allocate
  let at = questionEnd;
  if (!truncated) {
    const anCount = usedCount(answer, dnssecOk);
    const nsCount = usedCount(authority1, dnssecOk) + usedCount(authority2, dnssecOk) +
      usedCount(authority3, dnssecOk);
    out[6] = anCount >> 8;
    out[7] = anCount & 0xff;
    out[8] = nsCount >> 8;
    out[9] = nsCount & 0xff;
    if (answer !== null) at = copyFragment(out, at, answer, usedLength(answer, dnssecOk), shift);
    if (authority1 !== null) {
      at = copyFragment(out, at, authority1, usedLength(authority1, dnssecOk), shift);
    }
    if (authority2 !== null) {
      at = copyFragment(out, at, authority2, usedLength(authority2, dnssecOk), shift);
    }
    if (authority3 !== null) {
      at = copyFragment(out, at, authority3, usedLength(authority3, dnssecOk), shift);
    }
  }
  if (edns >= 0) {
    out[11] = 1;
    // Root owner (already 0), TYPE OPT, CLASS = our UDP size, TTL = extended RCODE, version 0, DO.
    out[at + 2] = DNS.TYPE_OPT;
    out[at + 3] = DNS.EDNS_UDP_SIZE >> 8;
    out[at + 4] = DNS.EDNS_UDP_SIZE & 0xff;
    out[at + 5] = rcode >> 4;
    out[at + 7] = edns;
  }
  return out;
}
