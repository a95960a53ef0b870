/**
 * A run of encoded resource records prepared at snapshot build time and
 * copied verbatim into responses. Compression pointers inside it point only
 * into the question name (which always starts at offset 12). Pointers listed
 * in `relocs` were written for a question name equal to the zone apex and are
 * shifted at query time by (question name length − apex length), so the same
 * fragment serves any name below the apex (NXDOMAIN proofs, shared SOA).
 *
 * The first `plainLength` bytes (`plainCount` records) are the records a
 * query without the DO bit gets; the rest are their RRSIGs. Without RRSIGs
 * the plain part is the whole.
 */
export interface Fragment {
  readonly bytes: Uint8Array;
  /** Number of resource records in `bytes`. */
  readonly count: number;
  /** Offsets within `bytes` of 2-octet compression pointers to shift, ascending. */
  readonly relocs: Uint16Array;
  /** Length of the plain (DO=0) part. */
  readonly plainLength: number;
  /** Records in the plain part. */
  readonly plainCount: number;
}
