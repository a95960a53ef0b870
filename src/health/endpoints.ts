/**
 * The endpoints health checking probes: one address and one health port,
 * each probed once however many names use it, and what is known about each.
 */
import type { Config } from "../config/config.ts";
import type { DialResult } from "../runtime/runtime.ts";

/**
 * The identity of a probed endpoint: one address and one health port.
 * Several names (and every alias zone) that share an address and port share
 * one key, hence one probe and one health state.
 *
 * @param address canonical address text, as stored in the config.
 * @param port the TCP port probed.
 */
export function endpointKey(address: string, port: number): string {
  return `${address} ${port}`;
}

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

/** Where an endpoint stands: `unknown` until its first probe result is in. */
export type EndpointHealth = "healthy" | "unhealthy" | "unknown";

/** What the health monitor knows about one probed endpoint, for /status and the metrics. */
export interface EndpointStatus {
  readonly address: string;
  readonly port: number;
  readonly state: EndpointHealth;
  /** Epoch ms since which `state` holds (for `unknown`: since the endpoint was configured). */
  readonly since: number;
  /** The last probe's outcome, or null before the first. */
  readonly lastProbe: DialResult | null;
  /** Epoch ms at which the last probe's result came in, or null. */
  readonly lastProbeAt: number | null;
  /** Consecutive successful probes, up to now (rise counts these while unhealthy). */
  readonly successes: number;
  /** Consecutive failed probes, up to now (fall counts these while healthy). */
  readonly failures: number;
}

/** Receives every probe result and state change as they happen (the metrics); must not throw. */
export interface HealthObserver {
  observeProbe(result: DialResult): void;
  countStateChange(healthy: boolean): void;
}

/** An observer that records nothing. */
export const NO_HEALTH_OBSERVER: HealthObserver = Object.freeze({
  observeProbe() {},
  countStateChange() {},
});
