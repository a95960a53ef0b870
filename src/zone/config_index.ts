import type { Config, RecordConfig } from "../config/config.ts";
import { endpointKey } from "../health/endpoints.ts";
import { type ZoneTiming, zoneTiming } from "./timing.ts";

/** What the builder looks up in a config, derived once per config (health changes reuse it). */
export interface ConfigIndex {
  readonly timing: ZoneTiming;
  /** Records by relative name, in config order (one record, or several sharing the name). */
  readonly records: ReadonlyMap<string, RecordConfig | readonly RecordConfig[]>;
  /** The relative names each health-checked endpoint (by `endpointKey`) serves: one, or several. */
  readonly endpoints: ReadonlyMap<string, string | readonly string[]>;
}

const indexes = new WeakMap<Config, ConfigIndex>();

/** The relative names served by the endpoint `key` (none when it is not probed). */
export function namesAt(index: ConfigIndex, key: string): readonly string[] {
  const found = index.endpoints.get(key);
  return found === undefined ? [] : typeof found === "string" ? [found] : found;
}

/** The records configured under one relative name, in config order (none for the apex or an empty non-terminal). */
export function recordsNamed(index: ConfigIndex, name: string): readonly RecordConfig[] {
  const found = index.records.get(name);
  return found === undefined ? [] : Array.isArray(found) ? found : [found as RecordConfig];
}

/** The index of `config`, made on first use and kept as long as the config lives. */
export function configIndex(config: Config): ConfigIndex {
  const found = indexes.get(config);
  if (found !== undefined) return found;
  // One record per name and one name per endpoint are the rule: stored bare, an array only for more.
  const records = new Map<string, RecordConfig | RecordConfig[]>();
  const endpoints = new Map<string, string | string[]>();
  for (const record of config.records) {
    const seen = records.get(record.name);
    if (seen === undefined) records.set(record.name, record);
    else if (Array.isArray(seen)) seen.push(record);
    else records.set(record.name, [seen, record]);
    if (record.check === null) continue;
    for (const address of record.addresses) {
      const key = endpointKey(address, record.check.port);
      const names = endpoints.get(key);
      if (names === undefined) endpoints.set(key, record.name);
      else if (typeof names === "string") {
        if (names !== record.name) endpoints.set(key, [names, record.name]);
      } else if (!names.includes(record.name)) names.push(record.name);
    }
  }
  const index: ConfigIndex = Object.freeze({ timing: zoneTiming(config), records, endpoints });
  indexes.set(config, index);
  return index;
}
