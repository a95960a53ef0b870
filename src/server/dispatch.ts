/**
 * Dispatch: where every DNS query the sockets read goes. It routes the query
 * to the answer path (src/answer, pure) or, with a `transfer` config, to the
 * transfer path (AXFR, IXFR, TSIG-signed messages: src/transfer), and applies
 * once, for both, the step around them: the abuse guard (DNS cookies, UDP
 * response rate limiting) and the counting of every outcome.
 */
import {
  createRateLimiter,
  DROP,
  type RateLimiter,
  SEND,
  slipResponse,
} from "../rrl/rate_limiter.ts";
import {
  COOKIE_INVALID,
  COOKIE_NEW,
  COOKIE_NONE,
  COOKIE_VALID,
  createServerCookies,
  type ServerCookies,
} from "../cookies/server_cookies.ts";
import type { RateLimitConfig } from "../config/config.ts";
import type { Logger } from "../observe/logger.ts";
import type { Metrics } from "../observe/metrics.ts";
import type { Clock, RemoteAddress } from "../runtime/runtime.ts";
import type { TransferStream } from "../transfer/transfer_messages.ts";
import type { TransferService } from "../transfer/transfer_service.ts";
import { DNS, responseRcode, type Transport } from "../wire/constants.ts";
import type { ServerDeps, SnapshotTiming } from "./server_deps.ts";

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

/**
 * Answers one query from `from` with whatever snapshot is current: one
 * response, a zone transfer's stream of messages (TCP only), or null to send
 * nothing. Never throws.
 */
export type QueryDispatch = (
  query: Uint8Array,
  transport: Transport,
  from: RemoteAddress,
) => Uint8Array | TransferStream | null;

/** What `createDispatch` routes between. */
export interface DispatchOptions<S extends SnapshotTiming> {
  /** The snapshot serving now, or null before the first one. */
  readonly current: () => S | null;
  readonly answerQuery: ServerDeps<S>["answerQuery"];
  /** The transfer path, or absent: every query takes the answer path. */
  readonly transfer?: Pick<TransferService<S>, "wants" | "answer">;
  /** Read on every query, so a reload's new guard applies at once. */
  readonly guard?: () => QueryGuard;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

const COOKIE_RESULT = ["new", "invalid", "valid"] as const;

/**
 * Creates the dispatch. The answer path reads the current snapshot once per
 * query (so a rebuild swapping it mid-flight is harmless) and drops queries
 * that arrive before the first snapshot; the query's cookie is checked first
 * and the answer path only copies the resulting COOKIE option bytes. Then, on
 * either path, a UDP response is put to the rate limiter unless the client
 * showed a valid server cookie (forged TSIG records must not reflect
 * unlimited either): over the limit it is dropped, or on the answer path
 * slipped (as BADCOOKIE when the client sent a cookie, else TC=1). A transfer
 * stream is counted as one NOERROR response (its messages are made as the
 * client reads). An exception is a bug: the query is dropped and counted,
 * and logged only at the 1st, 10th, 100th… occurrence so garbage traffic
 * cannot flood the log.
 */
export function createDispatch<S extends SnapshotTiming>(
  options: DispatchOptions<S>,
): QueryDispatch {
  const { current, answerQuery, transfer, metrics, logger } = options;
  const guard = options.guard ?? (() => NO_GUARD);
  let errors = 0;
  let nextLogged = 1;

  return (query, transport, from) => {
    try {
      const transferred = transfer?.wants(query) === true;
      let response: Uint8Array | TransferStream | null;
      let cookie = COOKIE_NONE;
      const checks = guard();
      if (transferred) {
        response = transfer!.answer(query, transport, from);
        if (response !== null && !(response instanceof Uint8Array)) {
          metrics.countResponse(transport, DNS.RCODE_NOERROR);
          return response;
        }
      } else {
        const snapshot = current();
        if (snapshot === null) {
          metrics.countDropped(transport, "not_ready");
          return null;
        }
        // The cookie first; the answer path only copies the resulting option bytes.
        const { cookies, clock } = checks;
        if (cookies !== null) {
          cookie = cookies.check(query, from.hostname, Math.floor(clock.now() / 1000));
          if (cookie !== COOKIE_NONE) metrics.countCookie(COOKIE_RESULT[cookie - COOKIE_NEW]);
        }
        const option = cookie === COOKIE_NONE ? null : cookies!.option;
        response = answerQuery(query, snapshot, transport, option);
      }
      if (response === null || response.length < 4) {
        metrics.countDropped(transport, "unanswerable");
        return null;
      }
      const { limiter, clock } = checks;
      if (transport === "udp" && limiter !== null && cookie !== COOKIE_VALID) {
        const decision = limiter.decide(from.hostname, response, clock.monotonic());
        if (decision !== SEND) {
          const slipped = decision === DROP || transferred
            ? null
            : slipResponse(response, cookie === COOKIE_NEW || cookie === COOKIE_INVALID);
          metrics.countRateLimited(slipped !== null);
          if (slipped === null) {
            metrics.countDropped(transport, "rate_limited");
            return null;
          }
          response = slipped;
        }
      }
      metrics.countResponse(transport, responseRcode(response));
      return response;
    } catch (error) {
      metrics.countDropped(transport, "error");
      errors++;
      if (errors === nextLogged) {
        nextLogged *= 10;
        logger.error("query handler failed; query dropped", {
          transport,
          error: String(error),
          occurrences: errors,
        });
      }
      return null;
    }
  };
}
