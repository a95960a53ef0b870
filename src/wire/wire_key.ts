/** Scratch arrays for the lowercased octets, one per length (a name has at most 255); reused, never escape. */
const scratch: Uint16Array[] = [];

/**
 * Turns wire-format name bytes `bytes[start, end)` into a lookup key: each
 * octet ASCII-lowercased and taken as one UTF-16 code unit (a "latin1"
 * string). Keys of a name's suffixes are substrings of its key, starting at
 * the suffix's label offset. Used for the snapshot's name map on both sides
 * (builder and answer path), so lookups are case-insensitive (RFC 4343).
 *
 * @example wireKey(nameToWire("WWW.Example.test"), 0, 18) // "\x03www\x07example\x04test\x00"
 */
export function wireKey(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > 255) throw new RangeError(`name of ${length} octets is longer than 255`);
  // An array of exactly this length: no view to allocate on the query path.
  const units = scratch[length] ??= new Uint16Array(length);
  for (let i = 0; i < length; i++) {
    const c = bytes[start + i];
    units[i] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  }
  return String.fromCharCode.apply(null, units as unknown as number[]);
}
