/**
 * Probing: one TCP connect per endpoint, with bounded concurrency and starts
 * spread over a fraction of the check interval, and the abortable wait
 * between them.
 */
import type { Clock, Dialer, DialResult } from "../runtime/runtime.ts";
import type { Endpoint } from "./endpoints.ts";

/** One endpoint and the outcome of probing it once. */
export interface EndpointProbe {
  readonly endpoint: Endpoint;
  readonly result: DialResult;
}

/** How one cycle's probes are scheduled. */
export interface ProbeOptions {
  /** Most dials in flight at once (at least 1). */
  readonly concurrency: number;
  /** Probe i of n starts no earlier than `spreadMs * i / n` after the cycle starts. */
  readonly spreadMs: number;
  /** Aborting skips every probe not yet started; dials in flight run to their timeout. */
  readonly signal: AbortSignal;
  /** Called with each result as soon as it is in, so a refused backend need not wait for hanging ones. */
  readonly onProbe?: (probe: EndpointProbe) => void;
}

/**
 * Probes every endpoint once, concurrently, with at most `concurrency` dials
 * in flight and their starts spread evenly over `spreadMs`, so a cycle takes
 * about one timeout however many endpoints are dead (when concurrency allows).
 * Results come back in endpoint order; when aborted, only the probes that ran.
 * A dialer that throws counts as a failed probe with reason "error".
 */
export async function probeEndpoints(
  endpoints: readonly Endpoint[],
  dialer: Dialer,
  clock: Clock,
  options: ProbeOptions,
): Promise<readonly EndpointProbe[]> {
  const count = endpoints.length;
  const results: (EndpointProbe | undefined)[] = new Array(count);
  const startedAt = clock.monotonic();
  let next = 0;
  const worker = async () => {
    while (next < count && !options.signal.aborted) {
      const index = next++;
      const wait = startedAt + (options.spreadMs * index) / count - clock.monotonic();
      if (wait > 0) await delay(wait, options.signal);
      if (options.signal.aborted) return;
      const endpoint = endpoints[index];
      const probe = Object.freeze({ endpoint, result: await dialSafely(dialer, clock, endpoint) });
      results[index] = probe;
      options.onProbe?.(probe);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(options.concurrency), count));
  await Promise.all(Array.from({ length: workers }, worker));
  return Object.freeze(results.filter((probe): probe is EndpointProbe => probe !== undefined));
}

async function dialSafely(dialer: Dialer, clock: Clock, endpoint: Endpoint): Promise<DialResult> {
  const startedAt = clock.monotonic();
  try {
    return await dialer(endpoint.address, endpoint.port, endpoint.timeoutMs);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: "error", ms: clock.monotonic() - startedAt, detail };
  }
}

/** Upper bound of the spread, so long intervals still probe promptly. */
const MAX_SPREAD_MS = 250;
/** Share of the interval the starts of one cycle's probes are spread over. */
const SPREAD_SHARE = 0.1;

/**
 * How long the starts of one cycle's probes are spread over:
 * min(10% of the check interval, 250 ms). Spreading keeps thousands of
 * connects from leaving in the same millisecond (SYN bursts, ephemeral-port
 * and fd spikes) while adding at most 250 ms to failover.
 */
export function probeSpreadMs(intervalMs: number): number {
  return Math.min(intervalMs * SPREAD_SHARE, MAX_SPREAD_MS);
}

/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts; the timer
 * is cleared either way, so a stopped monitor leaves no timer keeping the
 * process alive. Never rejects.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      globalThis.clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = globalThis.setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
