import type { Fragment } from "../wire/fragment.ts";
import { FragmentWriter } from "../wire/fragment_writer.ts";
import { canonicalKey } from "../wire/canonical_key.ts";
import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import { wireKey } from "../wire/wire_key.ts";
import type { RRsetModel, ZoneModel } from "./model_zone.ts";
import { preparedAnswer } from "./prepared_answer.ts";
import { rfc8482Hinfo } from "./rfc8482_hinfo.ts";
import type { ByDo, NameEntry, ZoneIndex } from "./snapshot.ts";
import { rrsetSlot } from "./sign_zones.ts";
import type { ZoneTiming } from "./timing.ts";

/** One record set to write: the RRset, optionally with its RRSIG; `ttl` overrides both TTLs. */
interface Piece {
  readonly owner: string;
  readonly rrset: RRsetModel;
  readonly signed: boolean;
  readonly ttl?: number;
}

/**
 * Encodes one zone model into the answer path's form: the zone index (SOA for
 * negative answers, NSEC chain) and one entry per existing name with every
 * positive and NODATA answer prepared, for DO=0 and DO=1. `signatures`
 * (RRSIG RDATA by `rrsetSlot`) is null for an unsigned zone.
 */
export function encodeZone(
  zone: ZoneModel,
  timing: ZoneTiming,
  signatures: ReadonlyMap<string, Uint8Array> | null,
): { index: ZoneIndex; entries: Map<string, NameEntry> } {
  const signed = signatures !== null;
  const rrsig = (owner: string, rrset: RRsetModel): Uint8Array => {
    const found = signatures?.get(rrsetSlot(zone.apex, owner, rrset.type));
    if (found === undefined) {
      throw new Error(`no signature for ${owner}/${rrset.type} in zone ${zone.apex}`);
    }
    return found;
  };
  const write = (
    questionName: string,
    relocatable: boolean,
    pieces: readonly Piece[],
  ): Fragment => {
    const w = new FragmentWriter(questionName, relocatable);
    for (const { owner, rrset, signed: withSig, ttl = rrset.ttl } of pieces) {
      w.rrset(owner, rrset.type, ttl, rrset.rdatas);
      if (withSig) w.record(owner, DNS.TYPE_RRSIG, ttl, rrsig(owner, rrset));
    }
    return w.finish();
  };
  const both = (make: (withSig: boolean) => ReturnType<typeof preparedAnswer>): ByDo => {
    const plain = make(false);
    return Object.freeze([plain, signed ? make(true) : plain] as const);
  };

  const apexModel = zone.names.find((name) => name.name === zone.apex);
  const soa = apexModel?.rrsets.find((set) => set.type === DNS.TYPE_SOA);
  if (soa === undefined) throw new Error(`zone ${zone.apex} has no SOA`);
  const negativeSoa = (withSig: boolean) =>
    write(zone.apex, true, [{
      owner: zone.apex,
      rrset: soa,
      signed: withSig,
      ttl: timing.negativeTtl,
    }]);
  const plainSoa = negativeSoa(false);
  const soaFragments = [plainSoa, signed ? negativeSoa(true) : plainSoa];

  const nsecOf = new Map(zone.names.flatMap((name) => {
    const nsec = name.rrsets.find((set) => set.type === DNS.TYPE_NSEC);
    return nsec === undefined ? [] : [[name.name, nsec] as const];
  }));
  const chainProofs = zone.chain.map((owner) =>
    write(zone.apex, true, [{ owner, rrset: nsecOf.get(owner)!, signed: true }])
  );
  const index: ZoneIndex = Object.freeze({
    apex: zone.apex,
    apexWireLength: nameToWire(zone.apex).length,
    nxdomain: both((withSig) =>
      preparedAnswer(DNS.RCODE_NXDOMAIN, [], [soaFragments[withSig ? 1 : 0]])
    ),
    chainKeys: Object.freeze(zone.chain.map((owner) => canonicalKey(nameToWire(owner), 0))),
    chainProofs: Object.freeze(chainProofs),
  });

  const hinfo = rfc8482Hinfo(timing.negativeTtl);
  const entries = new Map<string, NameEntry>();
  for (const { name, rrsets, chainIndex, coveringIndex } of zone.names) {
    const positive = new Map<number, ByDo>();
    for (const rrset of rrsets) {
      positive.set(
        rrset.type,
        both((withSig) => {
          const piece = { owner: name, rrset, signed: withSig };
          const fragment = rrset.type === DNS.TYPE_NSEC
            ? write(zone.apex, true, [piece])
            : write(name, false, [piece]);
          return preparedAnswer(DNS.RCODE_NOERROR, [fragment], []);
        }),
      );
    }
    if (signed && rrsets.length > 0) {
      const w = new FragmentWriter(name, false);
      for (const rrset of rrsets) w.record(name, DNS.TYPE_RRSIG, rrset.ttl, rrsig(name, rrset));
      const answer = preparedAnswer(DNS.RCODE_NOERROR, [w.finish()], []);
      positive.set(DNS.TYPE_RRSIG, Object.freeze([answer, answer] as const));
    }
    positive.set(
      DNS.TYPE_ANY,
      both((withSig) =>
        preparedAnswer(DNS.RCODE_NOERROR, [
          write(name, false, [{ owner: name, rrset: hinfo, signed: withSig }]),
        ], [])
      ),
    );
    const nodata = both((withSig) =>
      preparedAnswer(
        DNS.RCODE_NOERROR,
        [],
        withSig
          ? [soaFragments[1], chainProofs[chainIndex >= 0 ? chainIndex : coveringIndex]]
          : [soaFragments[0]],
      )
    );
    const wire = nameToWire(name);
    entries.set(wireKey(wire, 0, wire.length), Object.freeze({ zone: index, positive, nodata }));
  }
  return { index, entries };
}
