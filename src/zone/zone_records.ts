import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import { packBytes } from "../wire/pack_bytes.ts";
import type { ZoneModel } from "./model_zone.ts";
import type { CachedSignature } from "./snapshot.ts";

/**
 * One served zone as a zone transfer sends it: every resource record in
 * uncompressed wire form (owner, type, class IN, TTL, RDLENGTH, RDATA).
 */
export interface ZoneRecords {
  /** Apex, dotted lowercase. */
  readonly apex: string;
  /** The SOA record, which opens and closes a transfer. */
  readonly soa: Uint8Array;
  /** Every other record (the SOA's RRSIG included), in canonical name order, RRSIG after its RRset. */
  readonly records: readonly Uint8Array[];
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

/**
 * The records of one zone for transfers: its model plus, when signed, the
 * build's signature of each RRset (`signatures` per name, one per RRset in
 * order; the synthesised HINFO's, last, is not part of the zone).
 */
export function zoneRecords(
  model: ZoneModel,
  signatures: readonly (readonly CachedSignature[])[] | null,
): ZoneRecords {
  let soa: Uint8Array | null = null;
  const records: Uint8Array[] = [];
  for (const [n, { name, rrsets }] of model.names.entries()) {
    const owner = nameToWire(name);
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
  }
  if (soa === null) throw new Error(`zone ${model.apex} has no SOA`);
  return Object.freeze({ apex: model.apex, soa, records });
}
