/**
 * The report of `healthy-dns check`: what each name and address did, and its
 * table, GitHub and JUnit renderings (JSON is the report itself).
 */
import type { Config, RecordConfig } from "../config/config.ts";
import type { EndpointTrack } from "../health/health_state.ts";
import { endpointKey } from "../health/endpoints.ts";
import type { CheckRound } from "../health/check_rounds.ts";
import type { BuildInfo } from "../observe/build_info.ts";
import type { DialFailure } from "../runtime/runtime.ts";

/** How `check` prints its report. */
export type CheckFormat = "table" | "json" | "junit" | "github";

/** When a name passes: one healthy address (`any`) or every address (`all`). */
export type CheckRequirement = "any" | "all";

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

/**
 * The report as an aligned table, one row per (name, address), then the
 * summary line: what `check` prints on stdout by default.
 */
export function formatCheckTable(report: CheckReport): string[] {
  const cells = [
    ["NAME", "ADDRESS", "PORT", "STATE", "RESULT"],
    ...report.names.flatMap((name) =>
      name.addresses.map((address) => [
        name.name,
        address.address,
        String(address.port),
        address.healthy ? "healthy" : "unhealthy",
        probeText(address),
      ])
    ),
  ];
  const widths = cells[0].map((_, column) => Math.max(...cells.map((line) => line[column].length)));
  return [
    ...cells.map((line) =>
      line.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()
    ),
    summaryText(report),
  ];
}

/** The annotation title every line carries. */
const TITLE = "healthy-dns check";

/** Escapes a workflow command's message (GitHub's `escapeData`). */
function escapeData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Escapes a workflow command's property value (GitHub's `escapeProperty`). */
function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}

/**
 * The report as GitHub Actions workflow commands: one `::error` per failing
 * name (its addresses and why, one per line of the annotation) and one
 * `::notice` per passing name, then the summary as a plain log line. With a
 * config file, the annotations are attached to it (`file=`), so a pull
 * request that changes it shows them there.
 */
export function formatCheckGithub(report: CheckReport): string[] {
  const file = report.config === null ? "" : `file=${escapeProperty(report.config)},`;
  const title = `${file}title=${escapeProperty(TITLE)}`;
  return [
    ...report.names.map((name) => {
      if (name.ok) {
        const healthy = `${name.healthy} of ${name.addresses.length} addresses healthy`;
        return `::notice ${title}::${escapeData(`${name.name} passes: ${healthy}`)}`;
      }
      const lines = [
        `${name.name} fails: ${failureText(report, name)}`,
        ...name.addresses.map(addressText),
      ];
      return `::error ${title}::${escapeData(lines.join("\n"))}`;
    }),
    summaryText(report),
  ];
}

/** Characters XML 1.0 does not allow at all (a probe's detail text could carry them). */
// deno-lint-ignore no-control-regex -- exactly the control characters XML 1.0 forbids
const INVALID_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

/** Escapes text for an XML attribute value or element content. */
function xml(text: string): string {
  return text.replace(INVALID_XML, "\uFFFD").replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&apos;").replaceAll(
      "\n",
      "&#10;",
    );
}

/** Whole milliseconds as JUnit seconds: `1234` → `1.234`. */
function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/**
 * The report as JUnit XML, the structure Jenkins, GitLab, Azure DevOps and
 * the common test-report actions read: one `<testsuites>` holding one
 * `<testsuite>` (the zone) with one `<testcase>` per health-checked name; a
 * failing name carries a `<failure>` listing every address and why.
 *
 * The counts add up (`tests` = cases, `failures` = cases with a failure,
 * `errors` 0) and so do the times: a case's time is the whole milliseconds
 * until its verdict (see `NameReport.timeMs`), and the suite's and the
 * root's `time` are the sum of their cases', as consumers that add the
 * cases up compute it. `timestamp` is the start, in UTC.
 */
export function formatCheckJunit(report: CheckReport): string {
  const cases = report.names.map((name) => ({ name, ms: Math.round(name.timeMs) }));
  const totalMs = cases.reduce((sum, item) => sum + item.ms, 0);
  const counts = `tests="${cases.length}" failures="${report.failed}" errors="0"`;
  const time = `time="${seconds(totalMs)}"`;
  const properties: readonly [string, string][] = [
    ["healthy-dns.version", report.version],
    ["healthy-dns.commit", report.commit ?? "from source"],
    ["healthy-dns.runtime", report.runtime],
    ["healthy-dns.target", report.target],
    ["require", report.require],
    ["rounds", String(report.rounds)],
    ["wait", report.waitMs === null ? "none" : `${report.waitMs}ms`],
  ];
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="healthy-dns check" ${counts} ${time}>`,
    `  <testsuite name="${xml(report.zone)}" ${counts} skipped="0" ${time} timestamp="${
      report.startedAt.slice(0, 19)
    }">`,
    `    <properties>`,
    ...properties.map(([name, value]) =>
      `      <property name="${xml(name)}" value="${xml(value)}"/>`
    ),
    `    </properties>`,
  ];
  for (const { name, ms } of cases) {
    const open = `    <testcase name="${xml(name.name)}" classname="${xml(report.zone)}" time="${
      seconds(ms)
    }"`;
    if (name.ok) {
      lines.push(`${open}/>`);
      continue;
    }
    const message = failureText(report, name);
    lines.push(
      `${open}>`,
      `      <failure message="${xml(`${name.name}: ${message}`)}" type="unhealthy">${
        name.addresses.map((address) => xml(addressText(address))).join("&#10;")
      }</failure>`,
      `    </testcase>`,
    );
  }
  lines.push(`  </testsuite>`, `</testsuites>`, "");
  return lines.join("\n");
}
