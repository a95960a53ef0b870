import type { Config } from "../config/config.ts";
import { endpointKey } from "./endpoint_key.ts";

/** One distinct address and port to probe, with every record name that uses it. */
export interface Endpoint {
  /** `endpointKey(address, port)`. */
  readonly key: string;
  readonly address: string;
  readonly port: number;
  /** The largest timeout among the records that use this endpoint. */
  readonly timeoutMs: number;
  /** Record names (relative, as configured) that list this address with this port, in config order. */
  readonly names: readonly string[];
}

/**
 * Lists the endpoints to probe: every (address, health port) of every
 * health-checked record, each once, in the order first seen in the config.
 * Alias zones serve the same records, so they add no endpoints.
 */
export function collectEndpoints(config: Config): readonly Endpoint[] {
  const found = new Map<
    string,
    { address: string; port: number; timeoutMs: number; names: string[] }
  >();
  for (const record of config.records) {
    if (record.check === null) continue;
    const { port, timeoutMs } = record.check;
    for (const address of record.addresses) {
      const key = endpointKey(address, port);
      const seen = found.get(key);
      if (seen === undefined) {
        found.set(key, { address, port, timeoutMs, names: [record.name] });
        continue;
      }
      seen.timeoutMs = Math.max(seen.timeoutMs, timeoutMs);
      if (!seen.names.includes(record.name)) seen.names.push(record.name);
    }
  }
  // The name lists are typed read-only, not frozen: JavaScriptCore keeps a frozen array in its
  // sparse form, ~160 bytes more each (16 MB at 100,000 endpoints).
  return Object.freeze([...found].map(([key, e]) => Object.freeze({ ...e, key })));
}
