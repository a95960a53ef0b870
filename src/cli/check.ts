import type { CheckOptions } from "../config/check_options.ts";
import type { Config, RecordConfig } from "../config/config.ts";
import { ConfigError } from "../config/config_error.ts";
import { endpointKey } from "../health/endpoints.ts";
import { type CheckRound, runCheckRounds } from "../health/check_rounds.ts";
import type { BuildInfo } from "../observe/build_info.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import { buildCheckReport, type CheckReport, recordName, recordPasses } from "./check_report.ts";
import { CheckProgress, type ProgressSink } from "./check_progress.ts";
import { formatCheckGithub } from "./format_check_github.ts";
import { formatCheckJunit } from "./format_check_junit.ts";
import { formatCheckTable } from "./format_check_table.ts";

/** The `--output` file's permissions: a report anyone on the machine may read. */
const REPORT_FILE_MODE = 0o644;

/** What `runCheck` needs from the outside world. */
export interface CheckDeps {
  readonly dial: Dialer;
  readonly clock: Clock;
  /** Receives each stdout line (without newline). */
  readonly out: (line: string) => void;
  /** Progress of `--wait` (stderr). */
  readonly progress: ProgressSink;
  /** Writes the `--output` file: replaces it at once (a reader never sees half a report). */
  readonly replaceFile: (path: string, data: string, mode: number) => Promise<void>;
  /** What the JSON and JUnit reports say about the program. */
  readonly build: BuildInfo;
}

/**
 * `healthy-dns check`: probes the health-checked names exactly as `serve`
 * does, once or (with `--wait`) in rounds until every required name passes
 * or the deadline, and reports in the chosen format, to stdout or to the
 * `--output` file (the table then goes to stdout).
 *
 * @returns 0 when every required name passes (or none is health-checked),
 *   1 otherwise.
 * @throws ConfigError for `--names` naming no health-checked record, or an
 *   `--output` file that cannot be written (exit 2).
 */
export async function runCheck(
  config: Config,
  options: CheckOptions,
  deps: CheckDeps,
): Promise<number> {
  const checked = Object.freeze({ ...config, records: selectRecords(config, options.names) });
  const startedAt = deps.clock.now();
  const progress = options.waitMs === null
    ? null
    : new CheckProgress(deps.progress, deps.clock, options.waitMs);
  /** When each record name last turned passing, in ms since the start. */
  const passedAtMs = new Map<string, number>();
  let last: CheckRound;
  try {
    last = await runCheckRounds(checked, deps.dial, deps.clock, {
      waitMs: options.waitMs,
      everyMs: options.everyMs ?? config.health.intervalMs,
      onRound(round) {
        const waiting: { name: string; why: string }[] = [];
        for (const record of checked.records) {
          if (!recordPasses(record, round.tracks, options.require)) {
            passedAtMs.delete(record.name);
            waiting.push({
              name: recordName(checked, record),
              why: firstProblem(checked, record, round),
            });
          } else if (!passedAtMs.has(record.name)) {
            passedAtMs.set(record.name, round.endMs);
          }
        }
        progress?.round({
          number: round.number,
          passed: checked.records.length - waiting.length,
          total: checked.records.length,
          waiting,
        });
        return waiting.length === 0;
      },
    });
  } finally {
    progress?.end();
  }
  const report = buildCheckReport(checked, last, passedAtMs, {
    build: deps.build,
    startedAt,
    require: options.require,
    waitMs: options.waitMs,
  });
  const text = formatReport(report, options.format);
  if (options.outputFile === null) {
    for (const line of text.split("\n")) deps.out(line);
  } else {
    try {
      await deps.replaceFile(options.outputFile, `${text}\n`, REPORT_FILE_MODE);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new ConfigError(
        "--output",
        `cannot write ${JSON.stringify(options.outputFile)}: ${reason}`,
      );
    }
    for (const line of formatCheckTable(report)) deps.out(line);
  }
  return report.ok ? 0 : 1;
}

/** The report in `format`, as one text without the final newline. */
function formatReport(report: CheckReport, format: CheckOptions["format"]): string {
  switch (format) {
    case "table":
      return formatCheckTable(report).join("\n");
    case "json":
      return JSON.stringify(report, null, 2);
    case "junit":
      return formatCheckJunit(report).trimEnd();
    case "github":
      return formatCheckGithub(report).join("\n");
  }
}

/**
 * The health-checked records to probe: all, or those `--names` gives, by
 * relative name or under the hosted zone or an alias zone.
 */
function selectRecords(config: Config, names: readonly string[] | null): readonly RecordConfig[] {
  const checked = config.records.filter((record) => record.check !== null);
  if (names === null) return Object.freeze(checked);
  const zones = [config.hostedZone, ...config.aliasZones];
  const relative = (name: string) => {
    const zone = zones.find((zone) => name.endsWith(`.${zone}`));
    return zone === undefined ? name : name.slice(0, -zone.length - 1);
  };
  for (const name of names) {
    if (checked.some((record) => record.name === relative(name))) continue;
    const known = checked.map((record) => record.name).join(", ") || "none";
    throw new ConfigError(
      "--names",
      `${JSON.stringify(name)} is not a health-checked name (health-checked: ${known})`,
    );
  }
  const wanted = new Set(names.map(relative));
  return Object.freeze(checked.filter((record) => wanted.has(record.name)));
}

/**
 * Why a failing record fails, briefly: its first unhealthy address and that
 * address's last result, or how far it is on its way up when rise > 1.
 */
function firstProblem(config: Config, record: RecordConfig, round: CheckRound): string {
  const port = record.check?.port ?? 0;
  for (const address of record.addresses) {
    const key = endpointKey(address, port);
    const track = round.tracks.get(key);
    if (track?.healthy === true) continue;
    const probe = round.probes.find((probe) => probe.endpoint.key === key);
    if (probe === undefined || track === undefined) return `${address} not probed`;
    return probe.result.ok
      ? `${address} rising, ${track.contrary} of ${config.health.rise}`
      : `${address} ${probe.result.reason}`;
  }
  return "passing";
}
