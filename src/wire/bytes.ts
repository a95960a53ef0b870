/**
 * The byte-string helpers every layer shares: joining, ordering, equality,
 * packing small arrays into shared chunks, and base64. Plain loops over
 * Uint8Array, no allocation beyond the result.
 */

/** The bytes of every part, in order, in one new array. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Orders two byte strings as left-justified unsigned octet sequences, a
 * shorter prefix first (RFC 4034 §6.3 RDATA order). Returns <0, 0 or >0.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** True when both are null or both hold the same bytes. */
export function equalBytes(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Bytes are packed into shared chunks of this size: a few backing stores instead of one per 100-byte array. */
const CHUNK = 64 * 1024;

let chunk = new Uint8Array(CHUNK);
let used = 0;

/**
 * Returns a copy of `bytes` that lives in a shared, append-only chunk (large
 * inputs get their own buffer). For the many small, never-written-again byte
 * arrays of a snapshot (encoded records, signatures): each separate
 * ArrayBuffer costs hundreds of bytes of overhead in V8 and JavaScriptCore.
 *
 * @example packBytes(new Uint8Array([1, 2, 3])) // a 3-byte view into the current chunk
 */
export function packBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.length > CHUNK / 4) return bytes.slice();
  if (used + bytes.length > CHUNK) {
    chunk = new Uint8Array(CHUNK);
    used = 0;
  }
  const view = chunk.subarray(used, used + bytes.length);
  view.set(bytes);
  used += bytes.length;
  return view;
}

/** Decodes standard or URL-safe base64 (padding optional); throws on bad input. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const standard = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(standard + "=".repeat((4 - (standard.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Encodes bytes as standard base64 with padding (DNSKEY presentation, PEM). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
