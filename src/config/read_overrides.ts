import { canonicalIp } from "./canonical_ip.ts";
import type { OperatorOverride } from "./operator_overrides.ts";
import { readYaml } from "./parse_yaml_layer.ts";
import { Place } from "./place.ts";
import { readDomainName } from "./read_domain_name.ts";
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
 * Reads the operator override file: a YAML list (empty, or an empty file,
 * for none) of `{address, state, name?, until?, reason?}`:
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
  const root = Place.yaml(file);
  const content = text.trim() === "" ? [] : readYaml(text, file);
  const entries = readList(content ?? [], root, null).map((entry, index) =>
    readOverride(entry, root.child(index))
  );
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const key = `${entry.address} ${entry.name ?? ""}`;
    if (seen.has(key)) {
      root.child(index).fail(
        `${quoteValue(entry.address)} is overridden twice ${
          entry.name === null ? "for every name" : `for ${quoteValue(entry.name)}`
        }`,
      );
    }
    seen.add(key);
  });
  return Object.freeze(entries);
}
