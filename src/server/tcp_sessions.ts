import type { TcpConfig } from "../config/config.ts";
import type { Metrics } from "../observe/metrics.ts";
import type { RemoteAddress, TcpConnection, TcpHandlers } from "../runtime/runtime.ts";
import { createTcpFramer, frameTcpMessage, type TcpFramer } from "./tcp_framer.ts";

/**
 * Longest TCP query accepted. A question plus an OPT record with options fits
 * easily; anything longer is not a query we would answer, and the limit bounds
 * what one connection can make us buffer.
 */
export const MAX_TCP_QUERY_BYTES = 4096;

/**
 * Idle limit after a zone transfer was queued: the secondary is still
 * reading it, which the idle timer (reset only by incoming bytes) cannot see.
 */
const TRANSFER_IDLE_MS = 120_000;

/** TCP handlers shared by every listener, plus a way to drop every connection. */
export interface TcpSessions extends TcpHandlers {
  /** Open connections now. */
  readonly size: number;
  /** Closes every open connection (shutdown). */
  closeAll(): void;
}

interface Session {
  readonly framer: TcpFramer;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Creates the TCP side of the server (RFC 7766): each complete message is
 * answered as soon as it arrives, so pipelined queries never wait on one
 * another; a connection idle for `limits().idleTimeoutMs` is closed; a
 * connection beyond `limits().maxConnections` is closed at once. Nothing here
 * waits on a client, so a stalled client holds only its own partial buffer.
 *
 * @param limits read on every event, so a reload applies to new events at once.
 * @param answer the query handler: one response, several (a zone transfer),
 *   or null to send nothing. Must not throw.
 */
export function createTcpSessions(
  limits: () => TcpConfig,
  answer: (query: Uint8Array, from: RemoteAddress) => Uint8Array | readonly Uint8Array[] | null,
  metrics: Metrics,
): TcpSessions {
  const sessions = new Map<TcpConnection, Session>();

  const end = (conn: TcpConnection) => {
    const session = sessions.get(conn);
    if (session !== undefined) {
      clearTimeout(session.timer);
      sessions.delete(conn);
      metrics.setTcpConnections(sessions.size);
    }
    conn.close();
  };
  const idleTimer = (conn: TcpConnection, ms = limits().idleTimeoutMs) =>
    setTimeout(() => end(conn), ms);

  return {
    get size() {
      return sessions.size;
    },
    open(conn) {
      if (sessions.size >= limits().maxConnections) {
        metrics.countTcpRejected();
        conn.close();
        return;
      }
      sessions.set(conn, { framer: createTcpFramer(MAX_TCP_QUERY_BYTES), timer: idleTimer(conn) });
      metrics.setTcpConnections(sessions.size);
    },
    data(conn, chunk) {
      const session = sessions.get(conn);
      if (session === undefined) return; // rejected or already closed
      clearTimeout(session.timer);
      session.timer = idleTimer(conn);
      const { messages, close } = session.framer.push(chunk);
      for (const message of messages) {
        const response = answer(message, conn.remote);
        if (response === null) continue;
        if (response instanceof Uint8Array) {
          conn.write(frameTcpMessage(response));
          continue;
        }
        for (const part of response) conn.write(frameTcpMessage(part));
        clearTimeout(session.timer);
        session.timer = idleTimer(conn, Math.max(limits().idleTimeoutMs, TRANSFER_IDLE_MS));
      }
      if (close) end(conn);
    },
    close(conn) {
      end(conn);
    },
    closeAll() {
      for (const conn of [...sessions.keys()]) end(conn);
    },
  };
}
