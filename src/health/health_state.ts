import type { HealthView } from "./health_view.ts";
import { endpointKey } from "./endpoint_key.ts";

/**
 * The published health of every probed endpoint: an immutable HealthView.
 * Endpoints not listed as healthy (never probed, failing, or unknown) are
 * unhealthy. Updates return a new object only when some endpoint's
 * healthy/unhealthy state changed, otherwise this same object, so consumers
 * can compare by identity to know whether served addresses changed.
 */
export class HealthState implements HealthView {
  /** No endpoint healthy: the state before the first cycle. */
  static readonly EMPTY: HealthState = new HealthState(new Set());

  readonly #healthy: ReadonlySet<string>;

  private constructor(healthy: ReadonlySet<string>) {
    this.#healthy = healthy;
    Object.freeze(this);
  }

  /** Whether the endpoint `address`:`port` currently counts as healthy. */
  isHealthy(address: string, port: number): boolean {
    return this.#healthy.has(endpointKey(address, port));
  }

  /** How many endpoints are healthy (for metrics). */
  get healthyCount(): number {
    return this.#healthy.size;
  }

  /**
   * Applies health by endpoint key (see `endpointKey`) and drops every
   * endpoint not in `keep` when given. Returns this object when the set of
   * healthy endpoints is unchanged (without copying it).
   */
  with(
    changes: Iterable<readonly [key: string, healthy: boolean]>,
    keep?: ReadonlySet<string>,
  ): HealthState {
    let next: Set<string> | null = null;
    for (const [key, healthy] of changes) {
      if (healthy === (next ?? this.#healthy).has(key)) continue;
      next ??= new Set(this.#healthy);
      if (healthy) next.add(key);
      else next.delete(key);
    }
    if (keep !== undefined) {
      for (const key of [...(next ?? this.#healthy)]) {
        if (keep.has(key)) continue;
        next ??= new Set(this.#healthy);
        next.delete(key);
      }
    }
    if (next === null || sameKeys(next, this.#healthy)) return this;
    return new HealthState(next);
  }
}

function sameKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a) if (!b.has(key)) return false;
  return true;
}
