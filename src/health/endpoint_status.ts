import type { DialResult } from "../runtime/runtime.ts";

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
