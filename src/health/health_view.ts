/**
 * What the zone builder needs to know from health checking: whether one
 * endpoint (address and health port) currently counts as healthy.
 * Implementations are immutable values; a state change yields a new view.
 */
export interface HealthView {
  isHealthy(address: string, port: number): boolean;
}

/** A view in which every endpoint is healthy (tests, and before probing exists). */
export const ALL_HEALTHY: HealthView = Object.freeze({ isHealthy: () => true });
