import type { ZoneRecords } from "../zone/zone_records.ts";

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
 * Records in `a` that are not in `b`, each compared byte for byte. Copied:
 * a snapshot's records are views into shared 64 KiB chunks, and a journal
 * holding a few of them must not keep whole chunks of old snapshots alive.
 */
function minus(a: readonly Uint8Array[], b: ReadonlySet<string>): Uint8Array[] {
  return a.filter((record) => !b.has(latin1(record))).map((record) => record.slice());
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
        const oldSet = new Set(previous.records.map(latin1));
        const newSet = new Set(zone.records.map(latin1));
        const change: ZoneChange = Object.freeze({
          fromSoa: previous.soa.slice(),
          fromSerial: soaSerial(previous.soa),
          toSoa: zone.soa.slice(),
          deleted: minus(previous.records, newSet),
          added: minus(zone.records, oldSet),
        });
        const changes = byZone.get(zone.apex) ?? [];
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
