/**
 * NSEC records (RFC 4034 §4): their RDATA (next owner name and type bitmap)
 * and the canonical name order (§6.1) the chain follows.
 */
import { concatBytes } from "../wire/bytes.ts";
import { nameToWire } from "../wire/names.ts";

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

/**
 * Orders two domain names (dotted text, trailing dot optional) in DNSSEC
 * canonical order (RFC 4034 §6.1): label by label from the right, each label
 * as ASCII-lowercased unsigned octets, a name sorting before the names below
 * it. Returns <0, 0 or >0.
 *
 * @example
 * ["b.test", "A.test", "test"].sort(compareCanonicalNames); // ["test", "A.test", "b.test"]
 */
export function compareCanonicalNames(a: string, b: string): number {
  const left = labelsOf(a);
  const right = labelsOf(b);
  for (let i = 1; i <= Math.min(left.length, right.length); i++) {
    const order = compareLabels(left[left.length - i], right[right.length - i]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function labelsOf(name: string): string[] {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  return trimmed === "" ? [] : trimmed.split(".");
}

function compareLabels(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const order = lower(a.charCodeAt(i)) - lower(b.charCodeAt(i));
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}
