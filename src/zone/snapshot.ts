/**
 * The snapshot: the immutable result of one zone build that every query is
 * answered from, with its per-name entries, its changes since the previous
 * snapshot and the records of each zone for transfers.
 */
import type { Config } from "../config/config.ts";
import type { OverrideLookup } from "../config/overrides.ts";
import type { HealthView } from "../health/health_state.ts";
import type { Fragment } from "../wire/fragment.ts";
import type { ChunkedList, NameTable } from "./shared_structures.ts";

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
  /** Canonical sort keys (`canonicalKey`, src/wire/names.ts) of the NSEC owners, ascending; empty when unsigned. */
  readonly chainKeys: readonly string[];
  /** Per chain entry: its NSEC record and RRSIG, relocatable (the owner's own NSEC answer). */
  readonly chainProofs: ChunkedList<Fragment>;
}

/**
 * Everything prepared for one existing name (owner of data, or empty
 * non-terminal). Entries hold no reference to their zone's index, so an
 * entry whose records and signatures did not change is shared as is by the
 * next snapshot (the zone's SOA changes with every serial).
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
}

/** The records of one RRset as a snapshot serves them, in canonical form. */
export interface RRsetData {
  readonly ttl: number;
  /** RDATA of each record, names in it uncompressed and lowercase, in the order served. */
  readonly rdatas: readonly Uint8Array[];
  /** RDATA of its RRSIG in a signed zone, else null. */
  readonly rrsig: Uint8Array | null;
}

/**
 * One RRset of the zone data (the RFC 8482 HINFO, synthesised for ANY, is
 * not zone data and never listed) that differs between a snapshot and the
 * one it replaced: added (`before` null), removed (`after` null), or changed
 * in its records or only in its signature (a re-sign).
 */
export interface RRsetChange {
  /** Position of its zone in `Snapshot.zones` (the same apex in both snapshots). */
  readonly zone: number;
  /** Owner name, absolute, dotted, lowercase. */
  readonly owner: string;
  readonly type: number;
  readonly before: RRsetData | null;
  readonly after: RRsetData | null;
}

/**
 * How a snapshot differs from the one it replaced, RRset by RRset: what a
 * zone transfer (IXFR: deletions are the `before`s, additions the `after`s),
 * a log or a metric needs. Every serial lists its SOA (the serial is in its
 * RDATA). The changes between serial A and a later B are those of the
 * snapshots after A up to B, in order; a consumer that needs them keeps them
 * as the snapshots arrive (a snapshot holds only its own step, never the
 * previous snapshot).
 */
export interface SnapshotChanges {
  /** Serial of the snapshot these changes apply to. */
  readonly since: number;
  /** Changed RRsets, zone by zone. */
  readonly rrsets: readonly RRsetChange[];
}

/** The inputs a snapshot was built from, kept so the next build can tell what changed. */
export interface SnapshotSource {
  readonly config: Config;
  readonly health: HealthView;
  readonly overrides: OverrideLookup;
}

/** The records of one name in a zone transfer, and what they were made from. */
export interface NameRecords {
  /** Absolute, dotted, lowercase. */
  readonly name: string;
  /** Identity of this version of its records: equal stamps, equal records. */
  readonly stamp: string;
  /** Uncompressed wire records (owner, type, class IN, TTL, RDLENGTH, RDATA), RRSIG after its RRset. */
  readonly records: readonly Uint8Array[];
}

/**
 * One served zone as a zone transfer sends it. Kept per name, so the next
 * build reuses the records of every unchanged name and the journal compares
 * only the names whose stamp changed.
 */
export interface ZoneRecords {
  /** Apex, dotted lowercase. */
  readonly apex: string;
  /** The SOA record, which opens and closes a transfer (not in `names`). */
  readonly soa: Uint8Array;
  /**
   * Every other record by name, in canonical name order (the SOA's RRSIG is
   * the apex's); a name without records (all addresses down in an unsigned
   * zone, an empty non-terminal) is absent, so the journal sees its records go.
   */
  readonly names: readonly NameRecords[];
  readonly byName: ReadonlyMap<string, NameRecords>;
}

/**
 * The immutable result of one zone build: what every query is answered from.
 * Produced only by `buildSnapshot`; swapped by the server in one assignment.
 * Objects are frozen. Maps, lists and byte arrays are typed read-only and
 * never written after the build; arrays are not frozen because JavaScriptCore
 * (Bun) reads frozen arrays several times slower, and they are on the hot path.
 * Consecutive snapshots share every entry, answer and proof that did not change.
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
  readonly names: NameTable<NameEntry>;
  /** DNSKEY RDATA the signatures were made with, or null when unsigned. */
  readonly dnskey: Uint8Array | null;
  /**
   * The RRsets changed since the previous snapshot, or null when there is
   * nothing to compare with: the first snapshot, or one whose served zones
   * or key differ from the previous one's (treat every RRset as new).
   */
  readonly changes: SnapshotChanges | null;
  /** Every record of each served zone (same order as `zones`) for zone transfers, or null without a `transfer` config (and while pending). */
  readonly transfer: readonly ZoneRecords[] | null;
  /**
   * Before the first health round (a pending snapshot): the `wireKey`s of
   * the names whose answer depends on health not known yet, answered
   * SERVFAIL. Null in every snapshot built from a health round.
   */
  readonly undecided: ReadonlySet<string> | null;
  /** Builder-internal: the config, health view and overrides this snapshot was built from. */
  readonly source: SnapshotSource;
}
