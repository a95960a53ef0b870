import type { Clock, Dialer, DialResult } from "../runtime/runtime.ts";
import type { Endpoint } from "./collect_endpoints.ts";
import { delay } from "./delay.ts";

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
