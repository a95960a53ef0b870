import type { Config } from "../config/config.ts";
import { nsecRdata } from "../dnssec/nsec_rdata.ts";
import { canonicalKey } from "../wire/canonical_key.ts";
import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import type { ZoneTiming } from "./timing.ts";

/** One RRset in canonical form (names in RDATA uncompressed, lowercase). */
export interface RRsetModel {
  readonly type: number;
  readonly ttl: number;
  readonly rdatas: readonly Uint8Array[];
}

/** One existing name of a zone. */
export interface NameModel {
  /** Absolute, dotted, lowercase. */
  readonly name: string;
  /** Its RRsets, ascending by type; with a key this includes DNSKEY at the apex and NSEC. */
  readonly rrsets: readonly RRsetModel[];
  /** Index of its NSEC in the zone's chain; -1 for an empty non-terminal or an unsigned zone. */
  readonly chainIndex: number;
  /** Index in the chain of the NSEC that covers this name (itself when it is in the chain). */
  readonly coveringIndex: number;
}

/** The records of one served zone before encoding and signing. */
export interface ZoneModel {
  readonly apex: string;
  /** Every existing name: apex, configured names, empty non-terminals. */
  readonly names: readonly NameModel[];
  /** NSEC owners in canonical order (empty when unsigned). */
  readonly chain: readonly string[];
  /** `canonicalKey` of each chain entry. */
  readonly chainKeys: readonly string[];
}

/** Inputs shared by every served zone of one build. */
export interface ZoneModelInput {
  readonly config: Config;
  readonly timing: ZoneTiming;
  readonly serial: number;
  /** Served address RDATAs per configured relative name. */
  readonly served: ReadonlyMap<string, readonly Uint8Array[]>;
  /** DNSKEY RDATA when signing, else null. */
  readonly dnskey: Uint8Array | null;
}

function soaRdata(apex: string, input: ZoneModelInput): Uint8Array {
  const { timing } = input;
  const mname = nameToWire(input.config.nameServers[0] ?? apex);
  const rname = nameToWire(`hostmaster.${apex}`);
  const out = new Uint8Array(mname.length + rname.length + 20);
  out.set(mname);
  out.set(rname, mname.length);
  const view = new DataView(out.buffer, mname.length + rname.length);
  [input.serial, timing.soaRefresh, timing.soaRetry, timing.soaExpire, timing.soaMinimum]
    .forEach((value, i) => view.setUint32(4 * i, value));
  return out;
}

function sortCanonically(names: Iterable<string>): { name: string; key: string }[] {
  const keyed = [...names].map((name) => ({ name, key: canonicalKey(nameToWire(name), 0) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed;
}

/**
 * Lays out one served zone: SOA, NS (and DNSKEY when signing) at the apex,
 * the served A/AAAA of every configured name, empty non-terminals, and with
 * a key the NSEC chain in canonical order over every name owning data
 * (configured names stay in it even with no address served).
 */
export function modelZone(apex: string, input: ZoneModelInput): ZoneModel {
  const { config, timing } = input;
  const data = new Map<string, RRsetModel[]>();
  const apexSets: RRsetModel[] = [
    {
      type: DNS.TYPE_NS,
      ttl: timing.nsTtl,
      rdatas: config.nameServers.map((ns) => nameToWire(ns)),
    },
    { type: DNS.TYPE_SOA, ttl: timing.soaTtl, rdatas: [soaRdata(apex, input)] },
  ];
  if (input.dnskey !== null) {
    apexSets.push({ type: DNS.TYPE_DNSKEY, ttl: timing.dnskeyTtl, rdatas: [input.dnskey] });
  }
  data.set(apex, apexSets);
  for (const record of config.records) {
    const name = `${record.name}.${apex}`;
    const sets = data.get(name) ?? [];
    data.set(name, sets);
    const rdatas = input.served.get(record.name) ?? [];
    for (const type of [DNS.TYPE_A, DNS.TYPE_AAAA]) {
      const length = type === DNS.TYPE_A ? 4 : 16;
      const ofType = rdatas.filter((rdata) => rdata.length === length);
      if (ofType.length > 0 && !sets.some((set) => set.type === type)) {
        sets.push({ type, ttl: timing.addressTtl, rdatas: ofType });
      }
    }
  }
  const existing = new Set(data.keys());
  for (const name of data.keys()) {
    for (
      let at = name.indexOf(".");
      at >= 0 && name.length - at - 1 > apex.length;
      at = name.indexOf(".", at + 1)
    ) {
      existing.add(name.slice(at + 1));
    }
  }
  const keyed = sortCanonically(existing);
  const sorted = keyed.map((entry) => entry.name);
  const inChain = input.dnskey === null ? [] : keyed.filter((entry) => data.has(entry.name));
  const chain = inChain.map((entry) => entry.name);
  const chainPosition = new Map(chain.map((name, i) => [name, i]));
  const names: NameModel[] = [];
  let covering = -1;
  for (const name of sorted) {
    const sets = [...(data.get(name) ?? [])];
    const chainIndex = chainPosition.get(name) ?? -1;
    if (chainIndex >= 0) {
      covering = chainIndex;
      const next = chain[(chainIndex + 1) % chain.length];
      const types = [...sets.map((set) => set.type), DNS.TYPE_RRSIG, DNS.TYPE_NSEC];
      sets.push({ type: DNS.TYPE_NSEC, ttl: timing.negativeTtl, rdatas: [nsecRdata(next, types)] });
    }
    sets.sort((a, b) => a.type - b.type);
    names.push(
      Object.freeze({ name, rrsets: sets, chainIndex, coveringIndex: covering }),
    );
  }
  // Arrays are typed read-only, not frozen: JavaScriptCore stores a frozen array
  // in its slow sparse form, which costs time and memory for every name.
  return Object.freeze({
    apex,
    names,
    chain,
    chainKeys: inChain.map((entry) => entry.key),
  });
}
