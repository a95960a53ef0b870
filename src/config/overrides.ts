/**
 * Operator overrides: the types the zone builder consults, and reading the
 * override file under the state directory.
 */
import { canonicalIp } from "../wire/ip_address.ts";
import { ConfigError } from "./config.ts";
import { readYaml } from "./yaml.ts";
import { Place } from "./settings.ts";
import { readDomainName } from "./names.ts";
import { quoteValue, readChoice, readList, readMapping, readString } from "./value_readers.ts";

/** The override file's name inside the state directory. */
const OVERRIDES_FILE = "overrides.yaml";

/** The operator override file of a state directory. */
export function overridesPath(stateDir: string): string {
  return `${stateDir.replace(/\/+$/, "")}/${OVERRIDES_FILE}`;
}

const KEYS = ["address", "state", "name", "until", "reason"] as const;
const STATES = ["down", "up"] as const;
/** RFC 3339 date and time with an explicit offset: an expiry must not depend on the host's zone. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Reads an override's end: an RFC 3339 time with a zone offset, as epoch ms. */
export function readUntil(value: unknown, at: Place): number {
  // The yaml library reads an unquoted timestamp as text (core schema); a Date would be one too.
  const text = value instanceof Date ? value.toISOString() : value;
  const ms = typeof text === "string" && TIMESTAMP.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    at.fail(`${quoteValue(text)} is not a time with a zone, like "2026-12-02T18:00:00Z"`);
  }
  return ms;
}

function readOverride(value: unknown, at: Place): OperatorOverride {
  const fields = readMapping(value, at, KEYS);
  for (const key of ["address", "state"]) {
    if (fields[key] === undefined || fields[key] === null) at.fail(`missing "${key}"`);
  }
  const address = typeof fields.address === "string" ? canonicalIp(fields.address) : null;
  if (address === null) {
    return at.child("address").fail(`${quoteValue(fields.address)} is not an IP address`);
  }
  const optional = <T>(key: string, read: (value: unknown, at: Place) => T): T | null =>
    fields[key] === undefined || fields[key] === null ? null : read(fields[key], at.child(key));
  return Object.freeze({
    address,
    state: readChoice(fields.state, at.child("state"), STATES),
    name: optional("name", (v, place) => readDomainName(v, place, "record name")),
    until: optional("until", readUntil),
    reason: optional("reason", (v, place) => readString(v, place, "text")),
  });
}

/**
 * The most bytes an override file may hold: room for `OVERRIDES_MAX_ENTRIES`
 * entries with reasons. A bigger file is refused unread (one line), and the
 * overrides in force stay.
 */
export const OVERRIDES_MAX_BYTES = 1 << 20;

/** The most overrides one file may hold (a 38 MB file of 1,000,000 once took 2.4 GB and 15 s). */
export const OVERRIDES_MAX_ENTRIES = 10_000;

/** Entries validated between two pauses of `readOverridesPaced` (a few ms of work). */
const SLICE = 500;

/** The reading, as steps: it yields between slices of entries, and returns the overrides. */
function* readInSlices(text: string, file: string): Generator<void, readonly OperatorOverride[]> {
  const root = Place.yaml(file);
  const content = text.trim() === "" ? [] : readYaml(text, file);
  const list = readList(content ?? [], root, null);
  if (list.length > OVERRIDES_MAX_ENTRIES) {
    root.fail(`holds ${list.length} overrides, above the limit of ${OVERRIDES_MAX_ENTRIES}`);
  }
  const entries: OperatorOverride[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < list.length; index++) {
    if (index > 0 && index % SLICE === 0) yield;
    const entry = readOverride(list[index], root.child(index));
    const key = `${entry.address} ${entry.name ?? ""}`;
    if (seen.has(key)) {
      root.child(index).fail(
        `${quoteValue(entry.address)} is overridden twice ${
          entry.name === null ? "for every name" : `for ${quoteValue(entry.name)}`
        }`,
      );
    }
    seen.add(key);
    entries.push(entry);
  }
  return Object.freeze(entries);
}

/**
 * Reads the operator override file: a YAML list (empty, or an empty file,
 * for none) of at most `OVERRIDES_MAX_ENTRIES` `{address, state, name?,
 * until?, reason?}`:
 *
 * ```yaml
 * - address: 192.0.2.1
 *   state: down                  # down (drain) or up (ignore its probe)
 *   name: www                    # optional: only this record (relative name)
 *   until: 2026-12-02T18:00:00Z  # optional: no longer applies from then on
 *   reason: kernel upgrade       # optional, shown in logs and /status
 * ```
 *
 * Validated like the config: unknown keys, a bad address, state or time, and
 * the same address twice for the same name are errors. An override that
 * matches no configured address is not an error (the config may change
 * under it); the server logs it.
 *
 * @param file names the file in messages.
 * @throws ConfigError with one line naming the entry and the value.
 */
export function readOverrides(text: string, file: string): readonly OperatorOverride[] {
  const steps = readInSlices(text, file);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `readOverrides` for the running server: awaits `pause()` between slices of
 * entries, so a big file does not hold up answering while it is validated.
 */
export async function readOverridesPaced(
  text: string,
  file: string,
  pause: () => Promise<void>,
): Promise<readonly OperatorOverride[]> {
  const steps = readInSlices(text, file);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/**
 * Reads and validates the override file at `path` through the runtime's
 * `readStateFile` (never through a symbolic link, at most
 * `OVERRIDES_MAX_BYTES`, refused unread above it); none when it does not
 * exist. With `pause` (the running server) it is validated in slices.
 *
 * @throws ConfigError naming the file: unreadable, a link, too big, or invalid.
 */
export async function readOverrideFile(
  path: string,
  readStateFile: (path: string, maxBytes: number) => Promise<string | null>,
  pause?: () => Promise<void>,
): Promise<readonly OperatorOverride[]> {
  let text: string | null;
  try {
    text = await readStateFile(path, OVERRIDES_MAX_BYTES);
  } catch (error) {
    // The runtime says "<path>: <reason>"; the ConfigError names the path once.
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      path,
      message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message,
    );
  }
  if (text === null) return [];
  return pause === undefined
    ? readOverrides(text, path)
    : await readOverridesPaced(text, path, pause);
}

/**
 * Operator overrides: an address forced `down` (drained: not served though
 * its probe passes) or `up` (served though its probe fails), for one record
 * or every record that lists it, optionally until a time. They live in a file
 * under the state directory (see `readOverrides` and docs/operations.md), not
 * in the config, so draining needs no config edit and no restart.
 */

/** What an override forces. */
export type OverrideState = "down" | "up";

/** One override as the operator wrote it. */
export interface OperatorOverride {
  /** Canonical address text, as in the config. */
  readonly address: string;
  readonly state: OverrideState;
  /** Relative record name it is limited to, or null for every record listing the address. */
  readonly name: string | null;
  /** Epoch ms after which it no longer applies, or null for no end. */
  readonly until: number | null;
  /** Free text from the operator, for logs and /status, or null. */
  readonly reason: string | null;
}

/** The overrides in force, as the zone builder consults them. */
export interface OverrideLookup {
  /**
   * The override for `address` in record `name`: one limited to that record
   * wins over one for every record; null when none applies.
   */
  find(address: string, name: string): OperatorOverride | null;
}

/** No override in force. */
export const NO_OVERRIDES: OverrideLookup = Object.freeze({ find: () => null });

/** Whether `override` is in force at `now`. */
export function isActive(override: OperatorOverride, now: number): boolean {
  return override.until === null || now < override.until;
}

/** A lookup over the overrides of `list` in force at `now` (expired ones are left out). */
export function overrideLookup(list: readonly OperatorOverride[], now: number): OverrideLookup {
  const byKey = new Map<string, OperatorOverride>();
  for (const override of list) {
    if (isActive(override, now)) byKey.set(`${override.address} ${override.name ?? ""}`, override);
  }
  if (byKey.size === 0) return NO_OVERRIDES;
  return Object.freeze({
    find: (address: string, name: string) =>
      byKey.get(`${address} ${name}`) ?? byKey.get(`${address} `) ?? null,
  });
}
