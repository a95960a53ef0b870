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
