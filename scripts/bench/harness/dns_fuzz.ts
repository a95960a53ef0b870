/**
 * What fuzzing the server needs, shared by the property tests
 * (tests/answer/answer_fuzz.test.ts) and scripts/bench/fuzz.ts: valid seed queries,
 * byte mutations, an independent oracle for "well formed" and the checks
 * every response must pass. The oracle is written apart from the server's
 * parser on purpose, so a bug in one is not hidden by the same bug in the other.
 */
import dnsPacket from "dns-packet";
import { makeQuery } from "./zone_fixture.ts";

/** Length of the COOKIE option data the server sends: client (8) + server cookie (16). */
const OUR_COOKIE = 24;

/** Valid queries to mutate: every kind of answer, with and without EDNS, DO and cookies. */
export function fuzzSeeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const names = [
    "www.example.test",
    "WwW.Example.Test",
    "nope.example.test",
    "example.test",
    "a.b.www.example.test",
    "example.org",
    "static.example.net",
  ];
  const types = ["A", "AAAA", "SOA", "NS", "ANY", "DNSKEY", "NSEC", "RRSIG", "AXFR", "MX"];
  for (const name of names) {
    for (const type of types) {
      out.push(makeQuery(name, type));
      out.push(makeQuery(name, type, { edns: { dnssecOk: true, udpSize: 4096 } }));
    }
  }
  for (const length of [8, 24, 7, 41]) {
    out.push(withCookie(makeQuery("www.example.test", "A", { edns: {} }), length));
  }
  return out;
}

/** `query` (whose last record is an empty OPT) with a COOKIE option of `length` octets. */
export function withCookie(query: Uint8Array, length: number, fill = 0xa0): Uint8Array {
  const out = new Uint8Array(query.length + 4 + length);
  out.set(query);
  out[query.length - 2] = (4 + length) >> 8; // OPT RDLENGTH
  out[query.length - 1] = (4 + length) & 0xff;
  out.set([0, 10, length >> 8, length & 0xff], query.length);
  for (let i = 0; i < length; i++) out[query.length + 4 + i] = (fill + i) & 0xff;
  return out;
}

/** One mutation a fuzzer makes to a message. */
export type Mutation =
  | { kind: "set"; at: number; value: number }
  | { kind: "flip"; at: number; bit: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; count: number }
  | { kind: "truncate"; at: number }
  | { kind: "append"; bytes: Uint8Array }
  | { kind: "count"; field: number; value: number };

/** Applies `mutations` to a copy of `seed` (positions wrap around its length). */
export function mutate(seed: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = Array.from(seed);
  for (const m of mutations) {
    const at = "at" in m ? m.at % (bytes.length + 1) : 0;
    if (m.kind === "set" && bytes.length > 0) bytes[at % bytes.length] = m.value;
    else if (m.kind === "flip" && bytes.length > 0) bytes[at % bytes.length] ^= 1 << m.bit;
    else if (m.kind === "insert") bytes.splice(at, 0, ...m.bytes);
    else if (m.kind === "delete") bytes.splice(at, m.count);
    else if (m.kind === "truncate") bytes = bytes.slice(0, at);
    else if (m.kind === "append") bytes.push(...m.bytes);
    else if (m.kind === "count" && bytes.length >= 12) bytes[2 * m.field + 1] = m.value;
  }
  return Uint8Array.from(bytes);
}

/**
 * The oracle: is `m` a well-formed query by RFC 1035 §4.1 and the contract
 * (QDCOUNT 1, every counted record present, labels ≤ 63 octets, names ≤ 255
 * octets expanded, pointers only backwards and past the header, nothing after
 * the last record)?
 */
export function wellFormed(m: Uint8Array): boolean {
  return m.length >= 12 && ((m[4] << 8) | m[5]) === 1 && messageEnd(m) === m.length;
}

/**
 * Where the last section of `m` ends by its header counts (every question
 * and record walked by RFC 1035 §4.1, names checked as in `wellFormed`), or
 * -1 when a counted entry is missing or unreadable. A message parses with no
 * trailing octets when this is its length.
 */
export function messageEnd(m: Uint8Array): number {
  const name = (start: number): number => {
    let at = start;
    let expanded = 0;
    let end = -1;
    for (let hops = 0; hops < 256; hops++) {
      if (at >= m.length) return -1;
      const label = m[at];
      if (label === 0) return expanded + 1 <= 255 ? (end < 0 ? at + 1 : end) : -1;
      if ((label & 0xc0) === 0xc0) {
        if (at + 1 >= m.length) return -1;
        const target = ((label & 0x3f) << 8) | m[at + 1];
        if (target < 12 || target >= at) return -1;
        if (end < 0) end = at + 2;
        at = target;
        continue;
      }
      if (label > 63) return -1;
      expanded += label + 1;
      at += label + 1;
    }
    return -1;
  };
  if (m.length < 12) return -1;
  let at = 12;
  const questions = (m[4] << 8) | m[5];
  for (let i = 0; i < questions; i++) {
    at = name(at);
    if (at < 0 || at + 4 > m.length) return -1;
    at += 4;
  }
  const records = ((m[6] << 8) | m[7]) + ((m[8] << 8) | m[9]) + ((m[10] << 8) | m[11]);
  for (let i = 0; i < records; i++) {
    at = name(at);
    if (at < 0 || at + 10 > m.length) return -1;
    at += 10 + ((m[at + 8] << 8) | m[at + 9]);
    if (at > m.length) return -1;
  }
  return at;
}

/** Whether the server may drop `query` without a word: no header to answer with, or a response. */
export function droppable(query: Uint8Array): boolean {
  return query.length < 12 || (query[2] & 0x80) !== 0;
}

/** The largest response allowed: TCP 65535; UDP 512 without EDNS, else up to our 1232. */
function allowedSize(query: Uint8Array, transport: "udp" | "tcp"): number {
  if (transport === "tcp") return 65535;
  return query.length >= 12 && ((query[10] << 8) | query[11]) > 0 ? 1232 : 512;
}

/**
 * What is wrong with `response` to `query`, or null: it must parse with no
 * octet after its last counted entry, carry
 * the query's ID with QR set, fit the allowed size, carry no records when the
 * query was malformed, and, for an error RCODE, no records and no more octets
 * than the query plus our cookie's growth (16 octets when `cookie`).
 */
export function responseProblem(
  query: Uint8Array,
  response: Uint8Array,
  transport: "udp" | "tcp",
  cookie: boolean,
): string | null {
  if (response.length < 12) return `runt response of ${response.length} octets`;
  if (response.length > allowedSize(query, transport)) {
    return `${response.length} octets is too large`;
  }
  if (response[0] !== query[0] || response[1] !== query[1]) return "ID not copied";
  if ((response[2] & 0x80) === 0) return "QR clear";
  try {
    dnsPacket.decode(Buffer.from(response));
  } catch (error) {
    return `unparsable: ${String(error)}`;
  }
  const end = messageEnd(response);
  if (end !== response.length) {
    return end < 0
      ? "a counted entry missing"
      : `${response.length - end} octets after the last section`;
  }
  const records = ((response[6] << 8) | response[7]) + ((response[8] << 8) | response[9]);
  if (records > 0 && !wellFormed(query)) return "a malformed query answered with data";
  const rcode = response[3] & 0x0f;
  if (rcode !== 0 && rcode !== 3) {
    if (records > 0) return `RCODE ${rcode} with records`;
    const growth = cookie ? OUR_COOKIE - 8 : 0;
    if (response.length > query.length + growth) {
      return `RCODE ${rcode} of ${response.length} octets for a query of ${query.length}`;
    }
  }
  return null;
}
