/** One DER TLV: its tag byte, its content bytes and where it ends in the input. */
export interface DerNode {
  readonly tag: number;
  readonly content: Uint8Array;
  /** Offset just past this TLV in the buffer it was read from. */
  readonly end: number;
}

/**
 * Reads the DER TLV that starts at `offset` (single-byte tags, definite
 * lengths: all that private-key structures use). Throws on truncated input.
 */
export function readDer(bytes: Uint8Array, offset = 0): DerNode {
  const truncated = (what: string, at: number) =>
    new Error(`key data is truncated (DER): ${what} at offset ${at}, ${bytes.length - at} left`);
  if (offset + 2 > bytes.length) throw truncated("a TLV needs 2 bytes", offset);
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || at + count > bytes.length) {
      throw new Error(
        `key data has an invalid DER length 0x${length.toString(16)} at offset ${offset + 1}`,
      );
    }
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at++];
  }
  if (at + length > bytes.length) throw truncated(`${length} content bytes`, at);
  return { tag, content: bytes.subarray(at, at + length), end: at + length };
}

/** Reads every TLV inside a constructed node's content (e.g. a SEQUENCE). */
export function readDerChildren(content: Uint8Array): DerNode[] {
  const children: DerNode[] = [];
  for (let at = 0; at < content.length;) {
    const child = readDer(content, at);
    children.push(child);
    at = child.end;
  }
  return children;
}
