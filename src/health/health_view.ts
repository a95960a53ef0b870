/**
 * What the zone builder needs to know from health checking: whether one
 * endpoint (address and health port) currently counts as healthy.
 * Implementations are immutable values; a state change yields a new view.
 */
export interface HealthView {
  isHealthy(address: string, port: number): boolean;
  /**
   * Optional: the endpoint keys (`endpointKey`) whose health may differ
   * between `older` and this view (a superset is fine), or null when this
   * view cannot tell cheaply. Lets the builder re-derive only the names
   * those endpoints serve instead of comparing every endpoint.
   */
  changedSince?(older: HealthView): Iterable<string> | null;
}

/** A view in which every endpoint is healthy (tests, and before probing exists). */
export const ALL_HEALTHY: HealthView = Object.freeze({ isHealthy: () => true });
