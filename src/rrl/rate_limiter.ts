/**
 * Response rate limiting (RRL) for UDP: the bucket table that decides, and
 * the slipped (truncated) form of a limited response.
 */
import type { RateLimitConfig } from "../config/config.ts";
import { addressPrefix, inPrefix, readSourceAddress } from "../wire/ip_address.ts";
import { DNS } from "../wire/constants.ts";
import { skipName } from "../wire/names.ts";

/** What to do with a UDP response: send it, drop it, or send a slipped (truncated) form. */
export type RateDecision = typeof SEND | typeof DROP | typeof SLIP;
export const SEND = 0;
export const DROP = 1;
export const SLIP = 2;

/** Response rate limiting (RRL) for UDP, as NSD and Knot DNS do it. */
export interface RateLimiter {
  /**
   * Decides the fate of `response` (already built) to `source` at `nowMs`
   * (monotonic milliseconds). Responses are grouped by source prefix and
   * response kind: positive answers per question name and type, no-data
   * answers per question name (so rotating the type cannot dodge the limit),
   * NXDOMAIN and errors per prefix alone (so random names cannot dodge it). Each group is a token bucket holding one second's worth of
   * responses; past it a response is dropped, except every `slip`-th, which
   * is slipped.
   */
  decide(source: string, response: Uint8Array, nowMs: number): RateDecision;
  /** Responses over the limit so far (dropped or slipped). */
  readonly limited: number;
  /** Of those, slipped. */
  readonly slipped: number;
}

/**
 * Buckets in the table. The table is allocated once (2^16 slots x 20 bytes =
 * 1.3 MiB) and never grows: a flood from a million spoofed sources recycles
 * slots instead of adding memory. Two slots per hash (2-way associative); a
 * new group evicts the fuller of the two buckets, so buckets that are
 * limiting now (nearly empty) survive a flood of one-off sources.
 */
export const RATE_LIMIT_SLOTS = 1 << 16;

const KIND_ANSWER = 1;
const KIND_NODATA = 2;
const KIND_NXDOMAIN = 3;
const KIND_ERROR = 4;

/** Creates a limiter for `config` (whose `responsesPerSecond` must be above 0). */
export function createRateLimiter(
  config: RateLimitConfig,
  slots: number = RATE_LIMIT_SLOTS,
): RateLimiter {
  const rate = config.responsesPerSecond;
  const perMs = rate / 1000;
  const exempt = config.exempt.map(addressPrefix);
  const keys = new Uint32Array(slots);
  const credits = new Float64Array(slots);
  const stamps = new Float64Array(slots);
  const mask = (slots - 1) & ~1;
  // A per-process seed: nobody outside can aim names at another client's bucket.
  const seed = (Math.random() * 0x100000000) >>> 0;
  const address = new Uint8Array(16);
  // The last source read: a flood, or a busy resolver, repeats its address.
  let lastSource = "";
  let lastLength: 0 | 4 | 16 = 0;
  let limited = 0;
  let slipped = 0;
  let slipCount = 0;

  return {
    get limited() {
      return limited;
    },
    get slipped() {
      return slipped;
    },
    decide(source, response, nowMs) {
      if (source !== lastSource) {
        lastSource = source;
        lastLength = readSourceAddress(source, address);
      }
      const length = lastLength;
      if (length === 0 || response.length < 12) return SEND;
      for (let i = 0; i < exempt.length; i++) {
        if (inPrefix(address, length, exempt[i])) return SEND;
      }
      // FNV-1a over family, masked prefix, kind and, for answers, the lowercased
      // question name (and for positive answers its type); seeded per process. The whole 32 bits are the
      // key, so two groups share a bucket only on a full 32-bit collision.
      let hash = 0x811c9dc5 ^ seed;
      const bits = length === 4 ? config.ipv4Prefix : config.ipv6Prefix;
      hash = Math.imul(hash ^ length, 0x01000193);
      for (let i = 0; i < length; i++) {
        const kept = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
        hash = Math.imul(hash ^ (address[i] & ((0xff << (8 - kept)) & 0xff)), 0x01000193);
      }
      const rcode = response[3] & 0x0f;
      const answers = (response[6] << 8) | response[7];
      const kind = rcode === 0
        ? (answers > 0 ? KIND_ANSWER : KIND_NODATA)
        : rcode === 3
        ? KIND_NXDOMAIN
        : KIND_ERROR;
      hash = Math.imul(hash ^ kind, 0x01000193);
      if (kind === KIND_ANSWER || kind === KIND_NODATA) {
        // The echoed question: uncompressed labels (length octets hashed too), then
        // QTYPE for positive answers only: a name has few types with records, but
        // 65,535 without (Knot and NSD leave the type out of NODATA groups too).
        let at = 12;
        const end = response.length - 2;
        for (; at < end && response[at] !== 0; at++) {
          const c = response[at];
          hash = Math.imul(hash ^ (c >= 0x41 && c <= 0x5a ? c | 0x20 : c), 0x01000193);
        }
        if (kind === KIND_ANSWER) {
          hash = Math.imul(hash ^ response[at + 1], 0x01000193);
          hash = Math.imul(hash ^ response[at + 2], 0x01000193);
        }
      }
      const key = (hash | 1) >>> 0; // never 0, so an empty slot never matches
      const first = key & mask;
      let slot = -1;
      if (keys[first] === key) slot = first;
      else if (keys[first + 1] === key) slot = first + 1;
      if (slot < 0) {
        // A new group: take the slot whose bucket is fuller now (or empty).
        const a = keys[first] === 0 ? Infinity : credits[first] + (nowMs - stamps[first]) * perMs;
        const b = keys[first + 1] === 0
          ? Infinity
          : credits[first + 1] + (nowMs - stamps[first + 1]) * perMs;
        slot = b > a ? first + 1 : first;
        keys[slot] = key;
        credits[slot] = rate - 1;
        stamps[slot] = nowMs;
        return SEND;
      }
      const credit = Math.min(rate, credits[slot] + (nowMs - stamps[slot]) * perMs);
      stamps[slot] = nowMs;
      if (credit >= 1) {
        credits[slot] = credit - 1;
        return SEND;
      }
      credits[slot] = credit;
      limited++;
      if (config.slip > 0 && ++slipCount >= config.slip) {
        slipCount = 0;
        slipped++;
        return SLIP;
      }
      return DROP;
    },
  };
}

/**
 * The short form of a rate-limited response that is let through ("slipped"):
 * header, question and OPT record (with its cookie) of `response`, nothing
 * else. By default TC is set (RFC 2181 §9): a real client retries over TCP,
 * which is never limited, while a spoofed victim receives no more bytes than
 * the query had. With `badCookie` the RCODE becomes BADCOOKIE instead (RFC
 * 7873 §5.2.3: the client cookie came without a valid server cookie): the
 * client retries over UDP with the fresh server cookie in the OPT, which
 * exempts it from the limit (a response without an OPT to carry BADCOOKIE's
 * upper bits slips with TC instead). A response without a question (an error to a
 * query that had none, e.g. NOTIMP to an unknown opcode) slips as its header
 * and OPT alone, with QDCOUNT 0. Returns null when `response` is not one of
 * ours to shorten (more than one question, or one that cannot be read).
 */
export function slipResponse(response: Uint8Array, badCookie: boolean): Uint8Array | null {
  if (response.length < DNS.HEADER_LENGTH) return null;
  const questions = (response[4] << 8) | response[5];
  if (questions > 1) return null;
  let questionEnd: number = DNS.HEADER_LENGTH;
  if (questions === 1) {
    const nameEnd = skipName(response, DNS.HEADER_LENGTH);
    if (nameEnd < 0 || nameEnd + 4 > response.length) return null;
    questionEnd = nameEnd + 4;
  }
  // Find the OPT: the last section holds it; skip every record before it.
  const records = ((response[6] << 8) | response[7]) + ((response[8] << 8) | response[9]) +
    ((response[10] << 8) | response[11]);
  let optStart = -1;
  let optEnd = -1;
  for (let i = 0, at = questionEnd; i < records; i++) {
    const owner = at;
    at = skipName(response, at);
    if (at < 0 || at + 10 > response.length) break;
    const end = at + 10 + ((response[at + 8] << 8) | response[at + 9]);
    if (response[at] === 0 && response[at + 1] === DNS.TYPE_OPT) {
      optStart = owner;
      optEnd = end;
    }
    at = end;
  }
  // BADCOOKIE needs the OPT for its upper bits; without one (a malformed query's FORMERR) slip with TC.
  const cookieSlip = badCookie && optStart >= 0;
  const optLength = optStart < 0 ? 0 : optEnd - optStart;
  const out = new Uint8Array(questionEnd + optLength);
  out.set(response.subarray(0, questionEnd));
  out[6] =
    out[7] =
    out[8] =
    out[9] =
    out[10] =
      0;
  out[11] = optLength > 0 ? 1 : 0;
  if (optLength > 0) out.set(response.subarray(optStart, optEnd), questionEnd);
  if (cookieSlip) {
    out[2] &= ~DNS.FLAG_AA;
    out[3] = (out[3] & ~DNS.RCODE_MASK) | (DNS.RCODE_BADCOOKIE & DNS.RCODE_MASK);
    out[questionEnd + 5] = DNS.RCODE_BADCOOKIE >> 4; // OPT TTL: extended RCODE
  } else {
    out[2] |= DNS.FLAG_TC;
  }
  return out;
}
