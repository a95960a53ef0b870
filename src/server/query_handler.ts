import { DROP, SEND } from "../abuse/rate_limiter.ts";
import {
  COOKIE_INVALID,
  COOKIE_NEW,
  COOKIE_NONE,
  COOKIE_VALID,
} from "../abuse/server_cookies.ts";
import { slipResponse } from "../abuse/slip_response.ts";
import type { Logger } from "../observe/logger.ts";
import type { Metrics } from "../observe/metrics.ts";
import { NO_GUARD, type QueryGuard } from "./query_guard.ts";
import { responseRcode } from "../wire/response_rcode.ts";
import type { ServerDeps, SnapshotTiming, Transport } from "./server_deps.ts";

/** Answers one query from `source` (the client's address text) from whatever snapshot is current; never throws. */
export type QueryHandler = (
  query: Uint8Array,
  transport: Transport,
  source: string,
) => Uint8Array | null;

const COOKIE_RESULT = ["new", "invalid", "valid"] as const;

/**
 * Wraps `answerQuery` for the sockets: reads the current snapshot once per
 * query (so a rebuild swapping it mid-flight is harmless), drops queries that
 * arrive before the first snapshot, counts every outcome, and turns an
 * exception into a counted drop. An exception is a bug, so it is logged, but
 * only at the 1st, 10th, 100th… occurrence so garbage traffic cannot flood the log.
 *
 * Around the pure answer path it applies the guard: the query's cookie is
 * checked first and the answer path only copies the resulting COOKIE option
 * bytes; a UDP response is then put to the rate limiter unless the client
 * showed a valid server cookie, and dropped or slipped when over the limit
 * (slipped as BADCOOKIE when the client sent a cookie, else TC=1).
 */
export function createQueryHandler<S extends SnapshotTiming>(
  current: () => S | null,
  answerQuery: ServerDeps<S>["answerQuery"],
  metrics: Metrics,
  logger: Logger,
  guard: () => QueryGuard = () => NO_GUARD,
): QueryHandler {
  let errors = 0;
  let nextLogged = 1;
  return (query, transport, source) => {
    const snapshot = current();
    if (snapshot === null) {
      metrics.countDropped(transport, "not_ready");
      return null;
    }
    try {
      const { cookies, limiter, clock } = guard();
      let cookie = COOKIE_NONE;
      if (cookies !== null) {
        cookie = cookies.check(query, source, Math.floor(clock.now() / 1000));
        if (cookie !== COOKIE_NONE) metrics.countCookie(COOKIE_RESULT[cookie - COOKIE_NEW]);
      }
      let response = answerQuery(
        query,
        snapshot,
        transport,
        cookie === COOKIE_NONE ? null : cookies!.option,
      );
      if (response === null || response.length < 4) {
        metrics.countDropped(transport, "unanswerable");
        return null;
      }
      if (transport === "udp" && limiter !== null && cookie !== COOKIE_VALID) {
        const decision = limiter.decide(source, response, clock.monotonic());
        if (decision !== SEND) {
          const slipped = decision === DROP
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
