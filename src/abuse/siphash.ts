/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012), the PRF RFC 9018 prescribes for
 * DNS server cookies. Written here rather than taken from npm because the
 * cookie check runs on every query that carries a cookie (resolvers such as
 * BIND send one on every query): this version keeps its 64-bit lanes as
 * 32-bit halves in one preallocated array and allocates nothing per call,
 * where the npm implementations build an object per 64-bit operation.
 * Checked against the reference implementation's 64 test vectors
 * (tests/abuse/siphash.test.ts).
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

// v0..v3 as [low, high] pairs: v[0]=v0 low, v[1]=v0 high, v[2]=v1 low, ...
const v = new Uint32Array(8);

function readLe32(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

/** v[a] += v[b] (64-bit, as halves). */
function add(a: number, b: number): void {
  const low = (v[a] + v[b]) >>> 0;
  v[a + 1] = v[a + 1] + v[b + 1] + (low < v[a] ? 1 : 0);
  v[a] = low;
}

/** v[a] = rotl(v[a], n) for 0 < n < 32. */
function rotl(a: number, n: number): void {
  const low = v[a];
  const high = v[a + 1];
  v[a] = (low << n) | (high >>> (32 - n));
  v[a + 1] = (high << n) | (low >>> (32 - n));
}

/** v[a] = rotl(v[a], 32): swap the halves. */
function swap(a: number): void {
  const low = v[a];
  v[a] = v[a + 1];
  v[a + 1] = low;
}

function xor(a: number, b: number): void {
  v[a] ^= v[b];
  v[a + 1] ^= v[b + 1];
}

function sipRound(): void {
  add(0, 2); // v0 += v1
  rotl(2, 13);
  xor(2, 0);
  swap(0);
  add(4, 6); // v2 += v3
  rotl(6, 16);
  xor(6, 4);
  add(0, 6); // v0 += v3
  rotl(6, 21);
  xor(6, 0);
  add(4, 2); // v2 += v1
  rotl(2, 17);
  xor(2, 4);
  swap(4);
}

/** Absorbs one 64-bit message word (low, high). */
function compress(low: number, high: number): void {
  v[6] ^= low;
  v[7] ^= high;
  sipRound();
  sipRound();
  v[0] ^= low;
  v[1] ^= high;
}

/**
 * Writes SipHash-2-4 of `message[start, end)` under `key` to `out[at, at + 8)`,
 * as the reference implementation lays it out (little-endian).
 */
export function sipHash24(
  key: SipKey,
  message: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): void {
  v[0] = key[0] ^ 0x70736575;
  v[1] = key[1] ^ 0x736f6d65;
  v[2] = key[2] ^ 0x6e646f6d;
  v[3] = key[3] ^ 0x646f7261;
  v[4] = key[0] ^ 0x6e657261;
  v[5] = key[1] ^ 0x6c796765;
  v[6] = key[2] ^ 0x79746573;
  v[7] = key[3] ^ 0x74656462;
  const length = end - start;
  const whole = start + (length & ~7);
  let i = start;
  for (; i < whole; i += 8) compress(readLe32(message, i), readLe32(message, i + 4));
  // The last word: the remaining bytes, zero-padded, with the length mod 256 in the top byte.
  let low = 0;
  let high = (length & 0xff) << 24;
  for (let shift = 0; i < end; i++, shift += 8) {
    if (shift < 32) low |= message[i] << shift;
    else high |= message[i] << (shift - 32);
  }
  compress(low >>> 0, high >>> 0);
  v[4] ^= 0xff;
  sipRound();
  sipRound();
  sipRound();
  sipRound();
  const resultLow = (v[0] ^ v[2] ^ v[4] ^ v[6]) >>> 0;
  const resultHigh = (v[1] ^ v[3] ^ v[5] ^ v[7]) >>> 0;
  for (let b = 0; b < 4; b++) {
    out[at + b] = resultLow >>> (8 * b);
    out[at + 4 + b] = resultHigh >>> (8 * b);
  }
}
