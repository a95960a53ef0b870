import { DNS, type Transport } from "../wire/constants.ts";
import type { Fragment } from "../wire/fragment.ts";
import type { ParsedQuery } from "../wire/parse_query.ts";

/** Length of our OPT record: root name, type, class, TTL, RDLENGTH 0. */
const OPT_LENGTH = 11;

/**
 * What one response carries, section by section. The answer path refills one
 * instance per query (it is synchronous), so naming the parts costs no
 * allocation.
 */
export class ResponseSections {
  /** Full RCODE: values above 15 go out as the OPT's extended RCODE (RFC 6891 §6.1.3). */
  rcode = 0;
  /** The AA flag. */
  authoritative = false;
  /** Whether the question is echoed (FORMERR and NOTIMP for an opcode carry none). */
  question = true;
  /** The answer section. */
  answer: Fragment | null = null;
  /** Authority: the SOA of a negative answer, */
  soa: Fragment | null = null;
  /** then with DO=1 the NSEC denying the name (or the type at it), */
  denial: Fragment | null = null;
  /** and the NSEC denying the wildcard, when another one (RFC 4035 §3.1.3.2). */
  wildcardDenial: Fragment | null = null;
  /** Added to every relocatable compression pointer: question name length − apex length. */
  shift = 0;
  /** Whole records appended to the additional section after our OPT (a TSIG error), or null. */
  trailer: Uint8Array | null = null;
  /**
   * COOKIE option data for our OPT (client cookie + server cookie, RFC 7873
   * §5.2), or null. Set once per query, before `start`, which keeps it.
   */
  cookie: Uint8Array | null = null;

  /** Empties every section and sets the RCODE and AA flag of the next response. */
  start(rcode: number, authoritative: boolean): this {
    this.rcode = rcode;
    this.authoritative = authoritative;
    this.question = true;
    this.answer = null;
    this.soa = null;
    this.denial = null;
    this.wildcardDenial = null;
    this.shift = 0;
    this.trailer = null;
    return this;
  }
}

/**
 * The largest response a query allows: 65535 over TCP; over UDP
 * min(max(advertised, 512), 1232) with EDNS, 512 without (RFC 6891 §6.2.3–5).
 */
export function sizeLimit(parsed: ParsedQuery, transport: Transport): number {
  if (transport === "tcp") return DNS.MAX_TCP_MESSAGE;
  if (parsed.optAt < 0) return DNS.CLASSIC_UDP_SIZE;
  return Math.min(Math.max(parsed.udpSize, DNS.CLASSIC_UDP_SIZE), DNS.EDNS_UDP_SIZE);
}

/**
 * Writes a response: header, the question echoed byte for byte (unless
 * `sections.question` is false or the question was not read), the sections, each fragment in its DO=1 or plain
 * form, our OPT when the query had a valid one (with the COOKIE option when
 * `sections.cookie` is set), then the trailer. When it
 * would exceed `limit`, answer and authority are left out and TC set (RFC
 * 2181 §9, RFC 6891 §7).
 */
export function writeResponse(
  query: Uint8Array,
  parsed: ParsedQuery,
  sections: ResponseSections,
  limit: number,
): Uint8Array {
  const dnssecOk = parsed.dnssecOk;
  const questionEnd = sections.question && parsed.questionEnd > 0
    ? parsed.questionEnd
    : DNS.HEADER_LENGTH;
  const { answer, soa, denial, wildcardDenial, trailer } = sections;
  const cookie = sections.cookie;
  const optionLength = cookie === null ? 0 : 4 + cookie.length;
  const optLength = parsed.optAt < 0 ? 0 : OPT_LENGTH + optionLength;
  const trailerLength = trailer === null ? 0 : trailer.length;
  let total = questionEnd + optLength + trailerLength + usedLength(answer, dnssecOk) +
    usedLength(soa, dnssecOk) + usedLength(denial, dnssecOk) + usedLength(wildcardDenial, dnssecOk);
  const truncated = total > limit;
  if (truncated) total = questionEnd + optLength + trailerLength;
  const out = new Uint8Array(total);
  writeFlags(out, query, sections.authoritative, truncated, sections.rcode);
  if (questionEnd > DNS.HEADER_LENGTH) out[5] = 1;
  for (let i = DNS.HEADER_LENGTH; i < questionEnd; i++) out[i] = query[i]; // no view to allocate
  let at = questionEnd;
  if (!truncated) {
    const anCount = usedCount(answer, dnssecOk);
    const nsCount = usedCount(soa, dnssecOk) + usedCount(denial, dnssecOk) +
      usedCount(wildcardDenial, dnssecOk);
    out[6] = anCount >> 8;
    out[7] = anCount & 0xff;
    out[8] = nsCount >> 8;
    out[9] = nsCount & 0xff;
    const shift = sections.shift;
    if (answer !== null) at = copyFragment(out, at, answer, dnssecOk, shift);
    if (soa !== null) at = copyFragment(out, at, soa, dnssecOk, shift);
    if (denial !== null) at = copyFragment(out, at, denial, dnssecOk, shift);
    if (wildcardDenial !== null) at = copyFragment(out, at, wildcardDenial, dnssecOk, shift);
  }
  let arCount = 0;
  if (optLength > 0) {
    arCount++;
    // Root owner (already 0), TYPE OPT, CLASS = our UDP size, TTL = extended RCODE, version 0, DO.
    out[at + 2] = DNS.TYPE_OPT;
    out[at + 3] = DNS.EDNS_UDP_SIZE >> 8;
    out[at + 4] = DNS.EDNS_UDP_SIZE & 0xff;
    out[at + 5] = sections.rcode >> 4;
    out[at + 7] = dnssecOk ? 0x80 : 0;
    if (cookie !== null) {
      out[at + 10] = optionLength; // RDLENGTH; the option: code, length, data
      out[at + 12] = DNS.OPTION_COOKIE;
      out[at + 14] = cookie.length;
      out.set(cookie, at + 15);
    }
    at += optLength;
  }
  if (trailer !== null) {
    arCount++;
    out.set(trailer, at);
  }
  out[11] = arCount;
  return out;
}

/** Response header bytes 0..3: ID; QR, opcode, AA, TC, RD, CD copied; RA, Z, AD clear. */
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

/** Bytes of `fragment` a response carries: all of them with DO, else its plain part. */
function usedLength(fragment: Fragment | null, dnssecOk: boolean): number {
  return fragment === null ? 0 : dnssecOk ? fragment.bytes.length : fragment.plainLength;
}

function usedCount(fragment: Fragment | null, dnssecOk: boolean): number {
  return fragment === null ? 0 : dnssecOk ? fragment.count : fragment.plainCount;
}

/** Copies the used part of a fragment to `at`, shifting its relocatable compression pointers; returns the end. */
function copyFragment(
  out: Uint8Array,
  at: number,
  fragment: Fragment,
  dnssecOk: boolean,
  shift: number,
): number {
  const bytes = fragment.bytes;
  const length = dnssecOk ? bytes.length : fragment.plainLength;
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
