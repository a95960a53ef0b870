import type { ZoneRecords } from "../zone/snapshot.ts";

/** The exact difference between two consecutive versions of one zone (RFC 1995 §4). */
export interface ZoneChange {
  /** SOA record of the older version. */
  readonly fromSoa: Uint8Array;
  readonly fromSerial: number;
  /** SOA record of the newer version. */
  readonly toSoa: Uint8Array;
  readonly deleted: readonly Uint8Array[];
  readonly added: readonly Uint8Array[];
}

/** Recent changes of every served zone, for IXFR. */
export interface Journal {
  /**
   * Records the step from `before` to `after` (both served versions, same
   * order of zones as the snapshot; zones are matched by apex).
   */
  record(before: readonly ZoneRecords[], after: readonly ZoneRecords[]): void;
  /**
   * The changes that take `apex` from `serial` to its newest version, oldest
   * first, or null when the journal does not reach back to `serial`.
   */
  changesSince(apex: string, serial: number): readonly ZoneChange[] | null;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** SOA serial from an SOA record in wire form (the 20 bytes of timers end the record). */
export function soaSerial(soa: Uint8Array): number {
  return new DataView(soa.buffer, soa.byteOffset + soa.length - 20, 4).getUint32(0);
}

/**
 * Appends to `out` the records of `a` that are not in `b`, each compared byte
 * for byte. Copied: a snapshot's records are views into shared 64 KiB chunks,
 * and a journal holding a few of them must not keep whole chunks of old
 * snapshots alive.
 */
function addMissing(out: Uint8Array[], a: readonly Uint8Array[], b: ReadonlySet<string>): void {
  for (const record of a) if (!b.has(latin1(record))) out.push(record.slice());
}

/**
 * Creates a journal keeping, per zone, the latest `maxChanges` changes and
 * at most `maxRecords` changed records in all (beyond that a full transfer
 * is as cheap as the changes, so older ones are dropped first).
 */
export function createJournal(maxChanges: number, maxRecords: number): Journal {
  const byZone = new Map<string, ZoneChange[]>();
  const size = (changes: readonly ZoneChange[]) =>
    changes.reduce((sum, change) => sum + change.deleted.length + change.added.length, 0);
  return {
    record(before, after) {
      const old = new Map(before.map((zone) => [zone.apex, zone]));
      for (const apex of [...byZone.keys()]) {
        if (!after.some((zone) => zone.apex === apex)) byZone.delete(apex);
      }
      for (const zone of after) {
        const previous = old.get(zone.apex);
        if (previous === undefined || soaSerial(previous.soa) === soaSerial(zone.soa)) continue;
        const deleted: Uint8Array[] = [];
        const added: Uint8Array[] = [];
        // Only names whose stamp changed are compared record by record.
        for (const entry of zone.names) {
          const was = previous.byName.get(entry.name);
          if (was === entry || was?.stamp === entry.stamp) continue;
          const oldRecords = was?.records ?? [];
          addMissing(deleted, oldRecords, new Set(entry.records.map(latin1)));
          addMissing(added, entry.records, new Set(oldRecords.map(latin1)));
        }
        for (const entry of previous.names) {
          if (!zone.byName.has(entry.name)) addMissing(deleted, entry.records, new Set());
        }
        const change: ZoneChange = Object.freeze({
          fromSoa: previous.soa.slice(),
          fromSerial: soaSerial(previous.soa),
          toSoa: zone.soa.slice(),
          deleted,
          added,
        });
        // A gap (versions served while transfer records were not kept) breaks the chain: start anew.
        const kept = byZone.get(zone.apex) ?? [];
        const last = kept.at(-1);
        const changes = last === undefined || soaSerial(last.toSoa) === change.fromSerial
          ? kept
          : [];
        changes.push(change);
        while (changes.length > maxChanges || (changes.length > 1 && size(changes) > maxRecords)) {
          changes.shift();
        }
        byZone.set(zone.apex, changes);
      }
    },
    changesSince(apex, serial) {
      const changes = byZone.get(apex) ?? [];
      const from = changes.findIndex((change) => change.fromSerial === serial);
      return from < 0 ? null : changes.slice(from);
    },
  };
}
