import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import { packBytes } from "../wire/pack_bytes.ts";
import type { ZoneModel } from "./model_zone.ts";
import type { CachedSignature } from "./snapshot.ts";

/** The records of one name in a zone transfer, and what they were made from. */
export interface NameRecords {
  /** Absolute, dotted, lowercase. */
  readonly name: string;
  /** Identity of its RRsets and signatures: equal stamps, equal records. */
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
  /** Every other record by name, in canonical name order (the SOA's RRSIG is the apex's). */
  readonly names: readonly NameRecords[];
  readonly byName: ReadonlyMap<string, NameRecords>;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

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

/** Every record of `zone` except its SOA, in order: what AXFR sends between the two SOAs. */
export function allRecords(zone: ZoneRecords): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const { records } of zone.names) for (const record of records) out.push(record);
  return out;
}

/**
 * The records of one zone for transfers: its model plus, when signed, the
 * build's signature of each RRset (`signatures` per name, one per RRset in
 * order; the synthesised HINFO's, last, is not part of the zone). Names
 * whose RRsets and signatures equal those in `previous` keep its records.
 * Awaits `slice` between names, so queries are answered during a long build.
 */
export async function zoneRecords(
  model: ZoneModel,
  signatures: readonly (readonly CachedSignature[])[] | null,
  previous: ZoneRecords | null,
  slice: () => Promise<void> | undefined,
): Promise<ZoneRecords> {
  let soa: Uint8Array | null = null;
  const names: NameRecords[] = [];
  const byName = new Map<string, NameRecords>();
  for (const [n, { name, rrsets }] of model.names.entries()) {
    await slice();
    let stamp = "";
    for (const [r, { type, ttl, rdatas }] of rrsets.entries()) {
      stamp += `${type}/${ttl}`;
      for (const rdata of rdatas) stamp += `/${latin1(rdata)}`;
      const signature = signatures?.[n][r];
      // The expiration and the signature's last bytes tell signatures apart.
      if (signature !== undefined) {
        stamp += `@${signature.expiration}/${latin1(signature.rdata.subarray(-8))}`;
      }
      stamp += "\n";
    }
    const old = previous?.byName.get(name);
    let entry: NameRecords;
    if (old !== undefined && old.stamp === stamp && name !== model.apex) {
      entry = old;
    } else {
      const owner = nameToWire(name);
      const records: Uint8Array[] = [];
      for (const [r, rrset] of rrsets.entries()) {
        for (const rdata of rrset.rdatas) {
          const record = resourceRecord(owner, rrset.type, rrset.ttl, rdata);
          if (rrset.type === DNS.TYPE_SOA) soa = record;
          else records.push(record);
        }
        const signature = signatures?.[n][r];
        if (signature !== undefined) {
          records.push(resourceRecord(owner, DNS.TYPE_RRSIG, rrset.ttl, signature.rdata));
        }
      }
      entry = Object.freeze({ name, stamp, records });
    }
    if (entry.records.length > 0) names.push(entry);
    byName.set(name, entry);
  }
  if (soa === null) throw new Error(`zone ${model.apex} has no SOA`);
  return Object.freeze({ apex: model.apex, soa, names, byName });
}
