import type { CheckRequirement } from "../config/check_options.ts";
import type { Config, RecordConfig } from "../config/config.ts";
import type { EndpointTrack } from "../health/health_state.ts";
import { endpointKey } from "../health/endpoints.ts";
import type { CheckRound } from "../health/check_rounds.ts";
import type { BuildInfo } from "../observe/build_info.ts";
import type { DialFailure } from "../runtime/runtime.ts";

/** One address of one name: its health and its last probe. */
export interface AddressReport {
  readonly address: string;
  readonly port: number;
  /** Health after rise/fall, as `serve` would have it: whether DNS would serve the address. */
  readonly healthy: boolean;
  /** The last probe: `ok` or why it failed. */
  readonly result: "ok" | DialFailure;
  /** The last probe's connect time, or time until it failed, in milliseconds (1 decimal). */
  readonly ms: number;
  /** What the runtime said about a failed probe; null when it succeeded. */
  readonly detail: string | null;
}

/** One health-checked name and its verdict. */
export interface NameReport {
  /** The name under the hosted zone, e.g. `www.example.com`. */
  readonly name: string;
  /** Whether the name passes under the requirement (`any` or `all`). */
  readonly ok: boolean;
  /** How many of its addresses are healthy. */
  readonly healthy: number;
  /**
   * Milliseconds from the start until the name's verdict: the end of the
   * round in which it last turned passing, or the whole check when it fails.
   */
  readonly timeMs: number;
  readonly addresses: readonly AddressReport[];
}

/** Everything a check found, in the shape every report format is made from. */
export interface CheckReport {
  readonly program: "healthy-dns";
  readonly version: string;
  /** The git commit of a compiled executable; null when run from source. */
  readonly commit: string | null;
  /** The runtime and its version, e.g. `bun 1.4.5`. */
  readonly runtime: string;
  /** The platform, in release-file words, e.g. `linux-x64`. */
  readonly target: string;
  /** The `--config` file checked, as given; null when the config came from flags only. */
  readonly config: string | null;
  /** The zone the names are in. */
  readonly zone: string;
  /** Wall-clock start, ISO 8601 UTC. */
  readonly startedAt: string;
  readonly durationMs: number;
  readonly require: CheckRequirement;
  /** `--wait`, or null for a single round. */
  readonly waitMs: number | null;
  readonly rounds: number;
  /** Every required name passes. */
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  /** In config order. */
  readonly names: readonly NameReport[];
}

/** The health of `record`'s addresses after a round (unprobed counts as unhealthy). */
function healthyAddresses(
  record: RecordConfig,
  tracks: ReadonlyMap<string, EndpointTrack>,
): number {
  const port = record.check?.port ?? 0;
  return record.addresses.filter((address) => tracks.get(endpointKey(address, port))?.healthy)
    .length;
}

/**
 * Whether a health-checked record passes: at least one healthy address
 * (`any`) or every address healthy (`all`).
 */
export function recordPasses(
  record: RecordConfig,
  tracks: ReadonlyMap<string, EndpointTrack>,
  require: CheckRequirement,
): boolean {
  const healthy = healthyAddresses(record, tracks);
  return require === "any" ? healthy > 0 : healthy === record.addresses.length;
}

/** The name of `record` under the hosted zone. */
export function recordName(config: Config, record: RecordConfig): string {
  return `${record.name}.${config.hostedZone}`;
}

/**
 * Builds the report of a check from its last round.
 *
 * @param config the checked config: its records are the names reported.
 * @param passedAtMs per record name, when it last turned passing (ms since the start).
 */
export function buildCheckReport(
  config: Config,
  last: CheckRound,
  passedAtMs: ReadonlyMap<string, number>,
  info: {
    readonly build: BuildInfo;
    readonly startedAt: number;
    readonly require: CheckRequirement;
    readonly waitMs: number | null;
  },
): CheckReport {
  const results = new Map(last.probes.map((probe) => [probe.endpoint.key, probe.result]));
  const names = config.records.flatMap((record): NameReport[] => {
    if (record.check === null) return [];
    const { port } = record.check;
    const addresses = record.addresses.map((address): AddressReport => {
      const key = endpointKey(address, port);
      const result = results.get(key);
      if (result === undefined) {
        throw new Error(`check: no probe result for ${address} port ${port}`);
      }
      return Object.freeze({
        address,
        port,
        healthy: last.tracks.get(key)?.healthy === true,
        result: result.ok ? "ok" : result.reason,
        ms: round1(result.ms),
        detail: result.ok ? null : result.detail,
      });
    });
    const ok = recordPasses(record, last.tracks, info.require);
    return [Object.freeze({
      name: recordName(config, record),
      ok,
      healthy: healthyAddresses(record, last.tracks),
      timeMs: round1(ok ? passedAtMs.get(record.name) ?? last.endMs : last.endMs),
      addresses: Object.freeze(addresses),
    })];
  });
  const passed = names.filter((name) => name.ok).length;
  return Object.freeze({
    program: "healthy-dns",
    version: info.build.version,
    commit: info.build.commit,
    runtime: `${info.build.runtime} ${info.build.runtimeVersion}`,
    target: info.build.target,
    config: config.configFile,
    zone: config.hostedZone,
    startedAt: new Date(info.startedAt).toISOString(),
    durationMs: round1(last.endMs),
    require: info.require,
    waitMs: info.waitMs,
    rounds: last.number,
    ok: passed === names.length,
    passed,
    failed: names.length - passed,
    names: Object.freeze(names),
  });
}

/** Milliseconds to one decimal. */
function round1(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The last probe in words: `0.4 ms`, or `refused after 0.2 ms`. */
export function probeText(address: AddressReport): string {
  return address.result === "ok" ? `${address.ms} ms` : `${address.result} after ${address.ms} ms`;
}

/** One address in words, for failure messages: `127.0.0.3 port 80 unhealthy: refused after 0.2 ms (Connection refused)`. */
export function addressText(address: AddressReport): string {
  const detail = address.detail === null ? "" : ` (${address.detail})`;
  return `${address.address} port ${address.port} ${address.healthy ? "healthy" : "unhealthy"}: ${
    probeText(address)
  }${detail}`;
}

/** Why a failing name fails, in words: `no healthy address` or `1 of 2 addresses unhealthy`. */
export function failureText(report: CheckReport, name: NameReport): string {
  return report.require === "any"
    ? "no healthy address"
    : `${name.addresses.length - name.healthy} of ${name.addresses.length} addresses unhealthy`;
}

/** The one-line summary the table ends with (and the github format too). */
export function summaryText(report: CheckReport): string {
  const count = report.names.length;
  const addresses = report.names.reduce((sum, name) => sum + name.addresses.length, 0);
  const rule = report.require === "any" ? "have a healthy address" : "have every address healthy";
  const failing = report.names.filter((name) => !name.ok).map((name) => name.name);
  return `${report.passed} of ${count} health-checked names ${rule}; ` +
    `${addresses} addresses, ${report.rounds} ${report.rounds === 1 ? "round" : "rounds"} in ` +
    `${report.durationMs} ms` + (failing.length > 0 ? `; failing: ${failing.join(", ")}` : "");
}
