import type { Config } from "../config/config.ts";
import type { SigningKey } from "../dnssec/signing_key.ts";
import type { OverrideLookup } from "../config/operator_overrides.ts";
import type { HealthView } from "../health/health_view.ts";
import { addressToRdata } from "../wire/address_to_rdata.ts";
import { FragmentWriter } from "../wire/fragment_writer.ts";
import { encodeZone } from "./encode_zone.ts";
import { modelZone } from "./model_zone.ts";
import { servedAddresses } from "./served_addresses.ts";
import { signZones } from "./sign_zones.ts";
import { timeSlicer } from "./time_slicer.ts";
import type { NameEntry, Snapshot, ZoneIndex } from "./snapshot.ts";
import { nextSerial, zoneTiming } from "./timing.ts";
import { type ZoneRecords, zoneRecords } from "./zone_records.ts";

function sameKey(a: Uint8Array | null, b: Uint8Array | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** Everything one build depends on. */
export interface BuildInput {
  readonly config: Config;
  readonly health: HealthView;
  /** Build time, ms since the epoch (serial and signature times derive from it). */
  readonly now: number;
  /**
   * The snapshot being replaced: its signatures are reused, and its serial is
   * kept when the served data is unchanged, else exceeded.
   */
  readonly previous: Snapshot | null;
  /**
   * Without `previous`: the last serial published before (the state file,
   * across restarts), which the new serial must exceed; null or absent: none.
   */
  readonly lastSerial?: number | null;
  /** Signing key, or null for an unsigned zone. */
  readonly key: SigningKey | null;
  /** Operator overrides in force (expired ones already left out); none when absent. */
  readonly overrides?: OverrideLookup;
  /**
   * Frees the garbage of each build phase before the next allocates, so the
   * phases' scratch space does not add up in the peak RSS. It blocks: pass it
   * only while nothing is served yet (the first build at start-up).
   */
  readonly collectGarbage?: () => void;
}

/**
 * Builds the immutable snapshot every query is answered from: SOA and NS at
 * each served apex (hosted zone and every alias), the currently served A/AAAA
 * of each configured name below each apex, and with a key DNSKEY, NSEC chain
 * and RRSIGs per zone. The only producer of snapshots; pure apart from
 * awaiting signatures. Returns `previous` itself when nothing served would
 * change (and no signature is due), so the serial moves only with the data.
 */
export async function buildSnapshot(input: BuildInput): Promise<Snapshot> {
  const { config, key, now, previous, collectGarbage } = input;
  const timing = zoneTiming(config);
  const served = new Map<string, Uint8Array[]>();
  for (const record of config.records) {
    const seen = served.get(record.name) ?? [];
    for (const address of servedAddresses(record, input.health, input.overrides)) {
      const rdata = addressToRdata(address);
      if (
        !seen.some((other) =>
          other.length === rdata.length && other.every((b, i) => b === rdata[i])
        )
      ) seen.push(rdata);
    }
    served.set(record.name, seen);
  }
  const dnskey = key?.dnskeyRdata ?? null;
  const content = contentStamp(config, timing, served, dnskey);
  if (
    previous !== null && previous.content === content &&
    (previous.refreshAt === null || now < previous.refreshAt)
  ) {
    return previous; // same served data, signatures still fresh: same serial, same snapshot
  }
  const serial = nextSerial(now, previous?.serial ?? input.lastSerial ?? null);
  const models = [config.hostedZone, ...config.aliasZones].map((apex) =>
    modelZone(apex, { config, timing, serial, served, dnskey })
  );
  collectGarbage?.();
  const signed = key === null
    ? null
    : await signZones(models, key, timing, now, previous, collectGarbage);
  collectGarbage?.();
  // Zone transfers need the records themselves; without secondaries they are not kept.
  let transfer: ZoneRecords[] | null = null;
  if (config.transfer !== null) {
    const slice = timeSlicer();
    transfer = [];
    for (const [i, model] of models.entries()) {
      const before = previous?.transfer?.find((zone) => zone.apex === model.apex) ?? null;
      transfer.push(await zoneRecords(model, signed?.byName[i] ?? null, before, slice));
    }
  }
  const names = new Map<string, NameEntry>();
  const context = {
    timing,
    // Entries are reused only from a snapshot made with the same key (or none).
    previous: previous !== null && sameKey(previous.dnskey, dnskey) ? previous : null,
    names,
    writer: new FragmentWriter("", false),
    shared: new Map(),
    slice: timeSlicer(),
    collectGarbage,
  };
  const zones: ZoneIndex[] = [];
  for (const [position, model] of models.entries()) {
    zones.push(await encodeZone(model, position, signed?.byName[position] ?? null, context));
  }
  return Object.freeze({
    serial,
    builtAt: now,
    refreshAt: signed?.refreshAt ?? null,
    zones: Object.freeze(zones),
    names,
    dnskey,
    signatures: signed?.signatures ?? new Map(),
    content,
    transfer,
  });
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * Everything the zone's records derive from apart from the serial and the
 * signatures: zones, name servers, timers, key and served addresses. Equal
 * stamps mean equal zones, so the serial changes only when served data does.
 */
function contentStamp(
  config: BuildInput["config"],
  timing: object,
  served: ReadonlyMap<string, readonly Uint8Array[]>,
  dnskey: Uint8Array | null,
): string {
  // Whether transfer records are kept is part of it too, so a reload adding `transfer` rebuilds.
  let stamp = JSON.stringify([
    config.hostedZone,
    config.aliasZones,
    config.nameServers,
    timing,
    config.transfer !== null,
  ]);
  stamp += `\n${dnskey === null ? "-" : latin1(dnskey)}`;
  for (const [name, rdatas] of served) {
    stamp += `\n${name}`;
    for (const rdata of rdatas) stamp += `/${latin1(rdata)}`;
  }
  return stamp;
}
