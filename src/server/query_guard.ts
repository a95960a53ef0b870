import { createRateLimiter, type RateLimiter } from "../abuse/rate_limiter.ts";
import { createServerCookies, type ServerCookies } from "../abuse/server_cookies.ts";
import type { RateLimitConfig } from "../config/config.ts";
import type { Clock } from "../runtime/runtime.ts";

/** The abuse defences in force; replaced as a whole when a reload changes them. */
export interface QueryGuard {
  /** DNS cookies (RFC 7873), or null: none sent, none checked. */
  readonly cookies: ServerCookies | null;
  /** UDP response rate limiting, or null: off. */
  readonly limiter: RateLimiter | null;
  /** The settings `limiter` was made for (to keep its buckets across a reload that keeps them). */
  readonly rateLimit: RateLimitConfig | null;
  /** Wall clock for cookie timestamps, monotonic clock for rate buckets. */
  readonly clock: Clock;
}

/** No cookies, no rate limiting: the guard of tests that do not care. */
export const NO_GUARD: QueryGuard = Object.freeze({
  cookies: null,
  limiter: null,
  rateLimit: null,
  clock: Object.freeze({ now: () => 0, monotonic: () => 0 }),
});

/**
 * The guard for these settings and cookie secrets. The rate limiter of
 * `previous` is kept when the rate-limit settings did not change, so a
 * reload does not hand an ongoing flood a fresh second of credit.
 */
export function createQueryGuard(
  rateLimit: RateLimitConfig,
  secrets: readonly Uint8Array[],
  clock: Clock,
  previous: QueryGuard = NO_GUARD,
): QueryGuard {
  const same = previous.rateLimit !== null &&
    JSON.stringify(previous.rateLimit) === JSON.stringify(rateLimit);
  return {
    cookies: createServerCookies(secrets),
    limiter: same
      ? previous.limiter
      : rateLimit.responsesPerSecond > 0
      ? createRateLimiter(rateLimit)
      : null,
    rateLimit,
    clock,
  };
}
