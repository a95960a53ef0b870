/**
 * The published health of the probed endpoints: the view the zone builder
 * reads, the immutable state behind it, and the rise/fall hysteresis that
 * decides when one endpoint's health flips.
 */
import { endpointKey } from "./endpoints.ts";

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

/** Where one endpoint stands: its health and how many recent probes disagree with it. */
export interface EndpointTrack {
  readonly healthy: boolean;
  /** Consecutive probe results contrary to `healthy` (successes while unhealthy, failures while healthy). */
  readonly contrary: number;
}

/** The two tracks with no contrary result, shared by every endpoint in them (most, most of the time). */
const SETTLED = [
  Object.freeze({ healthy: false, contrary: 0 }),
  Object.freeze({ healthy: true, contrary: 0 }),
] as const;

/**
 * Advances one endpoint's track by one probe result. An endpoint turns
 * healthy after `rise` consecutive successes and unhealthy after `fall`
 * consecutive failures. An endpoint never probed before (`track` undefined)
 * takes its first result at once, whatever rise and fall say, so a healthy
 * backend is served right after start-up (or right after being added).
 * Returns the same object when nothing changed; settled tracks are shared
 * constants, so 100,000 steady endpoints cost no object each.
 */
export function applyHysteresis(
  track: EndpointTrack | undefined,
  ok: boolean,
  rise: number,
  fall: number,
): EndpointTrack {
  if (track === undefined) return SETTLED[ok ? 1 : 0];
  if (ok === track.healthy) return track.contrary === 0 ? track : SETTLED[ok ? 1 : 0];
  const contrary = track.contrary + 1;
  if (contrary >= (track.healthy ? fall : rise)) return SETTLED[ok ? 1 : 0];
  return Object.freeze({ healthy: track.healthy, contrary });
}

/**
 * The published health of every probed endpoint: an immutable HealthView.
 * Endpoints not listed as healthy (never probed, failing, or unknown) are
 * unhealthy. Updates return a new object only when some endpoint's
 * healthy/unhealthy state changed, otherwise this same object, so consumers
 * can compare by identity to know whether served addresses changed.
 *
 * Storage is shared between versions: a base set of healthy endpoints plus a
 * small map of the endpoints flipped since. A flip copies that map, not the
 * set, and once it outgrows an eighth of the base it is folded into a new
 * base. Two states with the same base also tell cheaply which endpoints
 * differ between them (`changedSince`).
 */
export class HealthState implements HealthView {
  /** No endpoint healthy: the state before the first cycle. */
  static readonly EMPTY: HealthState = new HealthState(new Set(), new Map(), 0);

  /** Healthy endpoint keys as of the last fold. */
  readonly #base: ReadonlySet<string>;
  /** Endpoint keys whose health differs from `#base`, and their health now. */
  readonly #flips: ReadonlyMap<string, boolean>;
  readonly #count: number;

  private constructor(
    base: ReadonlySet<string>,
    flips: ReadonlyMap<string, boolean>,
    count: number,
  ) {
    this.#base = base;
    this.#flips = flips;
    this.#count = count;
    Object.freeze(this);
  }

  /** Whether the endpoint `address`:`port` currently counts as healthy. */
  isHealthy(address: string, port: number): boolean {
    return this.#has(endpointKey(address, port), this.#flips);
  }

  /** How many endpoints are healthy (for metrics). */
  get healthyCount(): number {
    return this.#count;
  }

  /**
   * The endpoint keys flipped between `older` and this state when both
   * share a base (a superset: the keys either flipped since that base);
   * null otherwise.
   */
  changedSince(older: HealthView): Iterable<string> | null {
    if (!(older instanceof HealthState) || older.#base !== this.#base) return null;
    if (older.#flips.size === 0) return this.#flips.keys();
    return new Set([...older.#flips.keys(), ...this.#flips.keys()]);
  }

  /**
   * Applies health by endpoint key (see `endpointKey`) and drops every
   * endpoint not in `keep` when given. Returns this object when the set of
   * healthy endpoints is unchanged.
   */
  with(
    changes: Iterable<readonly [key: string, healthy: boolean]>,
    keep?: ReadonlySet<string>,
  ): HealthState {
    let flips: Map<string, boolean> | null = null;
    let count = this.#count;
    const apply = (key: string, healthy: boolean) => {
      if (healthy === this.#has(key, flips ?? this.#flips)) return;
      flips ??= new Map(this.#flips);
      count += healthy ? 1 : -1;
      if (healthy === this.#base.has(key)) flips.delete(key);
      else flips.set(key, healthy);
    };
    for (const [key, healthy] of changes) apply(key, healthy);
    if (keep !== undefined) {
      const healthy = [...this.#base, ...this.#flips.keys()];
      for (const key of healthy) if (!keep.has(key)) apply(key, false);
    }
    if (flips === null || this.#sameFlips(flips)) return this;
    if ((flips as Map<string, boolean>).size <= 64 + (this.#base.size >> 3)) {
      return new HealthState(this.#base, flips, count);
    }
    const base = new Set(this.#base);
    for (const [key, healthy] of flips as Map<string, boolean>) {
      if (healthy) base.add(key);
      else base.delete(key);
    }
    return new HealthState(base, new Map(), count);
  }

  #has(key: string, flips: ReadonlyMap<string, boolean>): boolean {
    const flipped = flips.get(key);
    return flipped === undefined ? this.#base.has(key) : flipped;
  }

  #sameFlips(flips: ReadonlyMap<string, boolean>): boolean {
    if (flips.size !== this.#flips.size) return false;
    for (const [key, healthy] of flips) if (this.#flips.get(key) !== healthy) return false;
    return true;
  }
}
