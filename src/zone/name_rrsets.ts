/**
 * The RRsets of a served zone's names, derived from one build's inputs: the
 * apex records, the addresses each configured name serves now (health,
 * operator overrides and the all-down policy), and the NSEC of each name in
 * the chain.
 */
import type { Config, RecordConfig } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup } from "../config/overrides.ts";
import { nsecRdata } from "../dnssec/nsec.ts";
import type { HealthView } from "../health/health_state.ts";
import { addressToRdata } from "../wire/ip_address.ts";
import { DNS } from "../wire/constants.ts";
import { nameToWire } from "../wire/names.ts";
import { type ConfigIndex, recordsNamed } from "./config_index.ts";
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

/**
 * The RRsets of the existing name `name` (absolute, lowercase), whose NSEC
 * is entry `chainIndex` of the zone's chain (-1: none), ascending by type: SOA, NS (and DNSKEY when signing) at
 * the apex; the served A/AAAA of a configured name; nothing at an empty
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
  } else {
    sets = addressRRsets(source, name.slice(0, name.length - shape.apex.length - 1));
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
