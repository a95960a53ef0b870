import type { Fragment } from "../wire/fragment.ts";
import type { ZoneRecords } from "./zone_records.ts";

/** What the answer path needs about one served zone. */
export interface ZoneIndex {
  /** Apex, dotted lowercase. */
  readonly apex: string;
  /** Length of the apex in wire form; relocatable fragments shift by qname length minus this. */
  readonly apexWireLength: number;
  /**
   * The SOA of negative answers (TTL min(SOA TTL, MINIMUM)), relocatable; its
   * plain part is the SOA record, the whole adds its RRSIG in a signed zone.
   */
  readonly negativeSoa: Fragment;
  /** Canonical sort keys (src/wire/canonical_key.ts) of the NSEC owners, ascending; empty when unsigned. */
  readonly chainKeys: readonly string[];
  /** Per chain entry: its NSEC record and RRSIG, relocatable (the owner's own NSEC answer). */
  readonly chainProofs: readonly Fragment[];
}

/**
 * Everything prepared for one existing name (owner of data, or empty
 * non-terminal). Entries hold no reference to their zone's index, so an
 * entry whose records and signatures did not change is reused as is by the
 * next build (the zone's SOA changes with every serial).
 */
export interface NameEntry {
  /** Position of its zone in `Snapshot.zones`. */
  readonly zone: number;
  /** Index in its zone's chain of the NSEC that proves NODATA here (its own, or the covering one for an empty non-terminal); -1 when unsigned. */
  readonly proof: number;
  /** Query types with a positive answer here (including ANY → HINFO, RRSIG when signed), parallel to `answers`. */
  readonly types: readonly number[];
  /**
   * The answer section per type: the plain part for DO=0, the whole (with
   * RRSIGs) for DO=1. Every other type is NODATA.
   */
  readonly answers: readonly Fragment[];
  /** Builder-internal: identity of the records and signatures encoded here, to decide reuse. */
  readonly stamp: string;
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
 * Objects are frozen. Maps, arrays and byte arrays are typed read-only and
 * never written after the build; arrays are not frozen because JavaScriptCore
 * (Bun) reads frozen arrays several times slower, and they are on the hot path.
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
  /** Builder-internal: identity of the served data apart from serial and signatures (build_snapshot.ts). */
  readonly content: string;
  /** Every record of each served zone (same order as `zones`) for zone transfers, or null without a `transfer` config. */
  readonly transfer: readonly ZoneRecords[] | null;
}
