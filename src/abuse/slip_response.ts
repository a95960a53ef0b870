import { DNS } from "../wire/dns_constants.ts";

import { skipName } from "../wire/skip_name.ts";

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
