/**
 * A run of encoded resource records prepared at snapshot build time and
 * copied verbatim into responses. Compression pointers inside it point only
 * into the question name (which always starts at offset 12). Pointers listed
 * in `relocs` were written for a question name equal to the zone apex and are
 * shifted at query time by (question name length − apex length), so the same
 * fragment serves any name below the apex (NXDOMAIN proofs, shared SOA).
 */
export interface Fragment {
  readonly bytes: Uint8Array;
  /** Number of resource records in `bytes`. */
  readonly count: number;
  /** Offsets within `bytes` of 2-octet compression pointers to shift. */
  readonly relocs: Uint16Array;
}
