import type { Fragment } from "../wire/fragment.ts";

/**
 * One prepared response body: RCODE plus the encoded answer and authority
 * sections (additional stays empty apart from OPT, which the answer path adds).
 */
export interface PreparedAnswer {
  readonly rcode: number;
  readonly answerCount: number;
  readonly authorityCount: number;
  readonly answer: readonly Fragment[];
  readonly authority: readonly Fragment[];
}

/** Prepared answers for a query without (index 0) and with (index 1) the DO bit. */
export type ByDo = readonly [PreparedAnswer, PreparedAnswer];

/** What the answer path needs about one served zone. */
export interface ZoneIndex {
  /** Apex, dotted lowercase. */
  readonly apex: string;
  /** Length of the apex in wire form; relocatable fragments shift by qname length minus this. */
  readonly apexWireLength: number;
  /** NXDOMAIN bodies; with DO the signed SOA only (the NSEC proofs are added per query). */
  readonly nxdomain: ByDo;
  /** Canonical sort keys (src/wire/canonical_key.ts) of the NSEC owners, ascending; empty when unsigned. */
  readonly chainKeys: readonly string[];
  /** Per chain entry: its NSEC record and RRSIG, relocatable. */
  readonly chainProofs: readonly Fragment[];
}

/** Everything prepared for one existing name (owner of data, or empty non-terminal). */
export interface NameEntry {
  readonly zone: ZoneIndex;
  /** Query types with a positive answer here (including ANY → HINFO). */
  readonly positive: ReadonlyMap<number, ByDo>;
  /** Every other query type: NODATA. */
  readonly nodata: ByDo;
}

/** A signature kept for reuse by the next build. */
export interface CachedSignature {
  /** RRSIG RDATA. */
  readonly rdata: Uint8Array;
  /** Its expiration, u32 seconds. */
  readonly expiration: number;
}

/**
 * The immutable result of one zone build: what every query is answered from.
 * Produced only by `buildSnapshot`; swapped by the server in one assignment.
 * Objects are frozen; maps and byte arrays are typed read-only and never
 * written after the build.
 */
export interface Snapshot {
  /** SOA serial shared by every served zone. */
  readonly serial: number;
  /** When the snapshot was built (ms since the epoch). */
  readonly builtAt: number;
  /** When the server must rebuild to refresh signatures (ms), or null when unsigned. */
  readonly refreshAt: number | null;
  /** Served zones, hosted zone first. */
  readonly zones: readonly ZoneIndex[];
  /** Existing names keyed by `wireKey` of their lowercase wire form. */
  readonly names: ReadonlyMap<string, NameEntry>;
  /** DNSKEY RDATA the signatures were made with, or null when unsigned. */
  readonly dnskey: Uint8Array | null;
  /** Builder-internal: signatures by RRset identity (see sign_zones.ts), for incremental re-signing. */
  readonly signatures: ReadonlyMap<string, CachedSignature>;
}
