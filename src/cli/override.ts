import { type Config, ConfigError } from "../config/config.ts";
import { canonicalIp } from "../wire/ip_address.ts";
import { loadConfig } from "../config/load.ts";
import {
  isActive,
  type OperatorOverride,
  overrideLookup,
  overridesPath,
  readOverrideFile,
  readUntil,
} from "../config/overrides.ts";
import { parseFlags } from "../config/flags.ts";
import { Place } from "../config/settings.ts";
import { readDomainName } from "../config/names.ts";
import { quoteValue, readDuration, readString } from "../config/value_readers.ts";
import type { Clock } from "../runtime/runtime.ts";

/** What `healthy-dns override` needs from the platform. */
export interface OverrideDeps {
  /** Reads the `--config` file. */
  readTextFile(path: string): Promise<string>;
  /** Reads the override file (no symbolic links, a size cap; null when absent). */
  readStateFile(path: string, maxBytes: number): Promise<string | null>;
  replaceFile(path: string, data: string, mode: number): Promise<void>;
  clock: Clock;
  /** Prints one line on stdout. */
  out(line: string): void;
  /** Prints one line on stderr. */
  err(line: string): void;
}

/** The file holds no secret; the server and operators read it. */
const FILE_MODE = 0o644;
const ACTIONS = ["list", "down", "up", "clear"] as const;
type Action = typeof ACTIONS[number];
/** Flags of this command; every other flag locates the state directory (or the whole config). */
const OWN_FLAGS = new Set(["--name", "--for", "--until", "--reason", "--all"]);
const HEADER = "# healthy-dns operator overrides (docs/operations.md), written by " +
  "`healthy-dns override`;\n# the server applies a change within a second.\n";

/** What the command line asks for. */
interface Request {
  readonly action: Action;
  readonly address: string | null;
  readonly name: string | null;
  readonly until: number | null;
  readonly reason: string | null;
  readonly all: boolean;
  /** The flags that locate the state directory. */
  readonly rest: readonly string[];
}

function parseRequest(args: readonly string[], now: number): Request {
  const [action, ...tail] = args;
  if (!ACTIONS.includes(action as Action)) {
    throw new ConfigError(
      "override",
      `${quoteValue(action ?? "")} is not one of ${
        ACTIONS.join(", ")
      } (see healthy-dns override --help)`,
    );
  }
  const own = new Map<string, string>();
  const rest: string[] = [];
  const positional: string[] = [];
  for (let i = 0; i < tail.length; i++) {
    const [flag, inline] = tail[i].split(/=(.*)/s, 2);
    if (flag === "--all") {
      own.set(flag, "");
    } else if (OWN_FLAGS.has(flag)) {
      const value = inline ?? tail[++i];
      if (value === undefined) throw new ConfigError(flag, "needs a value");
      own.set(flag, value);
    } else if (tail[i].startsWith("--")) {
      rest.push(tail[i]);
      if (inline === undefined && tail[i + 1] !== undefined && !tail[i + 1].startsWith("--")) {
        rest.push(tail[++i]);
      }
    } else {
      positional.push(tail[i]);
    }
  }
  const all = own.has("--all");
  const wantsAddress = action !== "list" && !(action === "clear" && all);
  if (positional.length !== (wantsAddress ? 1 : 0)) {
    throw new ConfigError(
      "override",
      wantsAddress
        ? `${action} takes one address, got ${quoteValue(positional)}`
        : `${action} takes no address, got ${quoteValue(positional)}`,
    );
  }
  let address: string | null = null;
  if (wantsAddress) {
    address = canonicalIp(positional[0]);
    if (address === null) {
      throw new ConfigError("override", `${quoteValue(positional[0])} is not an IP address`);
    }
  }
  const flag = (name: string) => own.get(name);
  const forMs = flag("--for") === undefined
    ? null
    : readDuration(flag("--for"), Place.flag("--for"));
  const untilText = flag("--until");
  if (forMs !== null && untilText !== undefined) {
    throw new ConfigError("--for", "cannot be combined with --until");
  }
  const until = forMs !== null ? now + forMs : null;
  return {
    action: action as Action,
    address,
    name: flag("--name") === undefined
      ? null
      : readDomainName(flag("--name"), Place.flag("--name"), "record name"),
    until: untilText === undefined ? until : readUntil(untilText, Place.flag("--until")),
    reason: flag("--reason") === undefined
      ? null
      : readString(flag("--reason"), Place.flag("--reason"), "text"),
    all,
    rest,
  };
}

/** The state directory from `--state-dir` alone, or from the whole serve configuration. */
async function locate(
  rest: readonly string[],
  readTextFile: (path: string) => Promise<string>,
): Promise<{ file: string; config: Config | null }> {
  const { layer, configFile, demo } = parseFlags(rest);
  const full = demo || configFile !== null || (layer.zone && layer.nameServers && layer.records);
  const config = full ? await loadConfig(rest, readTextFile) : null;
  const dir = config !== null
    ? config.stateDir
    : layer.stateDir === undefined
    ? null
    : readString(layer.stateDir.value, layer.stateDir.at, "a directory path");
  if (dir === null) {
    throw new ConfigError("--state-dir", "required (or set state_dir in the --config file)");
  }
  return { file: overridesPath(dir), config };
}

/** One override as a line of the listing. */
function describe(o: OperatorOverride, now: number): string {
  return [
    o.address,
    o.state,
    o.name === null ? "every name" : `name ${o.name}`,
    o.until === null
      ? "no end"
      : `${isActive(o, now) ? "until" : "expired"} ${new Date(o.until).toISOString()}`,
    ...(o.reason === null ? [] : [`(${o.reason})`]),
  ].join("  ");
}

/** The file's text for `list` (YAML a person can still edit). */
function render(list: readonly OperatorOverride[]): string {
  const entries = list.map((o) =>
    [
      `- address: ${JSON.stringify(o.address)}`,
      `  state: ${o.state}`,
      ...(o.name === null ? [] : [`  name: ${o.name}`]),
      ...(o.until === null ? [] : [`  until: ${JSON.stringify(new Date(o.until).toISOString())}`]),
      ...(o.reason === null ? [] : [`  reason: ${JSON.stringify(o.reason)}`]),
    ].join("\n")
  );
  return HEADER + (entries.length === 0 ? "[]\n" : `${entries.join("\n")}\n`);
}

/** Most names or addresses a message lists before "…". */
const MAX_LISTED = 8;

function listed(values: readonly string[]): string {
  const unique = [...new Set(values)];
  return unique.length <= MAX_LISTED
    ? unique.join(", ")
    : `${unique.slice(0, MAX_LISTED).join(", ")}, … (${unique.length} in all)`;
}

/**
 * Refuses an override that can match nothing in the configuration: a
 * `--name` no record has, or an address the record (or every record) does
 * not list. A typo would otherwise drain nothing while the operator believes
 * the backend is out.
 *
 * @throws ConfigError naming the value and the known ones.
 */
function checkAgainstConfig(entry: OperatorOverride, config: Config): void {
  const records = config.records;
  if (entry.name !== null) {
    const record = records.find((r) => r.name === entry.name);
    if (record === undefined) {
      throw new ConfigError(
        "--name",
        `${quoteValue(entry.name)} is not a record name of the config (known: ${
          listed(records.map((r) => r.name))
        })`,
      );
    }
    if (!record.addresses.includes(entry.address)) {
      throw new ConfigError(
        "override",
        `${entry.address} is not an address of ${entry.name} (its addresses: ${
          listed(record.addresses)
        })`,
      );
    }
  } else if (!records.some((r) => r.addresses.includes(entry.address))) {
    throw new ConfigError(
      "override",
      `${entry.address} is not an address of any record (known: ${
        listed(records.flatMap((r) => r.addresses))
      })`,
    );
  }
}

/**
 * Warnings, printed before the file is written, for each name a `down`
 * leaves with no address that is not drained, saying what it will serve
 * then (its `when_all_down` fallback, or nothing: NODATA). Drains are
 * counted, not probe results: this command does not ask the server.
 */
function drainWarnings(
  entry: OperatorOverride,
  overrides: readonly OperatorOverride[],
  config: Config,
  now: number,
): string[] {
  if (entry.state !== "down") return [];
  const lookup = overrideLookup(overrides, now);
  return config.records
    .filter((r) =>
      r.addresses.includes(entry.address) && (entry.name === null || r.name === entry.name) &&
      r.addresses.every((address) => lookup.find(address, r.name)?.state === "down")
    )
    .map((r) => {
      const served = r.check !== null && r.whenAllDown.kind === "fallback"
        ? `its when_all_down fallback ${r.whenAllDown.addresses.join(", ")}`
        : "no address (NODATA)";
      return `warning: ${entry.address} is the last address of ${r.name} not drained; ` +
        `${r.name} will serve ${served}`;
    });
}

/**
 * `healthy-dns override list|down|up|clear …`: shows or edits the operator
 * override file (`<state_dir>/overrides.yaml`, see docs/operations.md) the
 * running server watches. `down ADDRESS` drains an address, `up ADDRESS`
 * serves it whatever its probe says, each for every name or `--name NAME`,
 * optionally `--for 2h` or `--until TIME`, with `--reason TEXT`; `clear
 * ADDRESS [--name NAME]` or `clear --all` removes entries. The file is
 * replaced atomically; expired entries are dropped when it is written.
 * The state directory comes from `--state-dir DIR` or the serve flags
 * (`--config FILE`).
 *
 * @returns 0, or 2 for a user error (one line on stderr), including a
 *   malformed existing file (fix it first: the server is ignoring it too).
 */
export async function runOverride(args: readonly string[], deps: OverrideDeps): Promise<number> {
  const now = deps.clock.now();
  try {
    const request = parseRequest(args, now);
    const { file, config } = await locate(request.rest, deps.readTextFile);
    const existing = await readOverrideFile(file, deps.readStateFile);
    if (request.action === "list") {
      if (existing.length === 0) deps.out(`no overrides (${file})`);
      for (const o of existing) deps.out(describe(o, now));
      return 0;
    }
    const same = (o: OperatorOverride) => o.address === request.address && o.name === request.name;
    let next = existing.filter((o) => isActive(o, now));
    if (request.action === "clear") {
      const kept = request.all ? [] : next.filter((o) => !same(o));
      if (kept.length === next.length && !request.all) {
        deps.err(
          `override: nothing to clear for ${request.address}${
            request.name === null ? "" : ` (name ${request.name})`
          }`,
        );
        return 2;
      }
      next = kept;
    } else {
      const entry: OperatorOverride = Object.freeze({
        address: request.address!,
        state: request.action,
        name: request.name,
        until: request.until,
        reason: request.reason,
      });
      const at = next.findIndex(same);
      next = at < 0 ? [...next, entry] : next.map((o, i) => (i === at ? entry : o));
      if (config !== null) {
        checkAgainstConfig(entry, config);
        for (const line of drainWarnings(entry, next, config, now)) deps.err(line);
      }
    }
    try {
      await deps.replaceFile(file, render(next), FILE_MODE);
    } catch (error) {
      throw new ConfigError(
        config?.origins.stateDir ?? "--state-dir",
        `cannot write ${quoteValue(file)}: ${(error as Error).message.split("\n")[0]}`,
      );
    }
    if (next.length === 0) deps.out(`no overrides (${file})`);
    for (const o of next) deps.out(describe(o, now));
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.err(error.message);
    return 2;
  }
}
