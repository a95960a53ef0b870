import type { CheckFormat, CheckOptions, CheckRequirement } from "./check_options.ts";
import { ConfigError } from "./config_error.ts";
import { DEFAULTS } from "./defaults.ts";
import { Place } from "./place.ts";
import { quoteValue, readChoice, readDuration, readString } from "./value_readers.ts";

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
