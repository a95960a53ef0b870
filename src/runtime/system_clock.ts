import type { Clock } from "./runtime.ts";

/** The real wall clock and monotonic clock; both runtime adapters (and socket tests) use it. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
});
