import type { Config } from "../config/config.ts";
import type { Logger } from "../observe/logger.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import {
  collectEndpoints,
  type Endpoint,
  type EndpointStatus,
  type HealthObserver,
  NO_HEALTH_OBSERVER,
} from "./endpoints.ts";
import { applyHysteresis, type EndpointTrack, HealthState } from "./health_state.ts";
import { type EndpointProbe, probeEndpoints, probeSpreadMs } from "./probes.ts";

/** Receives each new health state after start-up; must not throw (errors are logged). */
export type HealthChangeListener = (state: HealthState) => void;

/**
 * Probes every health-checked endpoint of the config in cycles and publishes
 * a new `HealthState` whenever some endpoint turns healthy or unhealthy.
 *
 * - Cycles start at most every `health.intervalMs` and never overlap: a cycle
 *   that runs longer than the interval is followed at once by the next.
 * - Within a cycle, at most `health.concurrency` probes are in flight and their
 *   starts are spread over `probeSpreadMs(intervalMs)`; healthy endpoints are
 *   probed first.
 * - Each result applies as soon as it is in (a refused backend leaves the
 *   answers without waiting for the cycle's hanging probes). An endpoint's
 *   first result applies at once; later ones go through rise/fall hysteresis
 *   (`applyHysteresis`).
 * - Every state change is logged once, on one line.
 */
export class HealthMonitor {
  readonly #dialer: Dialer;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #onChange: HealthChangeListener;
  readonly #abort = new AbortController();
  readonly #tracks = new Map<string, EndpointTrack>();
  /** Per endpoint key: what /status shows beyond the track (updated in place, no allocation per probe). */
  readonly #details = new Map<string, ProbeDetail>();
  readonly #observer: HealthObserver;
  #config: Config;
  #endpoints: ReadonlyMap<string, Endpoint>;
  #state: HealthState = HealthState.EMPTY;
  #started = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cycle: Promise<void> = Promise.resolve();
  #cycleDurationMs: number | null = null;
  /** A config change added endpoints: run the next cycle without waiting for the interval. */
  #hurry = false;
  /** Flips not yet published, by endpoint key; see `#apply`. */
  readonly #pending = new Map<string, boolean>();
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Probes applied and state flips in the running cycle, for its debug summary. */
  #cycleProbed = 0;
  #cycleChanged = 0;

  /**
   * @param onChange called with each new state (one endpoint flipped) once
   *   the first cycle is over; the first cycle's state is what `start()`
   *   resolves to, not a change.
   */
  constructor(
    config: Config,
    dialer: Dialer,
    clock: Clock,
    logger: Logger,
    onChange: HealthChangeListener,
    observer: HealthObserver = NO_HEALTH_OBSERVER,
  ) {
    this.#config = config;
    this.#endpoints = byKey(collectEndpoints(config));
    this.#observer = observer;
    this.#dialer = dialer;
    this.#clock = clock;
    this.#logger = logger;
    this.#onChange = onChange;
    this.#addDetails();
  }

  /** Every configured endpoint's state and last probe, in config order (builds new objects: not for the query path). */
  endpointStatus(): readonly EndpointStatus[] {
    return [...this.#endpoints.values()].map((endpoint) => {
      const track = this.#tracks.get(endpoint.key);
      const detail = this.#details.get(endpoint.key) ?? newDetail(this.#clock.now());
      return Object.freeze({
        address: endpoint.address,
        port: endpoint.port,
        state: track === undefined ? "unknown" : track.healthy ? "healthy" : "unhealthy",
        since: detail.since,
        lastProbe: detail.lastProbe,
        lastProbeAt: detail.lastProbeAt,
        successes: detail.successes,
        failures: detail.failures,
      });
    });
  }

  /** Starts a detail record for every endpoint that has none (since = now), drops the others. */
  #addDetails(): void {
    const now = this.#clock.now();
    for (const key of this.#details.keys()) {
      if (!this.#endpoints.has(key)) this.#details.delete(key);
    }
    for (const key of this.#endpoints.keys()) {
      if (!this.#details.has(key)) this.#details.set(key, newDetail(now));
    }
  }

  /** The current health state (the same object until something changes). */
  get state(): HealthState {
    return this.#state;
  }

  /** How long the last completed cycle took in milliseconds, or null before the first. */
  get cycleDurationMs(): number | null {
    return this.#cycleDurationMs;
  }

  /** How many distinct endpoints are being probed. */
  get endpointCount(): number {
    return this.#endpoints.size;
  }

  /**
   * Runs the first cycle, resolves with its state (serve from it; report
   * ready only then), and schedules the following cycles. Call once.
   */
  async start(): Promise<HealthState> {
    if (this.#started) throw new Error("HealthMonitor.start: already started");
    this.#started = true;
    this.#cycle = this.#runCycle(false);
    await this.#cycle;
    return this.#state;
  }

  /**
   * Switches to a new config: endpoints no longer listed stop being probed
   * and leave the state; endpoints kept keep their state and hysteresis.
   * New endpoints are unhealthy until their first probe, so when there are
   * any the next cycle starts at once (or as soon as the running one ends)
   * instead of after the interval. Other settings apply from the next cycle.
   * Returns the state to build the new zone with (no `onChange` call for it).
   */
  updateConfig(config: Config): HealthState {
    this.#config = config;
    this.#endpoints = byKey(collectEndpoints(config));
    for (const key of this.#tracks.keys()) if (!this.#endpoints.has(key)) this.#tracks.delete(key);
    this.#addDetails();
    for (const key of this.#pending.keys()) {
      if (!this.#endpoints.has(key)) this.#pending.delete(key);
    }
    this.#state = this.#state.with([], new Set(this.#endpoints.keys()));
    if (this.#started && [...this.#endpoints.keys()].some((key) => !this.#tracks.has(key))) {
      this.#hurry = true;
      if (this.#timer !== undefined) this.#schedule(0);
    }
    return this.#state;
  }

  /**
   * Stops probing: cancels the timer and every probe not yet started, then
   * waits for dials in flight (each ends within its timeout) so no probe
   * socket outlives the returned promise.
   */
  async stop(): Promise<void> {
    this.#abort.abort();
    globalThis.clearTimeout(this.#timer);
    this.#timer = undefined;
    globalThis.clearTimeout(this.#flushTimer);
    await this.#cycle;
  }

  async #runCycle(notify: boolean): Promise<void> {
    const startedAt = this.#clock.monotonic();
    this.#hurry = false;
    this.#cycleProbed = 0;
    this.#cycleChanged = 0;
    try {
      const { concurrency, intervalMs } = this.#config.health;
      await probeEndpoints(this.#probeOrder(), this.#dialer, this.#clock, {
        concurrency,
        spreadMs: probeSpreadMs(intervalMs),
        signal: this.#abort.signal,
        onProbe: (probe) => this.#apply(probe, notify),
      });
      if (this.#abort.signal.aborted) return;
      this.#publish(notify);
      this.#cycleDurationMs = this.#clock.monotonic() - startedAt;
      this.#logger.debug("health check cycle", {
        ms: Math.round(this.#cycleDurationMs),
        probed: this.#cycleProbed,
        healthy: this.#state.healthyCount,
        changed: this.#cycleChanged,
      });
    } catch (error) {
      this.#logger.error("health check cycle failed", { error: String(error) });
    }
    this.#schedule(startedAt);
  }

  /**
   * Healthy endpoints first, then the rest, each group in config order: dead
   * endpoints that hang until their timeout then cannot hold every probe slot
   * while a serving backend waits to be found down.
   */
  #probeOrder(): Endpoint[] {
    const endpoints = [...this.#endpoints.values()];
    const healthy = endpoints.filter((endpoint) =>
      this.#tracks.get(endpoint.key)?.healthy === true
    );
    const others = endpoints.filter((endpoint) => this.#tracks.get(endpoint.key)?.healthy !== true);
    return [...healthy, ...others];
  }

  #schedule(lastStart: number): void {
    if (this.#abort.signal.aborted) return;
    globalThis.clearTimeout(this.#timer);
    const due = lastStart + this.#config.health.intervalMs - this.#clock.monotonic();
    const wait = this.#hurry ? 0 : Math.max(0, due);
    this.#timer = globalThis.setTimeout(() => {
      this.#timer = undefined;
      this.#cycle = this.#runCycle(true);
    }, wait);
  }

  /**
   * Applies one probe result as soon as it is in. A flip is published on the
   * next turn of the event loop (or at the end of the cycle), together with
   * every other flip that arrived meanwhile: thousands of endpoints going
   * down at once make a few new states, not thousands.
   */
  #apply({ endpoint: probed, result }: EndpointProbe, notify: boolean): void {
    // The config may have changed during the cycle, or the monitor stopped: drop stale results.
    const endpoint = this.#endpoints.get(probed.key);
    if (endpoint === undefined || this.#abort.signal.aborted) return;
    const { rise, fall } = this.#config.health;
    const before = this.#tracks.get(endpoint.key);
    const after = applyHysteresis(before, result.ok, rise, fall);
    this.#tracks.set(endpoint.key, after);
    this.#cycleProbed++;
    this.#observer.observeProbe(result);
    const now = this.#clock.now();
    const detail = this.#details.get(endpoint.key);
    if (detail !== undefined) {
      detail.lastProbe = result;
      detail.lastProbeAt = now;
      detail.successes = result.ok ? detail.successes + 1 : 0;
      detail.failures = result.ok ? 0 : detail.failures + 1;
      if (before === undefined || before.healthy !== after.healthy) detail.since = now;
    }
    if (before !== undefined && before.healthy === after.healthy) return;
    this.#cycleChanged++;
    if (before !== undefined) this.#observer.countStateChange(after.healthy);
    const fields = {
      names: endpoint.names.join(","),
      address: endpoint.address,
      port: endpoint.port,
      old: before === undefined ? "unknown" : before.healthy ? "healthy" : "unhealthy",
      new: after.healthy ? "healthy" : "unhealthy",
      reason: result.ok ? undefined : result.reason,
      detail: result.ok ? undefined : result.detail,
      ms: Math.round(result.ms),
    };
    if (after.healthy) this.#logger.info("health state changed", fields);
    else this.#logger.warning("health state changed", fields);
    this.#pending.set(endpoint.key, after.healthy);
    this.#flushTimer ??= globalThis.setTimeout(() => this.#publish(notify), 0);
  }

  /** Publishes pending flips as one new state (calling `onChange` when `notify`). */
  #publish(notify: boolean): void {
    globalThis.clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const previous = this.#state;
    this.#state = previous.with(this.#pending);
    this.#pending.clear();
    if (!notify || this.#state === previous) return;
    try {
      this.#onChange(this.#state);
    } catch (error) {
      this.#logger.error("health change listener failed", { error: String(error) });
    }
  }
}

/** The mutable per-endpoint record behind `EndpointStatus`. */
interface ProbeDetail {
  since: number;
  lastProbe: EndpointStatus["lastProbe"];
  lastProbeAt: number | null;
  successes: number;
  failures: number;
}

function newDetail(since: number): ProbeDetail {
  return { since, lastProbe: null, lastProbeAt: null, successes: 0, failures: 0 };
}

function byKey(endpoints: readonly Endpoint[]): ReadonlyMap<string, Endpoint> {
  return new Map(endpoints.map((endpoint) => [endpoint.key, endpoint]));
}
