import type { Logger } from "../observe/logger.ts";
import type { Metrics } from "../observe/metrics.ts";
import type { ServerDeps, SnapshotTiming, Transport } from "./server_deps.ts";

/** Answers one query from whatever snapshot is current; never throws. */
export type QueryHandler = (query: Uint8Array, transport: Transport) => Uint8Array | null;

/**
 * Wraps `answerQuery` for the sockets: reads the current snapshot once per
 * query (so a rebuild swapping it mid-flight is harmless), drops queries that
 * arrive before the first snapshot, counts every outcome, and turns an
 * exception into a counted drop. An exception is a bug, so it is logged, but
 * only at the 1st, 10th, 100th… occurrence so garbage traffic cannot flood the log.
 */
export function createQueryHandler<S extends SnapshotTiming>(
  current: () => S | null,
  answerQuery: ServerDeps<S>["answerQuery"],
  metrics: Metrics,
  logger: Logger,
): QueryHandler {
  let errors = 0;
  let nextLogged = 1;
  return (query, transport) => {
    const snapshot = current();
    if (snapshot === null) {
      metrics.countDropped(transport, "not_ready");
      return null;
    }
    try {
      const response = answerQuery(query, snapshot, transport);
      if (response === null || response.length < 4) {
        metrics.countDropped(transport, "unanswerable");
        return null;
      }
      metrics.countResponse(transport, response[3] & 0x0f);
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
