/**
 * Encodes one DER TLV with a single-byte tag; `parts` are concatenated as the
 * content. Enough to wrap PKCS#1 / SEC1 keys into PKCS#8 for Web Crypto.
 */
export function encodeDer(tag: number, ...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const lengthBytes: number[] = [];
  if (length < 0x80) {
    lengthBytes.push(length);
  } else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
      lengthBytes.unshift(rest & 0xff);
    }
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  const out = new Uint8Array(1 + lengthBytes.length + length);
  out[0] = tag;
  out.set(lengthBytes, 1);
  let at = 1 + lengthBytes.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
