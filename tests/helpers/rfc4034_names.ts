/**
 * The example names of RFC 4034 §6.1 in their published canonical order (the
 * last label byte 0x80: "\200" in the RFC's presentation form). Both the
 * canonical-order comparator (src/dnssec/nsec.ts) and the sort keys (src/wire) are
 * checked against it.
 */
export const RFC4034_NAME_ORDER: readonly string[] = Object.freeze([
  "example",
  "a.example",
  "yljkjljk.a.example",
  "Z.a.example",
  "zABC.a.EXAMPLE",
  "z.example",
  "\x01.z.example",
  "*.z.example",
  "\x80.z.example",
]);
