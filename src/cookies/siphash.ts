/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), the PRF RFC 9018 prescribes for
 * DNS server cookies. Written here rather than taken from npm because the
 * cookie check runs on every query that carries a cookie (resolvers such as
 * BIND send one on every query): this version keeps its 64-bit lanes as
 * 32-bit halves in local variables and allocates nothing per call, where the
 * npm implementations build an object per 64-bit operation.
 * Checked against the reference implementation's 64 test vectors
 * (tests/cookies/siphash.test.ts).
 */

/** A SipHash key as four little-endian 32-bit words (k0 low, k0 high, k1 low, k1 high). */
export type SipKey = Uint32Array;

/** Reads a 16-byte key. */
export function sipKey(bytes: Uint8Array): SipKey {
  if (bytes.length !== 16) throw new RangeError(`a SipHash key has 16 bytes, not ${bytes.length}`);
  const key = new Uint32Array(4);
  for (let i = 0; i < 4; i++) key[i] = readLe32(bytes, 4 * i);
  return key;
}

function readLe32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/**
 * Writes SipHash-2-4 of `message[start, end)` under `key` to `out[at, at + 8)`,
 * as the reference implementation lays it out (little-endian). The four
 * 64-bit lanes live in eight local 32-bit halves and every SipRound is
 * written out below, so a call allocates nothing and calls nothing.
 */
export function sipHash24(
  key: SipKey,
  message: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): void {
  // vN = (hN << 32) | lN
  let l0 = (key[0] ^ 0x70736575) >>> 0;
  let h0 = (key[1] ^ 0x736f6d65) >>> 0;
  let l1 = (key[2] ^ 0x6e646f6d) >>> 0;
  let h1 = (key[3] ^ 0x646f7261) >>> 0;
  let l2 = (key[0] ^ 0x6e657261) >>> 0;
  let h2 = (key[1] ^ 0x6c796765) >>> 0;
  let l3 = (key[2] ^ 0x79746573) >>> 0;
  let h3 = (key[3] ^ 0x74656462) >>> 0;
  const length = end - start;
  const whole = start + (length & ~7);
  let i = start;
  let last = false; // the last word has been absorbed
  // Blocks of 8 octets, then the last word: the remaining octets, zero-padded,
  // with the length mod 256 in the top octet; then the finalisation (v2 ^= 0xff).
  for (;;) {
    let ml: number;
    let mh: number;
    let rounds: number;
    if (!last && i < whole) {
      ml = readLe32(message, i);
      mh = readLe32(message, i + 4);
      i += 8;
      rounds = 2;
    } else if (!last) {
      ml = 0;
      mh = (length & 0xff) << 24;
      for (let shift = 0; i < end; i++, shift += 8) {
        if (shift < 32) ml |= message[i] << shift;
        else mh |= message[i] << (shift - 32);
      }
      ml >>>= 0;
      mh >>>= 0;
      last = true;
      rounds = 2;
    } else {
      ml = 0;
      mh = 0;
      l2 = (l2 ^ 0xff) >>> 0;
      rounds = 4;
    }
    if (rounds === 2) {
      l3 = (l3 ^ ml) >>> 0;
      h3 = (h3 ^ mh) >>> 0;
    }
    for (let r = 0; r < rounds; r++) {
      let t: number;
      // v0 += v1; v1 = rotl(v1, 13) ^ v0; v0 = rotl(v0, 32)
      t = (l0 + l1) >>> 0;
      h0 = (h0 + h1 + (t < l0 ? 1 : 0)) >>> 0;
      l0 = t;
      t = l1;
      l1 = ((l1 << 13) | (h1 >>> 19)) >>> 0;
      h1 = ((h1 << 13) | (t >>> 19)) >>> 0;
      l1 = (l1 ^ l0) >>> 0;
      h1 = (h1 ^ h0) >>> 0;
      t = l0;
      l0 = h0;
      h0 = t;
      // v2 += v3; v3 = rotl(v3, 16) ^ v2
      t = (l2 + l3) >>> 0;
      h2 = (h2 + h3 + (t < l2 ? 1 : 0)) >>> 0;
      l2 = t;
      t = l3;
      l3 = ((l3 << 16) | (h3 >>> 16)) >>> 0;
      h3 = ((h3 << 16) | (t >>> 16)) >>> 0;
      l3 = (l3 ^ l2) >>> 0;
      h3 = (h3 ^ h2) >>> 0;
      // v0 += v3; v3 = rotl(v3, 21) ^ v0
      t = (l0 + l3) >>> 0;
      h0 = (h0 + h3 + (t < l0 ? 1 : 0)) >>> 0;
      l0 = t;
      t = l3;
      l3 = ((l3 << 21) | (h3 >>> 11)) >>> 0;
      h3 = ((h3 << 21) | (t >>> 11)) >>> 0;
      l3 = (l3 ^ l0) >>> 0;
      h3 = (h3 ^ h0) >>> 0;
      // v2 += v1; v1 = rotl(v1, 17) ^ v2; v2 = rotl(v2, 32)
      t = (l2 + l1) >>> 0;
      h2 = (h2 + h1 + (t < l2 ? 1 : 0)) >>> 0;
      l2 = t;
      t = l1;
      l1 = ((l1 << 17) | (h1 >>> 15)) >>> 0;
      h1 = ((h1 << 17) | (t >>> 15)) >>> 0;
      l1 = (l1 ^ l2) >>> 0;
      h1 = (h1 ^ h2) >>> 0;
      t = l2;
      l2 = h2;
      h2 = t;
    }
    if (rounds === 4) break;
    l0 = (l0 ^ ml) >>> 0;
    h0 = (h0 ^ mh) >>> 0;
  }
  const low = (l0 ^ l1 ^ l2 ^ l3) >>> 0;
  const high = (h0 ^ h1 ^ h2 ^ h3) >>> 0;
  for (let b = 0; b < 4; b++) {
    out[at + b] = low >>> (8 * b);
    out[at + 4 + b] = high >>> (8 * b);
  }
}
