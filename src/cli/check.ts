/**
 * `healthy-dns check`: its options and flags (`readCheckFlags`), and running
 * the health checks of a config in rounds until they pass or time runs out.
 */
import { type Config, ConfigError, DEFAULTS, type RecordConfig } from "../config/config.ts";
import { endpointKey } from "../health/endpoints.ts";
import { type CheckRound, runCheckRounds } from "../health/check_rounds.ts";
import type { BuildInfo } from "../observe/build_info.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import {
  buildCheckReport,
  type CheckFormat,
  type CheckReport,
  type CheckRequirement,
  formatCheckGithub,
  formatCheckJunit,
  formatCheckTable,
  recordName,
  recordPasses,
} from "./check_report.ts";
import { CheckProgress, type ProgressSink } from "./check_progress.ts";
import { Place } from "../config/settings.ts";
import { quoteValue, readChoice, readDuration, readString } from "../config/value_readers.ts";

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

/** The result of `readCheckFlags`. */
export interface CheckFlags {
  readonly options: CheckOptions;
  /** Every other argument, in order, for `loadConfig`. */
  readonly configArgs: readonly string[];
}

const FORMATS: readonly CheckFormat[] = ["table", "json", "junit", "github"];
const REQUIREMENTS: readonly CheckRequirement[] = ["any", "all"];

const VALUE_FLAGS = new Set(["--wait", "--every", "--require", "--names", "--format", "--output"]);

/**
 * Takes the options of `healthy-dns check` (`--wait D`, `--every D`,
 * `--require any|all`, `--names a,b`, `--format F`, `--json`, `--output FILE`,
 * as `--flag value` or `--flag=value`) out of the arguments after the
 * subcommand and leaves the rest to `loadConfig`. Values never start with
 * `--`, as for every other flag.
 *
 * @throws ConfigError naming the flag and the value for every usage error.
 */
export function readCheckFlags(args: readonly string[]): CheckFlags {
  const configArgs: string[] = [];
  const given = new Map<string, string>();
  let json = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals >= 0 ? arg.slice(0, equals) : arg;
    if (flag === "--json") {
      if (equals >= 0) {
        throw new ConfigError(flag, `takes no value, got ${quoteValue(arg.slice(equals + 1))}`);
      }
      json = true;
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      configArgs.push(arg);
      continue;
    }
    let value: string;
    if (equals >= 0) {
      value = arg.slice(equals + 1);
    } else {
      const next = args[index + 1];
      if (next === undefined || next.startsWith("--")) throw new ConfigError(flag, "needs a value");
      value = next;
      index++;
    }
    given.set(flag, value);
  }
  const read = <T>(flag: string, reader: (value: string, at: Place) => T): T | null => {
    const value = given.get(flag);
    return value === undefined ? null : reader(value, Place.flag(flag));
  };
  const waitMs = read("--wait", readDuration);
  const everyMs = read("--every", readDuration);
  if (everyMs !== null && waitMs === null) {
    throw new ConfigError("--every", "only applies with --wait (a check without it probes once)");
  }
  const format = read("--format", (value, at) => readChoice(value, at, FORMATS));
  if (json && format !== null && format !== "json") {
    throw new ConfigError("--json", `contradicts --format ${format}`);
  }
  return Object.freeze({
    options: Object.freeze({
      waitMs,
      everyMs,
      require: read("--require", (value, at) => readChoice(value, at, REQUIREMENTS)) ??
        DEFAULTS.check.require,
      names: read("--names", readNameList),
      format: format ?? (json ? "json" : DEFAULTS.check.format),
      outputFile: read("--output", (value, at) => readString(value, at, "a file path")),
    }),
    configArgs: Object.freeze(configArgs),
  });
}

/** `a,b,c`: names separated by commas, each lowercased and without a trailing dot. */
function readNameList(value: string, at: Place): readonly string[] {
  const names = value.split(",").map((name) => name.trim().toLowerCase().replace(/\.$/, ""));
  if (names.some((name) => name === "")) at.fail(`${quoteValue(value)} has an empty name`);
  return Object.freeze([...new Set(names)]);
}

/**
 * The options of `healthy-dns check` beyond the server's own flags (read by
 * `readCheckFlags`, defaults in `DEFAULTS.check`); the zone, records and
 * health settings come from the Config.
 */
export interface CheckOptions {
  /** `--wait`: probe in rounds until every required name passes, at most this long; null: one round. */
  readonly waitMs: number | null;
  /** `--every`: time between the starts of two rounds; null: the config's health interval. */
  readonly everyMs: number | null;
  /** `--require`. */
  readonly require: CheckRequirement;
  /** `--names`, as written (lowercase, no trailing dot); null: every health-checked name. */
  readonly names: readonly string[] | null;
  /** `--format` (`--json` is `--format json`). */
  readonly format: CheckFormat;
  /** `--output`: the report goes to this file and the table to stdout; null: the report to stdout. */
  readonly outputFile: string | null;
}
