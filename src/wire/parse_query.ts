/**
 * Reading a query: the strict parse of header counts, questions and records
 * (OPT, TSIG), and finding one EDNS option.
 */
import { DNS } from "./constants.ts";
import { skipName } from "./names.ts";

/**
 * Where `parseQuery` found the parts of a query. One instance is refilled for
 * every query (the answer path is synchronous), so parsing allocates nothing.
 * Offsets are into the query bytes.
 */
export class ParsedQuery {
  /** Offset just past the first question's name (its QTYPE), 0 when unread. */
  nameEnd = 0;
  /** Offset just past the first question (after QCLASS), 0 when unread. */
  questionEnd = 0;
  qtype = 0;
  qclass = 0;
  /**
   * Offset of the valid OPT record's TYPE field (its root owner is the octet
   * before), or -1: no OPT, or one the query may not carry (RFC 6891 §6.1.1).
   */
  optAt = -1;
  /** EDNS version of the OPT (0 without one). */
  ednsVersion = 0;
  /** The requestor's UDP payload size from the OPT (0 without one). */
  udpSize = 0;
  /** The DO bit of the OPT (RFC 3225). */
  dnssecOk = false;
  /** Offset of the TSIG record's owner name (always the last record), or -1. */
  tsigAt = -1;
  /** Offset of the TSIG record's RDATA, -1 without one. */
  tsigRdataAt = -1;

  /** Forgets the previous query. */
  reset(): void {
    this.nameEnd = 0;
    this.questionEnd = 0;
    this.qtype = 0;
    this.qclass = 0;
    this.optAt = -1;
    this.ednsVersion = 0;
    this.udpSize = 0;
    this.dnssecOk = false;
    this.tsigAt = -1;
    this.tsigRdataAt = -1;
  }
}

/** What `parseQuery` made of a message. */
export const QueryShape = Object.freeze({
  /** Well formed: every counted record read, nothing after the last. */
  OK: 0,
  /** Malformed (FORMERR); `optAt` still names a valid OPT met before the fault. */
  MALFORMED: 1,
});

/**
 * Reads the end of a possibly compressed name starting at `offset`
 * (RFC 1035 §4.1.4) and returns the offset just past it in the message, or -1
 * when malformed: a label type other than 0b00 or 0b11, a pointer into the
 * header or not strictly before itself (a forward pointer or a loop), an
 * expansion longer than 255 octets (which also ends any loop of backward
 * pointers), or the message ending first.
 */
export function readName(message: Uint8Array, offset: number): number {
  const length = message.length;
  let at = offset;
  let end = -1; // where the name ends in the message: after its first pointer
  let expanded = 0;
  for (;;) {
    if (at >= length) return -1;
    const label = message[at];
    if (label === 0) return expanded + 1 > 255 ? -1 : end < 0 ? at + 1 : end;
    if (label > 63) {
      if (label < 0xc0 || at + 1 >= length) return -1;
      const target = ((label & 0x3f) << 8) | message[at + 1];
      if (target < DNS.HEADER_LENGTH || target >= at) return -1;
      if (end < 0) end = at + 2;
      at = target;
      continue;
    }
    expanded += label + 1;
    if (expanded > 254) return -1;
    at += label + 1;
  }
}

/**
 * Parses a query strictly (RFC 1035 §4.1, RFC 6891 §6.1.1, RFC 8945 §5.1)
 * into `out`: every question and record the header counts announce must be
 * present and well formed, with nothing after the last; an OPT only once, at
 * the root, in the additional section, with options tiling its RDATA; a TSIG
 * only as the very last record, of class ANY (RFC 8945 §4.2). The first
 * question is recorded (the caller checks QDCOUNT); RDATA is not interpreted
 * beyond OPT and TSIG. The header (12 octets, the caller checked) is not judged.
 *
 * @returns `QueryShape.OK` or `QueryShape.MALFORMED`.
 */
export function parseQuery(message: Uint8Array, out: ParsedQuery): number {
  out.reset();
  const length = message.length;
  const questions = (message[4] << 8) | message[5];
  let at: number = DNS.HEADER_LENGTH;
  for (let i = 0; i < questions; i++) {
    const nameEnd = readName(message, at);
    if (nameEnd < 0 || nameEnd + 4 > length) return QueryShape.MALFORMED;
    if (i === 0) {
      out.nameEnd = nameEnd;
      out.questionEnd = nameEnd + 4;
      out.qtype = (message[nameEnd] << 8) | message[nameEnd + 1];
      out.qclass = (message[nameEnd + 2] << 8) | message[nameEnd + 3];
    }
    at = nameEnd + 4;
  }
  const additional = (message[10] << 8) | message[11];
  const records = ((message[6] << 8) | message[7]) + ((message[8] << 8) | message[9]) + additional;
  const firstAdditional = records - additional;
  let opts = 0;
  for (let i = 0; i < records; i++) {
    const owner = at;
    at = readName(message, at);
    if (at < 0 || at + 10 > length) return QueryShape.MALFORMED;
    const type = (message[at] << 8) | message[at + 1];
    const rdataAt = at + 10;
    const rdataEnd = rdataAt + ((message[at + 8] << 8) | message[at + 9]);
    if (rdataEnd > length) return QueryShape.MALFORMED;
    if (type === DNS.TYPE_OPT) {
      if (
        ++opts > 1 || i < firstAdditional || message[owner] !== 0 ||
        !optionsTile(message, rdataAt, rdataEnd)
      ) {
        out.optAt = -1; // a second OPT spoils the first: none is echoed
        return QueryShape.MALFORMED;
      }
      out.optAt = at;
      out.udpSize = (message[at + 2] << 8) | message[at + 3];
      out.ednsVersion = message[at + 5];
      out.dnssecOk = (message[at + 6] & 0x80) !== 0;
    } else if (type === DNS.TYPE_TSIG) {
      const anyClass = message[at + 2] === 0 && message[at + 3] === DNS.CLASS_ANY;
      if (
        i !== records - 1 || i < firstAdditional || !anyClass ||
        !tsigWellFormed(message, rdataAt, rdataEnd)
      ) {
        return QueryShape.MALFORMED;
      }
      out.tsigAt = owner;
      out.tsigRdataAt = rdataAt;
    }
    at = rdataEnd;
  }
  return at === length ? QueryShape.OK : QueryShape.MALFORMED;
}

/**
 * EDNS options must tile the OPT RDATA exactly (RFC 6891 §6.1.2), and a
 * COOKIE option be 8 octets (client cookie) or 16 to 40 (with a server
 * cookie), RFC 7873 §5.2.2.
 */
function optionsTile(message: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at + 4 <= end) {
    const length = (message[at + 2] << 8) | message[at + 3];
    if (
      message[at] === 0 && message[at + 1] === DNS.OPTION_COOKIE && length !== 8 &&
      (length < 16 || length > 40)
    ) {
      return false;
    }
    at += 4 + length;
  }
  return at === end;
}

/**
 * TSIG RDATA (RFC 8945 §4.2): an uncompressed algorithm name, time signed (6),
 * fudge (2), MAC size and MAC, original ID (2), error (2), other length and
 * other data, filling the RDATA exactly.
 */
function tsigWellFormed(message: Uint8Array, start: number, end: number): boolean {
  let at = start;
  while (at < end && message[at] !== 0) {
    if (message[at] > 63) return false;
    at += message[at] + 1;
  }
  at += 1 + 6 + 2; // root label, time signed, fudge
  if (at + 2 > end) return false;
  at += 2 + ((message[at] << 8) | message[at + 1]) + 2 + 2; // MAC, original ID, error
  if (at + 2 > end) return false;
  return at + 2 + ((message[at] << 8) | message[at + 1]) === end;
}

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
