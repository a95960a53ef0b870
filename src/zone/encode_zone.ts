import type { Fragment } from "../wire/fragment.ts";
import { FragmentWriter } from "../wire/fragment_writer.ts";
import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import { wireKey } from "../wire/wire_key.ts";
import type { RRsetModel, ZoneModel } from "./model_zone.ts";
import { rfc8482Hinfo } from "./rfc8482_hinfo.ts";
import type { CachedSignature, NameEntry, Snapshot, ZoneIndex } from "./snapshot.ts";
import type { ZoneTiming } from "./timing.ts";

/** What one build shares between its zones. */
export interface EncodeContext {
  readonly timing: ZoneTiming;
  /**
   * The previous snapshot when its entries may be reused (same key, or
   * unsigned both times), else null.
   */
  readonly previous: Snapshot | null;
  /** The new snapshot's name map, filled by `encodeZone`. */
  readonly names: Map<string, NameEntry>;
  /** One scratch writer for the whole build. */
  readonly writer: FragmentWriter;
  /** Identical type lists and unsigned address answers, shared between entries. */
  readonly shared: Map<string, readonly number[] | Fragment>;
  /** Pauses the build now and then so queries are answered meanwhile (time_slicer.ts). */
  readonly slice: () => Promise<void> | undefined;
  /** When given, called every few thousand names (see `BuildInput.collectGarbage`). */
  readonly collectGarbage?: () => void;
}

/** Names encoded between two calls of `collectGarbage`. */
const COLLECT_EVERY = 4096;

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** What an entry encodes: its RRsets and, when signed, which signature of each. */
function stampOf(
  rrsets: readonly RRsetModel[],
  signatures: readonly CachedSignature[] | null,
): string {
  let stamp = "";
  for (let i = 0; i < rrsets.length; i++) {
    const { type, ttl, rdatas } = rrsets[i];
    stamp += `${type}/${ttl}`;
    for (const rdata of rdatas) stamp += `/${latin1(rdata)}`;
    stamp += signatures === null ? "\n" : `@${signatures[i].expiration}\n`;
  }
  return stamp;
}

/**
 * Encodes one zone model into the answer path's form: fills `context.names`
 * with one entry per existing name (every positive answer prepared, plain for
 * DO=0 and with RRSIGs for DO=1) and returns the zone index (SOA for negative
 * answers, NSEC chain). `signatures` (per name: one per RRset, then the
 * HINFO's) is null for an unsigned zone. An entry of the previous snapshot
 * whose records and signatures are unchanged is reused, so a health change
 * re-encodes only the names it touched.
 */
export async function encodeZone(
  zone: ZoneModel,
  position: number,
  signatures: readonly (readonly CachedSignature[])[] | null,
  context: EncodeContext,
): Promise<ZoneIndex> {
  const { timing, previous, names, writer: w, shared, slice, collectGarbage } = context;
  const signed = signatures !== null;
  const hinfo = rfc8482Hinfo(timing.negativeTtl);
  const reusable = previous !== null && previous.zones[position]?.apex === zone.apex;
  const chainProofs: Fragment[] = new Array(zone.chain.length);
  let negativeSoa: Fragment | null = null;

  /** Finishes an answer; unsigned address and HINFO answers are shared (their owner is a pointer). */
  const finishAnswer = (rrset: RRsetModel): Fragment => {
    if (
      signed || (rrset.type !== DNS.TYPE_A && rrset.type !== DNS.TYPE_AAAA &&
        rrset.type !== DNS.TYPE_HINFO)
    ) {
      return w.finish();
    }
    let key = `${rrset.type}/${rrset.ttl}`;
    for (const rdata of rrset.rdatas) key += `/${latin1(rdata)}`;
    const found = shared.get(key);
    if (found !== undefined) return found as Fragment;
    const made = w.finish();
    shared.set(key, made);
    return made;
  };

  for (const [n, model] of zone.names.entries()) {
    await slice();
    if (n > 0 && n % COLLECT_EVERY === 0) collectGarbage?.();
    const { name, rrsets, chainIndex, coveringIndex } = model;
    const sigs = signatures === null ? null : signatures[n];
    const wire = nameToWire(name);
    const key = wireKey(wire, 0, wire.length);
    const proof = signed ? (chainIndex >= 0 ? chainIndex : coveringIndex) : -1;
    const stamp = stampOf(rrsets, sigs) +
      `${hinfo.ttl}${sigs === null ? "" : `@${sigs[rrsets.length].expiration}`}`;
    const old = reusable ? previous.names.get(key) : undefined;
    let entry: NameEntry;
    if (old !== undefined && old.zone === position && old.stamp === stamp) {
      entry = old.proof === proof ? old : Object.freeze({ ...old, proof });
    } else {
      const types: number[] = [];
      const answers: Fragment[] = [];
      for (const [r, rrset] of rrsets.entries()) {
        const nsec = rrset.type === DNS.TYPE_NSEC;
        // A name's NSEC answer doubles as its chain proof, so it is written relocatable.
        w.restart(nsec ? zone.apex : name, nsec);
        w.rrset(name, rrset.type, rrset.ttl, rrset.rdatas);
        if (sigs !== null) {
          w.endPlain();
          w.record(name, DNS.TYPE_RRSIG, rrset.ttl, sigs[r].rdata);
        }
        types.push(rrset.type);
        answers.push(finishAnswer(rrset));
      }
      if (sigs !== null && rrsets.length > 0) {
        w.restart(name, false);
        for (const [r, rrset] of rrsets.entries()) {
          w.record(name, DNS.TYPE_RRSIG, rrset.ttl, sigs[r].rdata);
        }
        types.push(DNS.TYPE_RRSIG);
        answers.push(w.finish());
      }
      w.restart(name, false);
      w.rrset(name, hinfo.type, hinfo.ttl, hinfo.rdatas);
      if (sigs !== null) {
        w.endPlain();
        w.record(name, DNS.TYPE_RRSIG, hinfo.ttl, sigs[rrsets.length].rdata);
      }
      types.push(DNS.TYPE_ANY);
      answers.push(finishAnswer(hinfo));
      const typesKey = types.join(",");
      let sharedTypes = shared.get(typesKey) as readonly number[] | undefined;
      if (sharedTypes === undefined) shared.set(typesKey, sharedTypes = types);
      entry = Object.freeze({ zone: position, proof, types: sharedTypes, answers, stamp });
    }
    names.set(key, entry);
    if (chainIndex >= 0) {
      chainProofs[chainIndex] = entry.answers[entry.types.indexOf(DNS.TYPE_NSEC)];
    }
    if (name === zone.apex) {
      const at = rrsets.findIndex((set) => set.type === DNS.TYPE_SOA);
      if (at < 0) throw new Error(`zone ${zone.apex} has no SOA`);
      w.restart(zone.apex, true);
      w.rrset(zone.apex, DNS.TYPE_SOA, timing.negativeTtl, rrsets[at].rdatas);
      if (sigs !== null) {
        w.endPlain();
        w.record(zone.apex, DNS.TYPE_RRSIG, timing.negativeTtl, sigs[at].rdata);
      }
      negativeSoa = w.finish();
    }
  }
  if (negativeSoa === null) throw new Error(`zone ${zone.apex} has no apex`);
  return Object.freeze({
    apex: zone.apex,
    apexWireLength: nameToWire(zone.apex).length,
    negativeSoa,
    chainKeys: zone.chainKeys,
    chainProofs,
  });
}
