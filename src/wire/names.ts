/**
 * Domain names in wire form: encoding text names, skipping and reading names
 * in messages, and the string keys names are looked up and ordered by.
 */
/**
 * Encodes a domain name (dotted text, no trailing dot needed; "" or "." is the
 * root) as uncompressed wire-format labels, lowercased: the canonical form of
 * RFC 4034 §6.2 and the key form used for lookups.
 *
 * @example
 * nameToWire("WWW.Example.test"); // 3 w w w 7 e x a m p l e 4 t e s t 0
 */
export function nameToWire(name: string): Uint8Array {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  if (trimmed === "") return new Uint8Array([0]);
  const labels = trimmed.split(".");
  const out = new Uint8Array(trimmed.length + 2);
  let at = 0;
  for (const label of labels) {
    if (label.length === 0 || label.length > 63) {
      throw new RangeError(`name "${name}": label "${label}" must be 1 to 63 characters`);
    }
    out[at++] = label.length;
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      out[at++] = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    }
  }
  out[at] = 0;
  if (out.length > 255) {
    throw new RangeError(`name "${name}" is longer than 255 bytes in wire form`);
  }
  return out;
}

/**
 * Skips a possibly compressed name in a resource record starting at `offset`
 * and returns the offset just past it, or -1 when malformed. A pointer ends
 * the name here and is never followed, so a pointer loop cannot hang us; for
 * walking prepared fragments and messages already vetted. Queries are read
 * strictly, pointers followed and checked, by `readName` (parse_query.ts).
 */
export function skipName(message: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    if (at >= message.length) return -1;
    const length = message[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2 <= message.length ? at + 2 : -1;
    if (length > 63) return -1;
    at += length + 1;
    if (at - offset > 255) return -1;
  }
}

/**
 * Reads the uncompressed name that starts a question at `offset` and returns
 * the offset just past its root label, or -1 when it is malformed: a
 * compression pointer or reserved label type (nothing precedes the question a
 * pointer could sensibly reference, so there is no loop to follow), a name
 * longer than 255 octets, or the message ending first.
 */
export function readQuestionName(message: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    if (at >= message.length) return -1;
    const length = message[at];
    if (length === 0) return at + 1 - offset > 255 ? -1 : at + 1;
    if (length > 63) return -1;
    at += length + 1;
    if (at - offset > 254) return -1;
  }
}

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
