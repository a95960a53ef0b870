/**
 * The RRsets of a served zone's names, derived from one build's inputs: the
 * apex records, the addresses each configured name serves now (health,
 * operator overrides and the all-down policy), and the NSEC of each name in
 * the chain.
 */
import type { Config, RecordConfig, StaticRecords, TargetName } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup } from "../config/overrides.ts";
import { nsecRdata } from "../dnssec/nsec.ts";
import type { HealthView } from "../health/health_state.ts";
import { addressToRdata } from "../wire/ip_address.ts";
import { DNS } from "../wire/constants.ts";
import { nameToWire } from "../wire/names.ts";
import { type ConfigIndex, recordsNamed } from "./config_index.ts";
import { staticRecordsTtl } from "./timing.ts";
import type { ZoneShape } from "./zone_shape.ts";

/** One RRset in canonical form (names in RDATA uncompressed, lowercase). */
export interface RRsetModel {
  readonly type: number;
  readonly ttl: number;
  readonly rdatas: readonly Uint8Array[];
}

/** What the RRsets of one zone's names derive from: one build's inputs for one served zone. */
export interface ZoneSource {
  readonly config: Config;
  readonly index: ConfigIndex;
  readonly health: HealthView;
  /** Operator overrides in force. */
  readonly overrides: OverrideLookup;
  readonly serial: number;
  /** DNSKEY RDATA when signing, else null. */
  readonly dnskey: Uint8Array | null;
  readonly shape: ZoneShape;
}

function soaRdata(source: ZoneSource): Uint8Array {
  const { timing } = source.index;
  const apex = source.shape.apex;
  const mname = nameToWire(source.config.nameServers[0] ?? apex);
  const rname = nameToWire(`hostmaster.${apex}`);
  const out = new Uint8Array(mname.length + rname.length + 20);
  out.set(mname);
  out.set(rname, mname.length);
  const view = new DataView(out.buffer, mname.length + rname.length);
  [source.serial, timing.soaRefresh, timing.soaRetry, timing.soaExpire, timing.soaMinimum]
    .forEach((value, i) => view.setUint32(4 * i, value));
  return out;
}

/** The A and AAAA RRsets a configured relative name serves now (the union of its records, each address once). */
function addressRRsets(source: ZoneSource, relative: string): RRsetModel[] {
  const v4: Uint8Array[] = [];
  const v6: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const record of recordsNamed(source.index, relative)) {
    for (const address of servedAddresses(record, source.health, source.overrides)) {
      if (seen.has(address)) continue;
      seen.add(address);
      const rdata = addressToRdata(address);
      (rdata.length === 4 ? v4 : v6).push(rdata);
    }
  }
  const ttl = source.index.timing.addressTtl;
  const sets: RRsetModel[] = [];
  if (v4.length > 0) sets.push({ type: DNS.TYPE_A, ttl, rdatas: v4 });
  if (v6.length > 0) sets.push({ type: DNS.TYPE_AAAA, ttl, rdatas: v6 });
  return sets;
}

const utf8 = new TextEncoder();
/** A TXT character-string holds at most this many octets (RFC 1035 §3.3). */
const CHARACTER_STRING_MAX = 255;

/** A configured MX host or SRV target as an absolute name in the zone at `apex`. */
function targetName(target: TargetName, apex: string): string {
  if (target === "@") return apex;
  return target.endsWith(".") ? target.slice(0, -1) : `${target}.${apex}`;
}

/**
 * TXT RDATA (RFC 1035 §3.3.14): the text's UTF-8 octets as one
 * character-string, or, when longer than 255 octets, as consecutive
 * 255-octet character-strings (the last shorter) that a reader joins.
 */
export function txtRdata(text: string): Uint8Array {
  const octets = utf8.encode(text);
  const strings = Math.max(1, Math.ceil(octets.length / CHARACTER_STRING_MAX));
  const out = new Uint8Array(octets.length + strings);
  for (let i = 0, at = 0; i < strings; i++) {
    const piece = octets.subarray(i * CHARACTER_STRING_MAX, (i + 1) * CHARACTER_STRING_MAX);
    out[at] = piece.length;
    out.set(piece, at + 1);
    at += piece.length + 1;
  }
  return out;
}

/** RDATA of 16-bit fields followed by a name in wire form (MX: RFC 1035 §3.3.9; SRV: RFC 2782). */
function fieldsAndName(fields: readonly number[], name: string): Uint8Array {
  const wire = nameToWire(name);
  const out = new Uint8Array(2 * fields.length + wire.length);
  fields.forEach((value, i) => {
    out[2 * i] = value >> 8;
    out[2 * i + 1] = value & 0xff;
  });
  out.set(wire, 2 * fields.length);
  return out;
}

/** CAA RDATA (RFC 8659 §4.1): flags, tag length, tag, value (no length: the rest of the RDATA). */
export function caaRdata(flags: number, tag: string, value: string): Uint8Array {
  const tagOctets = utf8.encode(tag);
  const valueOctets = utf8.encode(value);
  const out = new Uint8Array(2 + tagOctets.length + valueOctets.length);
  out[0] = flags;
  out[1] = tagOctets.length;
  out.set(tagOctets, 2);
  out.set(valueOctets, 2 + tagOctets.length);
  return out;
}

/** The TXT, MX, SRV and CAA RRsets of one name's static records in the zone at `apex` (empty ones left out). */
function staticRRsets(statics: StaticRecords, apex: string, source: ZoneSource): RRsetModel[] {
  const ttl = staticRecordsTtl(statics, source.index.timing);
  const sets: RRsetModel[] = [];
  const add = (type: number, rdatas: Uint8Array[]) => {
    if (rdatas.length > 0) sets.push({ type, ttl, rdatas });
  };
  add(
    DNS.TYPE_MX,
    statics.mx.map((mx) => fieldsAndName([mx.priority], targetName(mx.host, apex))),
  );
  add(DNS.TYPE_TXT, statics.txt.map(txtRdata));
  add(
    DNS.TYPE_SRV,
    statics.srv.map((srv) =>
      fieldsAndName([srv.priority, srv.weight, srv.port], targetName(srv.target, apex))
    ),
  );
  add(DNS.TYPE_CAA, statics.caa.map((caa) => caaRdata(caa.flags, caa.tag, caa.value)));
  return sets;
}

/**
 * The RRsets of the existing name `name` (absolute, lowercase), whose NSEC
 * is entry `chainIndex` of the zone's chain (-1: none), ascending by type: SOA, NS (and DNSKEY when signing) at
 * the apex; the served A/AAAA of a configured name; the static TXT, MX, SRV
 * and CAA of the apex or a name (targets relative to this zone); nothing at an empty
 * non-terminal; and with a key the NSEC of every name in the chain (a
 * configured name keeps its NSEC with no address served). Derived from the
 * source alone, so the builder can re-derive any one name, before or after a
 * change.
 */
export function nameRRsets(source: ZoneSource, name: string, chainIndex: number): RRsetModel[] {
  const { shape, index } = source;
  const { timing } = index;
  let sets: RRsetModel[];
  if (name === shape.apex) {
    sets = [
      {
        type: DNS.TYPE_NS,
        ttl: timing.nsTtl,
        rdatas: source.config.nameServers.map((ns) => nameToWire(ns)),
      },
      { type: DNS.TYPE_SOA, ttl: timing.soaTtl, rdatas: [soaRdata(source)] },
    ];
    if (source.dnskey !== null) {
      sets.push({ type: DNS.TYPE_DNSKEY, ttl: timing.dnskeyTtl, rdatas: [source.dnskey] });
    }
    if (source.config.apex !== undefined) {
      sets.push(...staticRRsets(source.config.apex, shape.apex, source));
    }
  } else {
    const relative = name.slice(0, name.length - shape.apex.length - 1);
    sets = addressRRsets(source, relative);
    for (const record of recordsNamed(index, relative)) {
      if (record.statics !== undefined) {
        sets.push(...staticRRsets(record.statics, shape.apex, source));
      }
    }
  }
  if (chainIndex >= 0) {
    const types = [...sets.map((set) => set.type), DNS.TYPE_RRSIG, DNS.TYPE_NSEC];
    const next = shape.chain[(chainIndex + 1) % shape.chain.length];
    sets.push({ type: DNS.TYPE_NSEC, ttl: timing.negativeTtl, rdatas: [nsecRdata(next, types)] });
  }
  return sets.sort((a, b) => a.type - b.type);
}

/**
 * The addresses a record serves right now. An operator override decides
 * first: `down` never serves the address, `up` serves it whatever its probe
 * says. Otherwise static records (no check) serve every address, and a
 * checked record its healthy ones (address and health port). When a checked
 * record serves none, its all-down policy decides: none (the name stays and
 * answers NODATA, RFC 8020), all (every address not forced down), or the
 * fallback addresses.
 *
 * @example servedAddresses({ name: "www", addresses: ["192.0.2.1"], check: null, whenAllDown: { kind: "none" } }, view) // ["192.0.2.1"]
 */
export function servedAddresses(
  record: RecordConfig,
  health: HealthView,
  overrides: OverrideLookup = NO_OVERRIDES,
): readonly string[] {
  const check = record.check;
  const forced = (address: string) => overrides.find(address, record.name)?.state;
  const notDown = overrides === NO_OVERRIDES
    ? record.addresses
    : record.addresses.filter((address) => forced(address) !== "down");
  if (check === null) return notDown;
  const healthy = notDown.filter((address) =>
    forced(address) === "up" || health.isHealthy(address, check.port)
  );
  if (healthy.length > 0) return healthy;
  const policy = record.whenAllDown;
  if (policy.kind === "all") return notDown;
  if (policy.kind === "fallback") return policy.addresses;
  return [];
}
