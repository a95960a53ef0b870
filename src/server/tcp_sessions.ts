import type { TcpConfig } from "../config/config.ts";
import type { Metrics, TcpCloseReason } from "../observe/metrics.ts";
import type { RemoteAddress, TcpConnection, TcpHandlers } from "../runtime/runtime.ts";
import type { TransferStream } from "../transfer/transfer_messages.ts";
import { concatBytes } from "../wire/bytes.ts";
import { createTcpFramer, frameTcpMessage, type TcpFramer } from "./tcp_framer.ts";
import { tcpSourceKey } from "../wire/ip_address.ts";

/**
 * Queries answered per event-loop turn, over all TCP connections together.
 * Then the loop gets a turn (UDP datagrams, other connections) before TCP
 * continues, so a client pipelining as fast as it can cannot starve UDP.
 */
export const TCP_TURN_QUERIES = 64;

/** A connection that delivered a query this recently is never reclaimed for a newcomer. */
const RECLAIM_AFTER_MS = 1_000;

/**
 * What one zone transfer message costs of a turn's budget of
 * `TCP_TURN_QUERIES` answers: all of it. Packing and signing up to 64 KiB
 * takes milliseconds (HMAC in JavaScript), as long as a whole turn of
 * answers, so a turn makes one message, then UDP gets the loop again.
 */
export const TRANSFER_MESSAGE_COST = TCP_TURN_QUERIES;

/** TCP handlers shared by every listener, plus a way to drop every connection. */
export interface TcpSessions extends TcpHandlers {
  /** Open connections now. */
  readonly size: number;
  /** Checks every connection's deadlines now (the timer does this periodically). */
  sweep(): void;
  /** Closes every open connection (shutdown). */
  closeAll(): void;
}

/** What the sessions need besides the limits and the answerer. */
export interface TcpSessionsOptions {
  /** Read on every event, so a reload applies to new events at once. */
  readonly limits: () => TcpConfig;
  /**
   * The query handler: one response, a zone transfer's stream of messages,
   * or null to send nothing. Must not throw (nor may the stream).
   */
  readonly answer: (
    query: Uint8Array,
    from: RemoteAddress,
  ) => Uint8Array | TransferStream | null;
  readonly metrics: Metrics;
  /** Monotonic milliseconds. */
  readonly now: () => number;
  /** Runs `task` after the event loop has polled for I/O (Runtime.deferAfterIo). */
  readonly defer: (task: () => void) => void;
}

interface Session {
  readonly conn: TcpConnection;
  readonly framer: TcpFramer;
  /** Per-source key (IPv4 address, IPv6 /64): see tcp_source_key.ts. */
  readonly source: string;
  /** When the connection opened or last delivered a whole query. */
  progressAt: number;
  /** When the message now arriving began, or -1. */
  partialSince: number;
  /** When replies began waiting unsent (the peer not reading), or -1. */
  unsentSince: number;
  /** The zone transfer being sent: its messages are pulled as the peer reads. */
  stream: TransferStream | null;
  /** Waiting in the run queue for its next turn. */
  queued: boolean;
  paused: boolean;
  /** The peer has finished sending: close once its last complete query is answered. */
  peerDone: boolean;
}

/**
 * Creates the TCP side of the server (RFC 7766 §6), built so that no client
 * can take it down:
 * - queries up to 65,535 octets; pipelined ones answered in arrival order,
 *   at most `TCP_TURN_QUERIES` per event-loop turn over all connections, the
 *   rest of a connection's backlog waiting (its reading paused) for a later
 *   turn, connections taking turns;
 * - replies the peer does not read pile up to `maxUnsentBytes` at most: then
 *   the connection's queries wait and its reading pauses; if its replies stay
 *   unread for `ioTimeoutMs`, it is closed (`stalled`);
 * - minimum progress instead of an idle timer every byte resets: a query
 *   whose first octet has arrived must be complete within `ioTimeoutMs`
 *   (`slow_query`), and a connection with nothing in flight is closed
 *   `idleTimeoutMs` after it opened or delivered its last whole query (`idle`);
 * - at most `maxConnectionsPerSource` connections per source (IPv4 address,
 *   IPv6 /64) and `maxConnections` in all; when the global cap is reached a
 *   newcomer takes the slot of the connection that has gone longest without
 *   delivering a query (`reclaimed`), unless every one did within the last
 *   second, and is refused otherwise.
 * A zone transfer obeys the same rules: its messages are made one by one, in
 * turns (each costing `TRANSFER_MESSAGE_COST` of the budget), only while the
 * connection's unsent replies are below `maxUnsentBytes`, and the queries
 * pipelined behind it wait until its last message is out; a transfer whose
 * client stops reading is closed as `stalled` like any other connection.
 * Every closure is counted by reason in metrics.
 */
export function createTcpSessions(options: TcpSessionsOptions): TcpSessions {
  const { limits, answer, metrics, now, defer } = options;
  const sessions = new Map<TcpConnection, Session>();
  const perSource = new Map<string, number>();
  const runQueue: Session[] = [];
  let turnPending = false;
  let sweepTimer: ReturnType<typeof setInterval> | undefined;

  const end = (session: Session, reason: TcpCloseReason): void => {
    if (sessions.get(session.conn) !== session) return;
    sessions.delete(session.conn);
    const left = (perSource.get(session.source) ?? 1) - 1;
    if (left > 0) perSource.set(session.source, left);
    else perSource.delete(session.source);
    session.stream?.close();
    session.stream = null;
    metrics.countTcpClosed(reason);
    metrics.setTcpConnections(sessions.size);
    if (sessions.size === 0) {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
    }
    session.conn.close();
  };

  const sweep = (): void => {
    const { idleTimeoutMs, ioTimeoutMs } = limits();
    const at = now();
    for (const session of sessions.values()) {
      if (session.unsentSince >= 0 && at - session.unsentSince > ioTimeoutMs) {
        end(session, "stalled");
      } else if (session.partialSince >= 0 && at - session.partialSince > ioTimeoutMs) {
        end(session, "slow_query");
      } else if (
        session.partialSince < 0 && session.unsentSince < 0 && !session.queued &&
        session.stream === null && at - session.progressAt > idleTimeoutMs
      ) {
        end(session, "idle");
      }
    }
  };

  const startSweeping = (): void => {
    if (sweepTimer !== undefined) return;
    const { idleTimeoutMs, ioTimeoutMs } = limits();
    // A quarter of the shorter timeout: deadlines hold to within 25 %.
    const every = Math.max(25, Math.min(1_000, Math.min(idleTimeoutMs, ioTimeoutMs) / 4));
    sweepTimer = setInterval(sweep, every);
  };

  const enqueue = (session: Session): void => {
    if (!session.queued) {
      session.queued = true;
      runQueue.push(session);
    }
    if (!turnPending) {
      turnPending = true;
      defer(turn);
    }
  };

  /**
   * Answers up to `budget` of the session's waiting queries and, in a turn
   * (`inTurn`), sends the messages of its zone transfer, each costing
   * `TRANSFER_MESSAGE_COST`; returns how much of the budget it used.
   */
  const serve = (session: Session, budget: number, inTurn: boolean): number => {
    const { conn, framer } = session;
    const maxUnsent = limits().maxUnsentBytes;
    let used = 0;
    let answered = 0;
    const replies: Uint8Array[] = [];
    let replyBytes = 0;
    const send = (message: Uint8Array) => {
      const framed = frameTcpMessage(message);
      replies.push(framed);
      replyBytes += framed.length;
    };
    while (used < budget && conn.unsent + replyBytes < maxUnsent) {
      if (session.stream !== null) {
        // Made only in a turn, where the budget bounds the work, never in an I/O callback.
        if (!inTurn) break;
        const message = session.stream.next();
        if (message === null) session.stream = null;
        else {
          used += TRANSFER_MESSAGE_COST;
          send(message);
        }
        continue;
      }
      const query = framer.next();
      if (query === null) break;
      used++;
      answered++;
      const response = answer(query, conn.remote);
      if (response === null) continue;
      if (response instanceof Uint8Array) send(response);
      else session.stream = response; // its first message in a turn
    }
    const at = now();
    if (replies.length > 0) {
      // One write per turn: pipelined replies leave together.
      conn.write(replies.length === 1 ? replies[0] : concatBytes(...replies));
    }
    if (framer.broken) {
      end(session, "framing");
      return used;
    }
    // A transfer message sent counts as progress: a transfer being read is never reclaimed.
    if (used > 0) session.progressAt = at;
    if (!framer.partial) session.partialSince = -1;
    else if (answered > 0 || session.partialSince < 0) session.partialSince = at;
    if (conn.unsent > 0) {
      if (session.unsentSince < 0) session.unsentSince = at;
    } else {
      session.unsentSince = -1;
    }
    const backlog = framer.buffered > 0 && !framer.partial;
    const streaming = session.stream !== null;
    if (!backlog && !streaming && session.peerDone) {
      end(session, "client");
      return used;
    }
    // Reading pauses while whole queries wait (a query begun may still complete).
    if (backlog !== session.paused) {
      session.paused = backlog;
      if (backlog) conn.pause();
      else conn.resume();
    }
    // Replies unread: wait for drain. Budget spent or a transfer going on: the next turn.
    if ((backlog || streaming) && conn.unsent < maxUnsent) enqueue(session);
    return used;
  };

  /** One turn: the queued connections share the turn's budget, oldest in the queue first. */
  const turn = (): void => {
    turnPending = false;
    let budget = TCP_TURN_QUERIES;
    const waiting = runQueue.length;
    for (let i = 0; i < waiting && budget > 0; i++) {
      const session = runQueue.shift()!;
      session.queued = false;
      if (sessions.get(session.conn) !== session) continue;
      budget -= serve(session, Math.max(1, Math.floor(budget / (waiting - i))), true);
    }
    if (runQueue.length > 0 && !turnPending) {
      turnPending = true;
      defer(turn);
    }
  };

  /** The connection that has gone longest without delivering a query, if that is long enough. */
  const reclaimable = (at: number): Session | null => {
    let oldest: Session | null = null;
    for (const session of sessions.values()) {
      if (oldest === null || session.progressAt < oldest.progressAt) oldest = session;
    }
    return oldest !== null && at - oldest.progressAt >= RECLAIM_AFTER_MS ? oldest : null;
  };

  return {
    get size() {
      return sessions.size;
    },
    open(conn) {
      const { maxConnections, maxConnectionsPerSource } = limits();
      const source = tcpSourceKey(conn.remote.hostname);
      const fromSource = perSource.get(source) ?? 0;
      if (fromSource >= maxConnectionsPerSource) {
        metrics.countTcpClosed("source_limit");
        conn.close();
        return;
      }
      const at = now();
      if (sessions.size >= maxConnections) {
        const victim = reclaimable(at);
        if (victim === null) {
          metrics.countTcpClosed("connection_limit");
          conn.close();
          return;
        }
        end(victim, "reclaimed");
      }
      sessions.set(conn, {
        conn,
        framer: createTcpFramer(),
        source,
        progressAt: at,
        partialSince: -1,
        unsentSince: -1,
        stream: null,
        queued: false,
        paused: false,
        peerDone: false,
      });
      perSource.set(source, fromSource + 1);
      metrics.setTcpConnections(sessions.size);
      startSweeping();
    },
    data(conn, chunk) {
      const session = sessions.get(conn);
      if (session === undefined) return; // refused or already closed
      session.framer.push(chunk);
      // Queued connections wait their turn; others answer at once, within one turn's budget.
      if (session.queued) {
        if (!session.paused) {
          session.paused = true;
          conn.pause();
        }
        return;
      }
      serve(session, TCP_TURN_QUERIES, false);
    },
    drain(conn) {
      const session = sessions.get(conn);
      if (session === undefined) return;
      session.unsentSince = -1;
      if (!session.queued) serve(session, TCP_TURN_QUERIES, false);
    },
    end(conn) {
      const session = sessions.get(conn);
      if (session === undefined) return;
      session.peerDone = true;
      // Answer what is complete (a queued one finishes in its turn), then close.
      if (!session.queued) serve(session, TCP_TURN_QUERIES, false);
    },
    close(conn) {
      const session = sessions.get(conn);
      if (session !== undefined) end(session, "client");
      else conn.close();
    },
    sweep,
    closeAll() {
      for (const session of [...sessions.values()]) end(session, "shutdown");
      runQueue.length = 0;
    },
  };
}
