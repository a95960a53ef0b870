/**
 * Records: reading `records` / `--zone-resolutions` into `RecordConfig`s.
 */
import type {
  AllDownPolicy,
  CaaRecord,
  MxRecord,
  RecordConfig,
  SrvRecord,
  StaticRecords,
  TargetName,
} from "./config.ts";
import { type Place, type RecordDialect, STATIC_KEYS } from "./settings.ts";
import {
  quoteValue,
  readAddressList,
  readAllDownPolicy,
  readDuration,
  readInteger,
  readList,
  readMapping,
} from "./value_readers.ts";
import { MAX_NAME_LENGTH, readDomainName, readRecordName } from "./names.ts";

/** Longest TXT text: 255 character-strings of 255 octets, each with its length octet, fill the 65,535-octet RDATA. */
const MAX_TXT_OCTETS = 255 * 255;
/** RFC 8659 §4.1: a tag is 1-15 ASCII letters and digits. */
const CAA_TAG = /^[a-z0-9]{1,15}$/;

/**
 * Reads an MX host or SRV target: "@" (the apex), an absolute name with its
 * final dot, or a name relative to each served zone (zone-file convention).
 * Returned lowercase, the final dot kept.
 */
function readTarget(value: unknown, at: Place, zones: readonly string[]): TargetName {
  if (value === "@") return "@";
  if (typeof value !== "string") at.fail(`${quoteValue(value)} is not a host name`);
  const absolute = value.endsWith(".") && value !== ".";
  const name = readDomainName(absolute ? value.slice(0, -1) : value, at, "host name");
  if (absolute) return `${name}.`;
  const longest = zones.reduce((a, b) => (b.length > a.length ? b : a));
  if (name.length + 1 + longest.length > MAX_NAME_LENGTH) {
    at.fail(
      `${quoteValue(value)} is too long: under ${
        quoteValue(longest)
      } it exceeds ${MAX_NAME_LENGTH} characters`,
    );
  }
  return name;
}

/** Reads one list of static records, each item a mapping with exactly `keys`. */
function readItems<T>(
  value: unknown,
  at: Place,
  keys: readonly string[],
  read: (fields: Readonly<Record<string, unknown>>, at: Place) => T,
): readonly T[] {
  return readList(value, at, "record").map((item, i) => {
    const place = at.child(i);
    const fields = readMapping(item, place, keys);
    const missing = keys.find((key) => fields[key] === undefined);
    if (missing !== undefined) place.fail(`missing "${missing}"`);
    return read(fields, place);
  });
}

/**
 * Reads the static record keys (`txt`, `mx`, `srv`, `caa`, `ttl`) of one
 * name's fields, or returns undefined when it has none.
 */
function readStatics(
  fields: Readonly<Record<string, unknown>>,
  at: Place,
  zones: readonly string[],
): StaticRecords | undefined {
  if (STATIC_KEYS.every((key) => fields[key] === undefined)) return undefined;
  const txt = fields.txt === undefined
    ? []
    : readList(fields.txt, at.child("txt"), "string").map((text, i): string => {
      const place = at.child("txt").child(i);
      if (typeof text !== "string") return place.fail(`${quoteValue(text)} is not a string`);
      if (new TextEncoder().encode(text).length > MAX_TXT_OCTETS) {
        place.fail(`${quoteValue(text)} is longer than ${MAX_TXT_OCTETS} octets`);
      }
      return text;
    });
  const mx = fields.mx === undefined ? [] : readItems(
    fields.mx,
    at.child("mx"),
    ["priority", "host"],
    (f, place): MxRecord => ({
      priority: readInteger(f.priority, place.child("priority"), "uint16"),
      host: readTarget(f.host, place.child("host"), zones),
    }),
  );
  const srv = fields.srv === undefined ? [] : readItems(
    fields.srv,
    at.child("srv"),
    ["priority", "weight", "port", "target"],
    (f, place): SrvRecord => ({
      priority: readInteger(f.priority, place.child("priority"), "uint16"),
      weight: readInteger(f.weight, place.child("weight"), "uint16"),
      port: readInteger(f.port, place.child("port"), "uint16"),
      target: readTarget(f.target, place.child("target"), zones),
    }),
  );
  const caa = fields.caa === undefined ? [] : readItems(
    fields.caa,
    at.child("caa"),
    ["flags", "tag", "value"],
    (f, place): CaaRecord => {
      const tag = typeof f.tag === "string" ? f.tag.toLowerCase() : "";
      if (!CAA_TAG.test(tag)) {
        place.child("tag").fail(`${quoteValue(f.tag)} is not a CAA tag (1-15 letters and digits)`);
      }
      const value = typeof f.value === "string"
        ? f.value
        : place.child("value").fail(`${quoteValue(f.value)} is not a string`);
      return { flags: readInteger(f.flags, place.child("flags"), "uint8"), tag, value };
    },
  );
  const ttl = fields.ttl === undefined ? null : readInteger(fields.ttl, at.child("ttl"), "ttl");
  return { txt, mx, srv, caa, ttl };
}

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
  const statics = readStatics(fields, at, defaults.zones);
  const withStatics = statics === undefined ? {} : { statics };
  if (fields[dialect.addressesKey] === undefined) {
    if (statics === undefined) at.fail(`missing "${dialect.addressesKey}"`);
    for (const key of ["health_port", "timeout", "when_all_down"]) {
      if (fields[key] !== undefined) {
        at.child(key).fail(`applies only to a name with "${dialect.addressesKey}"`);
      }
    }
    return { name, addresses: [], check: null, whenAllDown: defaults.whenAllDown, ...withStatics };
  }
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
    return { name, addresses, check: null, whenAllDown: defaults.whenAllDown, ...withStatics };
  }
  return {
    ...withStatics,
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

/** What `records` configures: the names below the apex, and the apex's own static records. */
export interface ReadRecords {
  readonly records: readonly RecordConfig[];
  readonly apex: StaticRecords | undefined;
}

/**
 * Reads the records: a mapping from relative name to either a bare list of
 * addresses (a static record, served as-is and never probed) or an object
 * in `dialect` (health-checked when it has a `health_port`, and holding
 * static TXT, MX, SRV and CAA records). "@" is the apex, which may hold
 * static records only. At least one record; names are unique after
 * lowercasing. Keeps the order given.
 */
export function readRecords(
  value: unknown,
  at: Place,
  dialect: RecordDialect,
  defaults: RecordDefaults,
): ReadRecords {
  const entries = Object.entries(readMapping(value, at, null));
  if (entries.length === 0) at.fail("{} is empty; give at least one record");
  const records: RecordConfig[] = [];
  let apex: StaticRecords | undefined;
  const names = new Set<string>(); // a set, not a scan of `records`: 10,000 records are common
  for (const [raw, entry] of entries) {
    if (raw === "@") {
      const place = at.child(raw);
      if (
        Array.isArray(entry) ||
        (typeof entry === "object" && entry !== null && ("addresses" in entry || "ips" in entry))
      ) {
        place.fail("the apex may hold only static records (txt, mx, srv, caa, ttl), not addresses");
      }
      const fields = readMapping(entry, place, STATIC_KEYS);
      apex = readStatics(fields, place, defaults.zones);
      if (apex === undefined) place.fail(`give at least one of ${STATIC_KEYS.join(", ")}`);
      continue;
    }
    const name = readRecordName(raw, at, defaults.zones);
    if (names.has(name)) at.fail(`${quoteValue(raw)} is listed twice`);
    names.add(name);
    records.push(readRecord(name, entry, at.child(raw), dialect, defaults));
  }
  return { records, apex };
}
