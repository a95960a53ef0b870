/**
 * Records: reading `records` / `--zone-resolutions` into `RecordConfig`s.
 */
import type { AllDownPolicy, RecordConfig } from "./config.ts";
import type { Place, RecordDialect } from "./settings.ts";
import {
  quoteValue,
  readAddressList,
  readAllDownPolicy,
  readDuration,
  readInteger,
  readMapping,
} from "./value_readers.ts";
import { readRecordName } from "./names.ts";

/** Record settings that fall back to the global ones. */
export interface RecordDefaults {
  readonly zones: readonly string[];
  readonly timeoutMs: number;
  readonly whenAllDown: AllDownPolicy;
}

function readRecord(
  name: string,
  entry: unknown,
  at: Place,
  dialect: RecordDialect,
  defaults: RecordDefaults,
): RecordConfig {
  if (Array.isArray(entry)) {
    return {
      name,
      addresses: readAddressList(entry, at),
      check: null,
      whenAllDown: defaults.whenAllDown,
    };
  }
  if (typeof entry !== "object" || entry === null) {
    at.fail(
      `${quoteValue(entry)} is neither a list of addresses nor a mapping with ${
        dialect.keys.join(", ")
      }`,
    );
  }
  const fields = readMapping(entry, at, dialect.keys);
  if (fields[dialect.addressesKey] === undefined) at.fail(`missing "${dialect.addressesKey}"`);
  const addresses = readAddressList(fields[dialect.addressesKey], at.child(dialect.addressesKey));
  if (fields.health_port === undefined) {
    if (dialect.portRequired) {
      at.fail(`missing "health_port" (or give a bare list of addresses for a static record)`);
    }
    for (const key of ["timeout", "when_all_down"]) {
      if (fields[key] !== undefined) {
        at.child(key).fail("applies only to health-checked records (set health_port)");
      }
    }
    return { name, addresses, check: null, whenAllDown: defaults.whenAllDown };
  }
  return {
    name,
    addresses,
    check: {
      port: readInteger(fields.health_port, at.child("health_port"), "port"),
      timeoutMs: fields.timeout === undefined
        ? defaults.timeoutMs
        : readDuration(fields.timeout, at.child("timeout")),
    },
    whenAllDown: fields.when_all_down === undefined
      ? defaults.whenAllDown
      : readAllDownPolicy(fields.when_all_down, at.child("when_all_down")),
  };
}

/**
 * Reads the records: a mapping from relative name to either a bare list of
 * addresses (a static record, served as-is and never probed) or an object
 * in `dialect` (health-checked when it has a `health_port`). At least one
 * record; names are unique after lowercasing. Keeps the order given.
 */
export function readRecords(
  value: unknown,
  at: Place,
  dialect: RecordDialect,
  defaults: RecordDefaults,
): readonly RecordConfig[] {
  const entries = Object.entries(readMapping(value, at, null));
  if (entries.length === 0) at.fail("{} is empty; give at least one record");
  const records: RecordConfig[] = [];
  const names = new Set<string>(); // a set, not a scan of `records`: 10,000 records are common
  for (const [raw, entry] of entries) {
    const name = readRecordName(raw, at, defaults.zones);
    if (names.has(name)) at.fail(`${quoteValue(raw)} is listed twice`);
    names.add(name);
    records.push(readRecord(name, entry, at.child(raw), dialect, defaults));
  }
  return records;
}
