import type { Config } from "../config/config.ts";
import { collectEndpoints } from "../health/endpoints.ts";
import type { HealthView } from "../health/health_state.ts";

/** Healthy and unhealthy health-checked endpoints (address and port, each once). */
export interface EndpointCounts {
  readonly healthy: number;
  readonly unhealthy: number;
}

/** Counts the config's probed endpoints by their state in `view` (for metrics). */
export function countEndpoints(config: Config, view: HealthView): EndpointCounts {
  let healthy = 0;
  const endpoints = collectEndpoints(config);
  for (const { address, port } of endpoints) if (view.isHealthy(address, port)) healthy++;
  return Object.freeze({ healthy, unhealthy: endpoints.length - healthy });
}
