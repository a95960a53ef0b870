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

/** The names of a zone and their NSEC chain: fixed for one config, so derived once. */
interface ZoneShape {
  /** Every existing name (apex, configured names, empty non-terminals) in canonical order. */
  readonly sorted: readonly string[];
  /** Per sorted name: its index in the chain, or -1 (empty non-terminal, or unsigned). */
  readonly chainIndex: readonly number[];
  /** Per sorted name: index of the chain entry covering it. */
  readonly coveringIndex: readonly number[];
  readonly chain: readonly string[];
  readonly chainKeys: readonly string[];
  /** NSEC RDATA already made, by chain index and type list (they recur across builds). */
  readonly nsec: Map<string, Uint8Array>;
}

/** Shapes by config and `apex|signed`; a config lives until reload, and its shapes with it. */
const shapes = new WeakMap<Config, Map<string, ZoneShape>>();

function zoneShape(apex: string, config: Config, signed: boolean): ZoneShape {
  let byZone = shapes.get(config);
  if (byZone === undefined) shapes.set(config, byZone = new Map());
  const found = byZone.get(`${apex}|${signed}`);
  if (found !== undefined) return found;
  const owners = new Set([apex, ...config.records.map((record) => `${record.name}.${apex}`)]);
  const existing = new Set(owners);
  for (const name of owners) {
    for (
      let at = name.indexOf(".");
      at >= 0 && name.length - at - 1 > apex.length;
      at = name.indexOf(".", at + 1)
    ) {
      existing.add(name.slice(at + 1));
    }
  }
  const keyed = [...existing].map((name) => ({ name, key: canonicalKey(nameToWire(name), 0) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inChain = signed ? keyed.filter((entry) => owners.has(entry.name)) : [];
  const chainPosition = new Map(inChain.map((entry, i) => [entry.name, i]));
  const chainIndex = keyed.map((entry) => chainPosition.get(entry.name) ?? -1);
  let covering = -1;
  const shape: ZoneShape = Object.freeze({
    sorted: keyed.map((entry) => entry.name),
    chainIndex,
    coveringIndex: chainIndex.map((index) => (covering = index >= 0 ? index : covering)),
    chain: inChain.map((entry) => entry.name),
    chainKeys: inChain.map((entry) => entry.key),
    nsec: new Map(),
  });
  byZone.set(`${apex}|${signed}`, shape);
  return shape;
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
  const shape = zoneShape(apex, config, input.dnskey !== null);
  const { sorted, chain } = shape;
  const names: NameModel[] = [];
  for (const [i, name] of sorted.entries()) {
    const sets = [...(data.get(name) ?? [])];
    const chainIndex = shape.chainIndex[i];
    if (chainIndex >= 0) {
      const types = [...sets.map((set) => set.type), DNS.TYPE_RRSIG, DNS.TYPE_NSEC];
      const id = `${chainIndex}|${types}`;
      let rdata = shape.nsec.get(id);
      if (rdata === undefined) {
        shape.nsec.set(id, rdata = nsecRdata(chain[(chainIndex + 1) % chain.length], types));
      }
      sets.push({ type: DNS.TYPE_NSEC, ttl: timing.negativeTtl, rdatas: [rdata] });
    }
    sets.sort((a, b) => a.type - b.type);
    names.push(
      Object.freeze({ name, rrsets: sets, chainIndex, coveringIndex: shape.coveringIndex[i] }),
    );
  }
  // Arrays are typed read-only, not frozen: JavaScriptCore stores a frozen array
  // in its slow sparse form, which costs time and memory for every name.
  return Object.freeze({
    apex,
    names,
    chain,
    chainKeys: shape.chainKeys,
  });
}
