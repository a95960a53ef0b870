/**
 * The zone builder: the one producer of snapshots, from a config, the health
 * view, the operator overrides and the signing key, updating only what
 * changed since the previous snapshot.
 */
import type { Config } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup } from "../config/overrides.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import { ALL_HEALTHY, type HealthView } from "../health/health_state.ts";
import { equalBytes } from "../wire/bytes.ts";
import { DNS } from "../wire/constants.ts";
import { type Fragment, FragmentWriter } from "../wire/fragment.ts";
import { nameToWire, wireKey } from "../wire/names.ts";
import { ChunkedList, NameTable } from "./shared_structures.ts";
import { type ConfigIndex, configIndex, namesAt } from "./config_index.ts";
import { encodeNames, type NameToEncode, type ZoneEncoder } from "./encode_names.ts";
import type { ZoneSource } from "./name_rrsets.ts";
import { rrsetChanges } from "./rrset_changes.ts";
import { zoneRecords } from "./zone_records.ts";
import type { NameEntry, RRsetChange, Snapshot, SnapshotChanges, ZoneIndex } from "./snapshot.ts";
import { nextSerial, signatureWindow } from "./timing.ts";
import { zoneShape } from "./zone_shape.ts";

/** Names a full build encodes (and signs) at once: bounds the scratch space of signing. */
const STEP = 1024;
/** Names a full build encodes between two calls of `collectGarbage`. */
const COLLECT_EVERY = 4096;
/** Longest stretch of build work between two turns of the event loop, ms. */
const SLICE_MS = 2;

/**
 * Everything one build depends on. `S` is the snapshot type: the real
 * `Snapshot`, or whatever a caller that only passes snapshots through (the
 * server, tested with fakes) calls it.
 */
export interface BuildInput<S = Snapshot> {
  readonly config: Config;
  /**
   * What the probes say, or null before the first health round has decided
   * anything: the snapshot is then a pending one, in which every name with a
   * health-checked record answers SERVFAIL (no addresses from unknown
   * health) and everything else answers as usual. Its zone is shaped as if
   * every endpoint were healthy, so no NSEC denies a type the name may
   * serve; its addresses are never served, and it keeps no transfer records.
   */
  readonly health: HealthView | null;
  /** Build time, ms since the epoch (serial and signature times derive from it). */
  readonly now: number;
  /**
   * The snapshot being replaced: whatever did not change is shared with it,
   * and its serial is kept when the served data is unchanged, else exceeded.
   */
  readonly previous: S | null;
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
   * Frees the garbage of each stretch of the build before the next
   * allocates, so scratch space does not add up in the peak RSS. It blocks:
   * pass it only while nothing is served yet (the first build at start-up).
   */
  readonly collectGarbage?: () => void;
}

function keyOf(name: string): string {
  const wire = nameToWire(name);
  return wireKey(wire, 0, wire.length);
}

/** The dotted name of a `wireKey` (lowercase wire form, one code unit per octet). */
function nameOfKey(key: string): string {
  const labels: string[] = [];
  for (let at = 0; key.charCodeAt(at) !== 0; at += key.charCodeAt(at) + 1) {
    labels.push(key.slice(at + 1, at + 1 + key.charCodeAt(at)));
  }
  return labels.join(".");
}

/** Relative names whose served addresses may differ between two health views. */
function namesTouched(
  config: Config,
  index: ConfigIndex,
  before: HealthView,
  after: HealthView,
): Set<string> {
  const names = new Set<string>();
  if (before === after) return names;
  const keys = after.changedSince?.(before) ?? null;
  if (keys !== null) {
    for (const key of keys) for (const name of namesAt(index, key)) names.add(name);
    return names;
  }
  // The views cannot tell: compare every probed address.
  for (const record of config.records) {
    const check = record.check;
    if (
      check !== null &&
      record.addresses.some((address) =>
        before.isHealthy(address, check.port) !== after.isHealthy(address, check.port)
      )
    ) {
      names.add(record.name);
    }
  }
  return names;
}

/** One build's shared state. */
interface Build {
  readonly input: BuildInput;
  /** The serial of a new snapshot (used only if something served changes). */
  readonly serial: number;
  readonly dnskey: Uint8Array | null;
  readonly apexes: readonly string[];
  readonly encoder: Omit<ZoneEncoder, "source" | "position">;
  /** The source of each served zone, by position, at `serial`. */
  readonly sources: readonly ZoneSource[];
  /** The same at another serial. */
  sourcesAt(serial: number): readonly ZoneSource[];
}

/**
 * Builds the immutable snapshot every query is answered from: SOA and NS at
 * each served apex (hosted zone and every alias), the currently served A/AAAA
 * of each configured name below each apex, and with a key DNSKEY, NSEC chain
 * and RRSIGs per zone. The only producer of snapshots; pure apart from
 * awaiting signatures. Returns `previous` itself when nothing served would
 * change (and no signature is due), so the serial moves only with the data.
 *
 * Two ways, one result (tests/zone/incremental_equivalence.test.ts checks
 * that they answer every query byte for byte alike):
 * - an update, when only health changed since `previous` (same config, key
 *   and operator overrides, no signature due): re-derives, re-signs and
 *   re-encodes only the names whose endpoints changed and, if any of them
 *   did, the apexes (the SOA serial); everything else is shared with
 *   `previous`, so its cost follows what changed, not the zone's size;
 * - a full build otherwise (start-up, reload, new key, overrides changed,
 *   signature refresh): derives every name, keeping from `previous` each
 *   answer and signature whose records are unchanged, so only changed
 *   RRsets are signed again.
 * Either way `changes` lists the RRsets that differ from `previous`.
 */
export async function buildSnapshot(input: BuildInput): Promise<Snapshot> {
  const { config, key, now } = input;
  const health = input.health ?? ALL_HEALTHY;
  // Pending on either side: share nothing but the serial (nothing pending was decided or transferred).
  const previous = input.health !== null && input.previous?.undecided === null
    ? input.previous
    : null;
  const overrides = input.overrides ?? NO_OVERRIDES;
  const index = configIndex(config);
  const dnskey = key?.dnskeyRdata ?? null;
  const apexes = [config.hostedZone, ...config.aliasZones];
  const sourcesAt = (serial: number): ZoneSource[] =>
    apexes.map((apex) => ({
      config,
      index,
      health,
      overrides,
      serial,
      dnskey,
      shape: zoneShape(apex, config, dnskey !== null),
    }));
  const serial = nextSerial(now, input.previous?.serial ?? input.lastSerial ?? null);
  const build: Build = {
    input,
    serial,
    dnskey,
    apexes,
    encoder: {
      signing: key === null ? null : { key, ...signatureWindow(now, index.timing) },
      nowMs: now,
      writer: new FragmentWriter("", false),
      shared: new Map(),
      slice: timeSlicer(),
    },
    sources: sourcesAt(serial),
    sourcesAt,
  };
  // Parts of the previous snapshot are reusable only under the same key (or none) and zones.
  const comparable = previous !== null && equalBytes(previous.dnskey, dnskey) &&
    previous.zones.length === apexes.length &&
    previous.zones.every((zone, i) => zone.apex === apexes[i]);
  if (
    comparable && previous.source.config === config &&
    previous.source.overrides === overrides &&
    (previous.refreshAt === null || now < previous.refreshAt)
  ) {
    return await update(build, previous);
  }
  return await fullBuild(build, comparable ? previous : null);
}

/** The sources `previous` was built from, zone by zone. */
function previousSources(previous: Snapshot): ZoneSource[] {
  const { config, health, overrides } = previous.source;
  const index = configIndex(config);
  return previous.zones.map((zone) => ({
    config,
    index,
    health,
    overrides,
    serial: previous.serial,
    dnskey: previous.dnskey,
    shape: zoneShape(zone.apex, config, previous.dnskey !== null),
  }));
}

/** What the apex step changes in one zone. */
interface ApexResult {
  readonly entry: NameEntry;
  readonly negativeSoa: Fragment;
  readonly refreshAt: number;
}

/** Encodes a zone's apex at the build's serial (the SOA changes with it), from its entry `old`. */
async function encodeApex(build: Build, position: number, old: NameEntry): Promise<ApexResult> {
  const apex = build.apexes[position];
  const chainIndex = build.dnskey === null ? -1 : 0; // the apex leads the canonical order
  const encoded = await encodeNames(
    { ...build.encoder, source: build.sources[position], position },
    [
      { name: apex, key: keyOf(apex), chainIndex, proof: chainIndex, old },
    ],
  );
  return {
    entry: encoded.entries[0],
    negativeSoa: encoded.negativeSoa!,
    refreshAt: encoded.refreshAt,
  };
}

/**
 * The snapshot object. With secondaries configured it carries each zone's
 * records for transfers: the names in `remade` (absolute) derived again, the
 * others kept from `previous`.
 */
function snapshotOf(
  build: Build,
  zones: ZoneIndex[],
  names: NameTable<NameEntry>,
  refreshAt: number,
  changes: SnapshotChanges | null,
  previous: Snapshot | null,
  remade: ReadonlySet<string>,
): Snapshot {
  const { input } = build;
  const pending = input.health === null;
  // Zone transfers need the records themselves; without secondaries (or while pending) they are not kept.
  const transfer = input.config.transfer === null || pending
    ? null
    : build.sources.map((source) =>
      zoneRecords(
        source,
        names,
        previous?.transfer?.find((zone) => zone.apex === source.shape.apex) ?? null,
        (name) => remade.has(name),
        String(build.serial),
      )
    );
  return Object.freeze({
    serial: build.serial,
    builtAt: input.now,
    refreshAt: build.dnskey === null ? null : refreshAt,
    zones: Object.freeze(zones),
    names,
    dnskey: build.dnskey,
    changes,
    transfer,
    undecided: pending ? undecidedNames(build) : null,
    source: Object.freeze({
      config: input.config,
      health: build.sources[0].health,
      overrides: build.sources[0].overrides,
    }),
  });
}

/** The `wireKey`s of every name with a health-checked record, in every served zone. */
function undecidedNames(build: Build): ReadonlySet<string> {
  const relative = new Set<string>();
  for (const record of build.input.config.records) {
    if (record.check !== null) relative.add(record.name);
  }
  const keys = new Set<string>();
  for (const apex of build.apexes) for (const name of relative) keys.add(keyOf(`${name}.${apex}`));
  return keys;
}

/**
 * Only health changed: re-makes the touched names and the apexes (every
 * zone at once, so their signatures are made in one round), shares the rest
 * with `previous`, and returns `previous` itself when no touched name changed.
 */
async function update(build: Build, previous: Snapshot): Promise<Snapshot> {
  const { input, apexes, sources } = build;
  const touched = [
    ...namesTouched(input.config, sources[0].index, previous.source.health, sources[0].health),
  ];
  const before = previousSources(previous);
  const made = await Promise.all(apexes.map(async (apex, position) => {
    // The config is the same, so each name keeps its place in the chain; the apex goes last.
    const targets: NameToEncode[] = [...touched.map((name) => `${name}.${apex}`), apex].map(
      (name) => {
        const key = keyOf(name);
        const old = previous.names.get(key);
        if (old === undefined || old.zone !== position) {
          throw new Error(`zone update: ${name} is missing from the previous snapshot`);
        }
        const chainIndex = old.types.includes(DNS.TYPE_NSEC) ? old.proof : -1;
        return { name, key, chainIndex, proof: old.proof, old };
      },
    );
    const encoded = await encodeNames(
      { ...build.encoder, source: sources[position], position },
      targets,
    );
    return { targets, encoded };
  }));
  // Nothing served changed (say an address of a name whose all-down policy serves every one).
  const unchanged = made.every(({ targets, encoded }) =>
    targets.every((target, i) => i === targets.length - 1 || encoded.entries[i] === target.old)
  );
  if (unchanged) return previous;
  const replaced = new Map<string, NameEntry>();
  const remade = new Set<string>();
  const changes: RRsetChange[] = [];
  const zones: ZoneIndex[] = [];
  let refreshAt = previous.refreshAt ?? Infinity;
  for (const [position, { targets, encoded }] of made.entries()) {
    refreshAt = Math.min(refreshAt, encoded.refreshAt);
    const was = previous.zones[position];
    const proofs = new Map<number, Fragment>();
    const zoneChanges: RRsetChange[] = [];
    targets.forEach((target, i) => {
      const entry = encoded.entries[i];
      if (entry === target.old) return;
      replaced.set(target.key, entry);
      remade.add(target.name);
      if (target.chainIndex >= 0) {
        const proof = entry.answers[entry.types.indexOf(DNS.TYPE_NSEC)];
        if (proof !== was.chainProofs.at(target.chainIndex)) proofs.set(target.chainIndex, proof);
      }
      zoneChanges.push(
        ...rrsetChanges(position, target.name, { entry: target.old!, source: before[position] }, {
          entry,
          source: sources[position],
        }),
      );
    });
    // Zone by zone, the apex first.
    const apexFirst = (change: RRsetChange) => change.owner === apexes[position] ? 0 : 1;
    changes.push(...zoneChanges.sort((a, b) => apexFirst(a) - apexFirst(b)));
    zones.push(Object.freeze({
      ...was,
      negativeSoa: encoded.negativeSoa!,
      chainProofs: was.chainProofs.with(proofs),
    }));
  }
  return snapshotOf(
    build,
    zones,
    previous.names.with(replaced),
    refreshAt,
    Object.freeze({ since: previous.serial, rrsets: changes }),
    previous,
    remade,
  );
}

/**
 * Every name of every zone, `STEP` at a time (derive, sign, encode), keeping
 * what `previous` (same key and zones, or null) already has. With a
 * `previous`, names are derived at its serial first: when nothing differs
 * it is returned as is, else the apexes are made again at the new serial.
 */
async function fullBuild(build: Build, previous: Snapshot | null): Promise<Snapshot> {
  const { input, apexes } = build;
  const { collectGarbage } = input;
  const sources = previous === null ? build.sources : build.sourcesAt(previous.serial);
  const before = previous === null ? null : previousSources(previous);
  const names = new Map<string, NameEntry>();
  /** Names whose entry is not the previous snapshot's. */
  const remade = new Set<string>();
  const changes: RRsetChange[] = [];
  const zones: ZoneIndex[] = [];
  let refreshAt = Infinity;
  let done = 0;
  for (const [position, apex] of apexes.entries()) {
    const source = sources[position];
    const { shape } = source;
    const signed = build.dnskey !== null;
    const proofs: Fragment[] = new Array(shape.chain.length);
    let negativeSoa: Fragment | null = null;
    for (let start = 0; start < shape.sorted.length; start += STEP) {
      const targets: NameToEncode[] = [];
      for (let i = start; i < Math.min(start + STEP, shape.sorted.length); i++) {
        const name = shape.sorted[i];
        const key = keyOf(name);
        const chainIndex = shape.chainIndex[i];
        const old = previous?.names.get(key);
        targets.push({
          name,
          key,
          chainIndex,
          proof: signed ? (chainIndex >= 0 ? chainIndex : shape.coveringIndex[i]) : -1,
          old: old?.zone === position ? old : undefined,
        });
      }
      const encoded = await encodeNames({ ...build.encoder, source, position }, targets);
      refreshAt = Math.min(refreshAt, encoded.refreshAt);
      negativeSoa ??= encoded.negativeSoa;
      targets.forEach((target, i) => {
        const entry = encoded.entries[i];
        names.set(target.key, entry);
        if (target.chainIndex >= 0) {
          proofs[target.chainIndex] = entry.answers[entry.types.indexOf(DNS.TYPE_NSEC)];
        }
        if (previous !== null && entry !== target.old) remade.add(target.name);
        if (before !== null && entry !== target.old) {
          const old = target.old === undefined
            ? null
            : { entry: target.old, source: before[position] };
          changes.push(...rrsetChanges(position, target.name, old, { entry, source }));
        }
      });
      const was = done;
      done += targets.length;
      if (Math.floor(done / COLLECT_EVERY) > Math.floor(was / COLLECT_EVERY)) collectGarbage?.();
    }
    if (negativeSoa === null) throw new Error(`zone ${apex} has no apex`);
    zones.push({
      apex,
      apexWireLength: nameToWire(apex).length,
      negativeSoa,
      chainKeys: shape.chainKeys,
      chainProofs: ChunkedList.from(proofs),
    });
  }
  if (previous !== null && before !== null) {
    for (const [key, entry] of previous.names) {
      if (names.has(key)) continue;
      changes.push(
        ...rrsetChanges(entry.zone, nameOfKey(key), { entry, source: before[entry.zone] }, null),
      );
    }
    // Whether transfer records are kept counts as a change too, so a reload adding `transfer` rebuilds.
    const transferKept = input.config.transfer !== null;
    if (changes.length === 0 && (previous.transfer !== null) === transferKept) {
      collectGarbage?.();
      return previous;
    }
    for (const [position, apex] of apexes.entries()) {
      const key = keyOf(apex);
      const made = await encodeApex(build, position, names.get(key)!);
      refreshAt = Math.min(refreshAt, made.refreshAt);
      names.set(key, made.entry);
      const zone = zones[position];
      zones[position] = {
        ...zone,
        negativeSoa: made.negativeSoa,
        chainProofs: build.dnskey === null ? zone.chainProofs : zone.chainProofs.with(
          new Map([[0, made.entry.answers[made.entry.types.indexOf(DNS.TYPE_NSEC)]]]),
        ),
      };
      const old = previous.names.get(key);
      const apexChanges = rrsetChanges(
        position,
        apex,
        old === undefined || old.zone !== position
          ? null
          : { entry: old, source: before[position] },
        { entry: made.entry, source: build.sources[position] },
      );
      const others = changes.filter((change) => change.zone !== position || change.owner !== apex);
      changes.length = 0;
      changes.push(...others, ...apexChanges);
    }
  }
  // Zone by zone, each apex first, like an update lists them.
  const apexFirst = (change: RRsetChange) => change.owner === apexes[change.zone] ? 0 : 1;
  changes.sort((a, b) => a.zone - b.zone || apexFirst(a) - apexFirst(b));
  collectGarbage?.();
  return snapshotOf(
    build,
    zones.map((zone) => Object.freeze(zone)),
    new NameTable(names),
    refreshAt,
    previous === null ? null : Object.freeze({ since: previous.serial, rrsets: changes }),
    previous,
    remade,
  );
}

/**
 * Returns a function to await inside long build loops: it resolves at once
 * until 2 ms of work have passed since the last pause, then yields one
 * event-loop turn. The zone is rebuilt while queries keep arriving; a build
 * that held the loop for 200 ms would let the socket's receive buffer (a few
 * hundred datagrams) overflow, so the builder pauses every couple of
 * milliseconds and queries are answered from the current snapshot meanwhile.
 * Timing only decides where to pause, never what is built.
 *
 * @example const slice = timeSlicer(); for (const name of names) { await slice(); work(name); }
 */
export function timeSlicer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        since = performance.now();
        resolve();
      }, 0)
    );
  };
}
