/**
 * The records of each served zone as a zone transfer sends them: derived
 * from the zone's source and the snapshot's entries when a snapshot is
 * built, kept per name so the next build reuses every unchanged name.
 */
import { DNS } from "../wire/constants.ts";
import { nameToWire, wireKey } from "../wire/names.ts";
import { packBytes } from "../wire/bytes.ts";
import { fragmentSignature } from "./encode_names.ts";
import { nameRRsets, type ZoneSource } from "./name_rrsets.ts";
import type { NameEntry, NameRecords, ZoneRecords } from "./snapshot.ts";

function resourceRecord(owner: Uint8Array, type: number, ttl: number, rdata: Uint8Array) {
  const out = new Uint8Array(owner.length + 10 + rdata.length);
  out.set(owner);
  const view = new DataView(out.buffer, owner.length, 10);
  view.setUint16(0, type);
  view.setUint16(2, DNS.CLASS_IN);
  view.setUint32(4, ttl);
  view.setUint16(8, rdata.length);
  out.set(rdata, owner.length + 10);
  return packBytes(out);
}

/**
 * Every record of `zone` except its SOA, in order: what AXFR sends between
 * the two SOAs. Lazily: a transfer walks the zone as its client reads.
 */
export function* allRecords(zone: ZoneRecords): Generator<Uint8Array, void, undefined> {
  for (const { records } of zone.names) yield* records;
}

/**
 * The records of one zone for transfers, from the zone's source and the
 * snapshot's entries: every RRset of every name, derived again, and when
 * signed each one's RRSIG as served (read from the name's answers). The
 * synthesised RFC 8482 HINFO is not part of the zone. A name for which
 * `remade(name)` is false keeps its records from `previous` (its entry, so
 * its records and signatures, did not change); `stamp` marks the names made
 * now (the serial does: the records of one serial never change).
 */
export function zoneRecords(
  source: ZoneSource,
  names: ReadonlyMap<string, NameEntry>,
  previous: ZoneRecords | null,
  remade: (name: string) => boolean,
  stamp: string,
): ZoneRecords {
  const { shape } = source;
  let soa: Uint8Array | null = null;
  const list: NameRecords[] = [];
  const byName = new Map<string, NameRecords>();
  for (const [i, name] of shape.sorted.entries()) {
    let entry: NameRecords | undefined;
    if (previous !== null && name !== shape.apex && !remade(name)) {
      entry = previous.byName.get(name);
    } else {
      const owner = nameToWire(name);
      const answers = names.get(wireKey(owner, 0, owner.length));
      if (answers === undefined) throw new Error(`zone ${shape.apex}: ${name} has no entry`);
      const records: Uint8Array[] = [];
      for (const rrset of nameRRsets(source, name, shape.chainIndex[i])) {
        for (const rdata of rrset.rdatas) {
          const record = resourceRecord(owner, rrset.type, rrset.ttl, rdata);
          if (rrset.type === DNS.TYPE_SOA) soa = record;
          else records.push(record);
        }
        if (source.dnskey !== null) {
          const answer = answers.answers[answers.types.indexOf(rrset.type)];
          records.push(
            resourceRecord(owner, DNS.TYPE_RRSIG, rrset.ttl, fragmentSignature(answer)),
          );
        }
      }
      if (records.length > 0) entry = Object.freeze({ name, stamp, records });
    }
    if (entry === undefined) continue;
    list.push(entry);
    byName.set(name, entry);
  }
  if (soa === null) throw new Error(`zone ${shape.apex} has no SOA`);
  return Object.freeze({ apex: shape.apex, soa, names: list, byName });
}
