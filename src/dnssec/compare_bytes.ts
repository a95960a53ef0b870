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
