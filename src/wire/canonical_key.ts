/** Scratch for the key's code units (at most 255 per name); reused, never escapes. */
const units = new Uint16Array(256);

/**
 * A string whose plain `<` ordering equals DNSSEC canonical name order (RFC
 * 4034 §6.1) for lowercase wire names: labels from the rightmost, each octet
 * as code unit octet+1 and each label closed by code unit 0, so a shorter
 * label and a parent name sort first. `wire` is uncompressed from `start` (a
 * label boundary) to its root label; ASCII letters are lowercased here.
 *
 * @example canonicalKey(nameToWire("a.test"), 0) < canonicalKey(nameToWire("b.test"), 0)
 */
export function canonicalKey(wire: Uint8Array, start: number): string {
  const labels: number[] = [];
  for (let at = start; wire[at] !== 0; at += wire[at] + 1) labels.push(at);
  let length = 0;
  for (let i = labels.length - 1; i >= 0; i--) {
    const at = labels[i];
    for (let j = at + 1; j <= at + wire[at]; j++) {
      const c = wire[j];
      units[length++] = (c >= 0x41 && c <= 0x5a ? c + 0x20 : c) + 1;
    }
    units[length++] = 0;
  }
  return String.fromCharCode.apply(null, units.subarray(0, length) as unknown as number[]);
}
