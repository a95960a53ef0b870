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
