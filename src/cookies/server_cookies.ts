import { DNS } from "../wire/constants.ts";
import { findEdnsOption } from "../wire/parse_query.ts";
import { readSourceAddress } from "../wire/ip_address.ts";
import { sipHash24, type SipKey, sipKey } from "./siphash.ts";

/** What a query's COOKIE option said (RFC 7873 §5.2). */
export type CookieStatus =
  | typeof COOKIE_NONE
  | typeof COOKIE_NEW
  | typeof COOKIE_INVALID
  | typeof COOKIE_VALID;
/** No COOKIE option, or a malformed one (the answer path answers FORMERR). */
export const COOKIE_NONE = 0;
/** A client cookie alone: it gets a fresh server cookie. */
export const COOKIE_NEW = 1;
/** A server cookie we cannot verify (another secret, too old, another format): a fresh one. */
export const COOKIE_INVALID = 2;
/** A server cookie we made for this client within its lifetime: exempt from rate limiting. */
export const COOKIE_VALID = 3;

/** Length of the COOKIE option data we send: client cookie (8) + RFC 9018 server cookie (16). */
export const COOKIE_OPTION_LENGTH = 24;

/** RFC 9018 §4.3: cookies up to an hour old, or five minutes ahead (clock skew), are valid… */
const MAX_AGE_S = 3600;
const MAX_AHEAD_S = 300;
/** …and one older than half an hour is replaced by a fresh one. */
const REFRESH_AGE_S = 1800;

/** Server cookies (RFC 7873) built and checked as RFC 9018 prescribes (version 1, SipHash-2-4). */
export interface ServerCookies {
  /**
   * Reads the COOKIE option of `query` from `source` at `nowSeconds` (Unix
   * time) and, unless it returns COOKIE_NONE, leaves in `option` the option
   * data to send back: the client cookie and our server cookie (the same one
   * when it is valid, made with the current secret and under half an hour
   * old; else a fresh one). Allocates nothing; `option` is overwritten by the
   * next call, so copy it before then.
   */
  check(query: Uint8Array, source: string, nowSeconds: number): CookieStatus;
  readonly option: Uint8Array;
}

/**
 * Creates the cookie checker for `secrets` (16 bytes each): the first makes
 * new cookies, every one verifies, so a new secret can be rolled out in the
 * three stages of RFC 9018 §5 (add it second, move it first, drop the old).
 */
export function createServerCookies(secrets: readonly Uint8Array[]): ServerCookies {
  if (secrets.length === 0) throw new RangeError("DNS cookies need at least one secret");
  const keys: readonly SipKey[] = secrets.map(sipKey);
  const option = new Uint8Array(COOKIE_OPTION_LENGTH);
  // Client cookie | version | reserved | timestamp | client address: 20 or 32 bytes.
  const input = new Uint8Array(32);
  const address = new Uint8Array(16);
  const hash = new Uint8Array(8);
  // The last client address read (a resolver asks many times in a row).
  let lastSource = "";
  let lastLength: 0 | 4 | 16 = 0;

  /** Hashes `input` (its first 16 bytes already set) with the address under `key` into `hash`. */
  const digest = (key: SipKey, addressLength: number): void => {
    for (let i = 0; i < addressLength; i++) input[16 + i] = address[i];
    sipHash24(key, input, 0, 16 + addressLength, hash, 0);
  };

  return {
    option,
    check(query, source, nowSeconds) {
      const at = findEdnsOption(query, DNS.OPTION_COOKIE);
      if (at < 0) return COOKIE_NONE;
      const length = (query[at + 2] << 8) | query[at + 3];
      if (length !== 8 && (length < 16 || length > 40)) return COOKIE_NONE;
      if (source !== lastSource) {
        lastSource = source;
        lastLength = readSourceAddress(source, address);
      }
      const addressLength = lastLength;
      if (addressLength === 0) return COOKIE_NONE;
      const data = at + 4;
      let status: CookieStatus = length === 8 ? COOKIE_NEW : COOKIE_INVALID;
      if (length === 16 + 8 && query[data + 8] === 1) {
        for (let i = 0; i < 16; i++) input[i] = query[data + i];
        const stamp = (query[data + 12] << 24) | (query[data + 13] << 16) |
          (query[data + 14] << 8) | query[data + 15];
        const age = (nowSeconds - stamp) | 0; // RFC 1982 serial arithmetic on 32 bits
        if (age >= -MAX_AHEAD_S && age <= MAX_AGE_S) {
          for (let k = 0; k < keys.length && status !== COOKIE_VALID; k++) {
            digest(keys[k], addressLength);
            let same = 0;
            for (let i = 0; i < 8; i++) same |= hash[i] ^ query[data + 16 + i];
            if (same === 0) {
              status = COOKIE_VALID;
              if (k === 0 && age <= REFRESH_AGE_S) {
                for (let i = 0; i < COOKIE_OPTION_LENGTH; i++) option[i] = query[data + i];
                return status;
              }
            }
          }
        }
      }
      // A fresh server cookie: version 1, reserved 0, now, hash under the current secret.
      for (let i = 0; i < 8; i++) input[i] = query[data + i];
      input[8] = 1;
      input[9] = 0;
      input[10] = 0;
      input[11] = 0;
      input[12] = nowSeconds >>> 24;
      input[13] = nowSeconds >>> 16;
      input[14] = nowSeconds >>> 8;
      input[15] = nowSeconds;
      digest(keys[0], addressLength);
      for (let i = 0; i < 16; i++) option[i] = input[i];
      for (let i = 0; i < 8; i++) option[16 + i] = hash[i];
      return status;
    },
  };
}
