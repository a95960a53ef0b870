/**
 * One-off health checks outside the monitor (`healthy-dns check`,
 * benchmarks): a single probe cycle, or rounds of them with the monitor's
 * rise/fall hysteresis between rounds.
 */
import type { Config } from "../config/config.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import { collectEndpoints } from "./endpoints.ts";
import { applyHysteresis, type EndpointTrack } from "./health_state.ts";
import { delay, type EndpointProbe, probeEndpoints, probeSpreadMs } from "./probes.ts";

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

/** Where a check stands after one round of probes. */
export interface CheckRound {
  /** 1 for the first round. */
  readonly number: number;
  /** When the round started, in milliseconds since the first one did. */
  readonly startMs: number;
  /** When the round's last probe was in, in milliseconds since the first round started. */
  readonly endMs: number;
  /** This round's probes: one per distinct endpoint, in config order. */
  readonly probes: readonly EndpointProbe[];
  /** Every endpoint's health after this round, by endpoint key, rise/fall applied. */
  readonly tracks: ReadonlyMap<string, EndpointTrack>;
}

/** How `runCheckRounds` repeats. */
export interface CheckRoundsOptions {
  /** The deadline in milliseconds after the first round started; null: one round only. */
  readonly waitMs: number | null;
  /** Least time between the starts of two rounds. */
  readonly everyMs: number;
  /** Called after every round; returning true ends the check (everything required passes). */
  readonly onRound: (round: CheckRound) => boolean;
}

/**
 * Probes every health-checked endpoint of `config` in rounds, each round
 * exactly one cycle of `serve` (`runCheckCycle`: the same probes, timeouts,
 * concurrency and spread), with `serve`'s hysteresis between rounds: an
 * endpoint's first result applies at once, later ones need `rise`
 * successes or `fall` failures in a row to change its health.
 *
 * Rounds start every `everyMs` (at once after one that ran longer) until
 * `onRound` says everything passes or the deadline: the last round starts at
 * the deadline at the latest, so a check waiting 10 s with a 30 s interval
 * probes at 0 s and at 10 s. A round that started runs to its end, so the
 * check ends at most one probe timeout after the deadline.
 *
 * @returns the last round.
 */
export async function runCheckRounds(
  config: Config,
  dialer: Dialer,
  clock: Clock,
  options: CheckRoundsOptions,
): Promise<CheckRound> {
  const origin = clock.monotonic();
  const elapsed = () => clock.monotonic() - origin;
  const { rise, fall } = config.health;
  const never = new AbortController().signal;
  let tracks: ReadonlyMap<string, EndpointTrack> = new Map();
  for (let number = 1;; number++) {
    const startMs = elapsed();
    const { probes } = await runCheckCycle(config, dialer, clock);
    const next = new Map(tracks);
    for (const { endpoint, result } of probes) {
      next.set(endpoint.key, applyHysteresis(next.get(endpoint.key), result.ok, rise, fall));
    }
    tracks = next;
    const round: CheckRound = Object.freeze({ number, startMs, endMs: elapsed(), probes, tracks });
    const passed = options.onRound(round);
    const { waitMs } = options;
    if (passed || waitMs === null || startMs >= waitMs || round.endMs >= waitMs) return round;
    const nextStartMs = Math.min(Math.max(startMs + options.everyMs, round.endMs), waitMs);
    const pause = nextStartMs - elapsed();
    if (pause > 0) await delay(pause, never);
  }
}
