import { nameToWire } from "../wire/name_to_wire.ts";
import { concatBytes } from "../wire/bytes.ts";

/**
 * NSEC RDATA (RFC 4034 §4.1): the next owner name (uncompressed, lowercase)
 * and the type bitmap of `types`, exactly those types (duplicates ignored), in
 * the windowed form of §4.1.2. The caller includes RRSIG (46) and NSEC (47).
 *
 * @example
 * nsecRdata("b.example.test", [1, 46, 47]); // next name, then window 0: 00 06 40 00 00 00 00 03
 */
export function nsecRdata(nextName: string, types: readonly number[]): Uint8Array {
  for (const type of types) {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
      throw new RangeError(`NSEC type ${type} is not a 16-bit type number`);
    }
  }
  const sorted = [...new Set(types)].sort((x, y) => x - y);
  const bitmap: number[] = [];
  for (let i = 0; i < sorted.length;) {
    const window = sorted[i] >> 8;
    const bits = new Uint8Array(32);
    let used = 0;
    for (; i < sorted.length && sorted[i] >> 8 === window; i++) {
      const low = sorted[i] & 0xff;
      bits[low >> 3] |= 0x80 >> (low & 7);
      used = (low >> 3) + 1;
    }
    bitmap.push(window, used, ...bits.subarray(0, used));
  }
  return concatBytes(nameToWire(nextName), new Uint8Array(bitmap));
}
