import type { Config } from "../config/config.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import { collectEndpoints } from "./collect_endpoints.ts";
import { type EndpointProbe, probeEndpoints } from "./probe_endpoints.ts";
import { probeSpreadMs } from "./probe_spread_ms.ts";

/** The outcome of one probe cycle. */
export interface CheckCycle {
  /** One probe per distinct endpoint, in config order. */
  readonly probes: readonly EndpointProbe[];
  /** Wall time of the cycle in milliseconds. */
  readonly durationMs: number;
}

/**
 * Probes every health-checked endpoint of `config` once, scheduled exactly as
 * the monitor's cycles are (bounded concurrency, spread starts), without
 * hysteresis: for `healthy-dns check` and benchmarks.
 */
export async function runCheckCycle(
  config: Config,
  dialer: Dialer,
  clock: Clock,
): Promise<CheckCycle> {
  const startedAt = clock.monotonic();
  const probes = await probeEndpoints(collectEndpoints(config), dialer, clock, {
    concurrency: config.health.concurrency,
    spreadMs: probeSpreadMs(config.health.intervalMs),
    signal: new AbortController().signal,
  });
  return Object.freeze({ probes, durationMs: clock.monotonic() - startedAt });
}
