import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "../../src/observe/metrics.ts";
import type { TcpConfig } from "../../src/config/config.ts";
import type { TcpConnection } from "../../src/runtime/runtime.ts";
import { createTcpSessions, TCP_TURN_QUERIES, TRANSFER_MESSAGE_COST } from "../../src/server/tcp_sessions.ts";
import type { TransferStream } from "../../src/transfer/transfer_messages.ts";

const LIMITS: TcpConfig = {
  idleTimeoutMs: 10_000,
  ioTimeoutMs: 3_000,
  maxConnections: 10,
  maxConnectionsPerSource: 10,
  maxUnsentBytes: 1_000,
};

/** A connection that records what the sessions do to it; `unsent` is up to the test. */
function fakeConnection(port: number, hostname = "127.0.0.1") {
  /** With `hold`, writes stay unsent (the kernel's buffer is full). */
  const state = { written: [] as number[][], closed: 0, paused: false, unsent: 0, hold: false };
  const conn: TcpConnection = {
    remote: { hostname, port },
    get unsent() {
      return state.unsent;
    },
    write: (data) => {
      state.written.push([...data]);
      if (state.hold) state.unsent += data.length;
    },
    pause: () => void (state.paused = true),
    resume: () => void (state.paused = false),
    close: () => void state.closed++,
  };
  return { conn, state };
}

const echo = (query: Uint8Array) => query.map((b) => b + 1);

/** `count` pipelined one-octet queries 1, 2, … each framed. */
const pipelined = (count: number) =>
  new Uint8Array(Array.from({ length: count }, (_, i) => [0, 1, i & 0xff]).flat());

/** Sessions on a hand-driven clock and event loop: `turn()` runs the deferred tasks once. */
function sessions(
  limits: Partial<TcpConfig> = {},
  answer: (query: Uint8Array) => Uint8Array | TransferStream | null = echo,
) {
  const metrics = createMetrics();
  const clock = { now: 0 };
  let tasks: (() => void)[] = [];
  const tcp = createTcpSessions({
    limits: () => ({ ...LIMITS, ...limits }),
    answer,
    metrics,
    now: () => clock.now,
    defer: (task) => void tasks.push(task),
  });
  const turn = () => {
    const run = tasks;
    tasks = [];
    for (const task of run) task();
    return run.length;
  };
  const closed = (reason: string) =>
    Number(
      metrics.render().match(
        new RegExp(`^healthy_dns_tcp_closed_total\\{reason="${reason}"\\} (\\d+)$`, "m"),
      )?.[1],
    );
  return { tcp, metrics, clock, turn, closed };
}

describe("createTcpSessions", () => {
  test("answers pipelined messages in order, framed, in one write", () => {
    const { tcp } = sessions();
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, new Uint8Array([0, 1, 10, 0, 2, 20, 21, 0]));
    assert.deepEqual(a.state.written, [[0, 1, 11, 0, 2, 21, 22]]);
    tcp.data(a.conn, new Uint8Array([1, 30]));
    assert.deepEqual(a.state.written[1], [0, 1, 31]);
    tcp.closeAll();
  });

  test("null from the answerer sends nothing", () => {
    const { tcp } = sessions({}, () => null);
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, new Uint8Array([0, 1, 10]));
    assert.deepEqual(a.state.written, []);
    tcp.closeAll();
  });

  test("a zero-length prefix closes the connection (framing); 65,535 octets are answered", () => {
    const { tcp, closed } = sessions({ maxUnsentBytes: 200_000 });
    const a = fakeConnection(1);
    const b = fakeConnection(2);
    tcp.open(a.conn);
    tcp.open(b.conn);
    tcp.data(a.conn, new Uint8Array([0, 0]));
    assert.equal(a.state.closed, 1);
    assert.equal(closed("framing"), 1);
    const big = new Uint8Array(2 + 65_535);
    big[0] = big[1] = 0xff;
    tcp.data(b.conn, big);
    assert.equal(b.state.closed, 0);
    assert.equal(b.state.written[0].length, 2 + 65_535);
    tcp.closeAll();
  });

  test("at most one turn's budget is answered per event; the rest waits its turn, reading paused", () => {
    const { tcp, turn } = sessions({ maxUnsentBytes: 1_000_000 });
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, pipelined(TCP_TURN_QUERIES * 2 + 5));
    const answered = () => a.state.written.reduce((n, w) => n + w.length / 3, 0);
    assert.equal(answered(), TCP_TURN_QUERIES);
    assert.equal(a.state.paused, true, "no more reading while a backlog waits");
    assert.equal(turn(), 1);
    assert.equal(answered(), TCP_TURN_QUERIES * 2);
    turn();
    assert.equal(answered(), TCP_TURN_QUERIES * 2 + 5);
    assert.equal(a.state.paused, false, "reading again once the backlog is answered");
    assert.equal(turn(), 0, "nothing left to do");
    tcp.closeAll();
  });

  test("connections with a backlog share each turn", () => {
    const { tcp, turn } = sessions({ maxUnsentBytes: 1_000_000 });
    const a = fakeConnection(1);
    const b = fakeConnection(2);
    tcp.open(a.conn);
    tcp.open(b.conn);
    tcp.data(a.conn, pipelined(TCP_TURN_QUERIES * 3));
    tcp.data(b.conn, pipelined(TCP_TURN_QUERIES * 3));
    const answered = (c: typeof a) => c.state.written.reduce((n, w) => n + w.length / 3, 0);
    turn();
    assert.equal(answered(a) + answered(b), TCP_TURN_QUERIES * 3, "two events, one turn");
    assert.equal(answered(a), TCP_TURN_QUERIES * 1.5);
    assert.equal(answered(b), TCP_TURN_QUERIES * 1.5);
    tcp.closeAll();
  });

  test("unread replies: queries wait once maxUnsentBytes is queued, go on after drain", () => {
    const { tcp, turn } = sessions({ maxUnsentBytes: 30 });
    const a = fakeConnection(1);
    tcp.open(a.conn);
    a.state.unsent = 25;
    a.state.hold = true;
    tcp.data(a.conn, pipelined(10));
    assert.equal(a.state.written[0].length, 2 * 3, "5 octets of room: two replies");
    assert.equal(turn(), 0, "not queued for a turn: waiting for drain");
    assert.equal(a.state.paused, true);
    a.state.unsent = 0;
    a.state.hold = false;
    tcp.drain(a.conn);
    assert.equal(a.state.written[1].length, 8 * 3, "the rest after drain");
    assert.equal(a.state.paused, false);
    tcp.closeAll();
  });

  test("replies unread for ioTimeoutMs: closed as stalled", () => {
    const { tcp, clock, closed } = sessions({ ioTimeoutMs: 3_000 });
    const a = fakeConnection(1);
    tcp.open(a.conn);
    a.state.unsent = 5_000;
    tcp.data(a.conn, pipelined(1));
    clock.now = 3_000;
    tcp.sweep();
    assert.equal(a.state.closed, 0, "not before the timeout");
    clock.now = 3_001;
    tcp.sweep();
    assert.equal(a.state.closed, 1);
    assert.equal(closed("stalled"), 1);
  });

  test("minimum progress: a query begun must be complete within ioTimeoutMs, whatever trickles in", () => {
    const { tcp, clock, closed } = sessions({ ioTimeoutMs: 3_000, idleTimeoutMs: 10_000 });
    const loris = fakeConnection(1);
    const steady = fakeConnection(2);
    tcp.open(loris.conn);
    tcp.open(steady.conn);
    tcp.data(loris.conn, new Uint8Array([0, 100])); // a 100-octet query announced
    for (let t = 500; t <= 3_500; t += 500) {
      clock.now = t;
      tcp.data(loris.conn, new Uint8Array([1])); // one octet every 0.5 s never completes
      tcp.data(steady.conn, pipelined(1)); // a whole query every 0.5 s
      tcp.sweep();
    }
    assert.equal(loris.state.closed, 1);
    assert.equal(closed("slow_query"), 1);
    assert.equal(steady.state.closed, 0, "a connection delivering whole queries stays");
    tcp.closeAll();
  });

  test("idle: closed idleTimeoutMs after opening or after its last whole query", () => {
    const { tcp, clock, closed } = sessions({ idleTimeoutMs: 10_000 });
    const a = fakeConnection(1);
    const b = fakeConnection(2);
    tcp.open(a.conn);
    tcp.open(b.conn);
    clock.now = 6_000;
    tcp.data(b.conn, pipelined(1));
    clock.now = 10_001;
    tcp.sweep();
    assert.deepEqual([a.state.closed, b.state.closed], [1, 0]);
    clock.now = 16_001;
    tcp.sweep();
    assert.equal(b.state.closed, 1);
    assert.equal(closed("idle"), 2);
  });

  test("per-source cap: IPv4 addresses and IPv6 /64s count separately", () => {
    const { tcp, closed } = sessions({ maxConnectionsPerSource: 2, maxConnections: 100 });
    const from = (host: string, n: number) =>
      Array.from({ length: n }, (_, i) => fakeConnection(i, host));
    const two = from("127.0.0.2", 3);
    const v6 = [fakeConnection(1, "2001:db8::1"), fakeConnection(2, "2001:db8::2")];
    const v6more = fakeConnection(3, "2001:db8:0:0:ffff::9");
    const other = fakeConnection(9, "127.0.0.1");
    for (const c of [...two, ...v6, v6more, other]) tcp.open(c.conn);
    assert.deepEqual(two.map((c) => c.state.closed), [0, 0, 1]);
    assert.equal(v6more.state.closed, 1, "same /64");
    assert.equal(other.state.closed, 0);
    assert.equal(closed("source_limit"), 2);
    tcp.close(two[0].conn);
    const again = fakeConnection(7, "127.0.0.2");
    tcp.open(again.conn);
    assert.equal(again.state.closed, 0, "a freed slot is reusable");
    tcp.closeAll();
  });

  test("global cap: a newcomer reclaims the longest-quiet slot, or is refused if all are busy", () => {
    const { tcp, clock, closed, metrics } = sessions({ maxConnections: 2 });
    const a = fakeConnection(1, "192.0.2.1");
    const b = fakeConnection(2, "192.0.2.2");
    tcp.open(a.conn);
    clock.now = 100;
    tcp.open(b.conn);
    clock.now = 500;
    const early = fakeConnection(3, "192.0.2.3");
    tcp.open(early.conn);
    assert.equal(early.state.closed, 1, "every slot active within the last second: refused");
    assert.equal(closed("connection_limit"), 1);
    clock.now = 1_200;
    tcp.data(a.conn, pipelined(1)); // a makes progress; b has been quiet since 100
    const late = fakeConnection(4, "192.0.2.4");
    tcp.open(late.conn);
    assert.deepEqual([a.state.closed, b.state.closed, late.state.closed], [0, 1, 0]);
    assert.equal(closed("reclaimed"), 1);
    assert.match(metrics.render(), /^healthy_dns_tcp_connections 2$/m);
    tcp.data(early.conn, pipelined(1));
    assert.deepEqual(early.state.written, [], "a refused connection is never answered");
    tcp.closeAll();
    assert.equal(closed("shutdown"), 2);
  });

  test("the peer's FIN: what is complete is answered, then the connection closes", () => {
    const { tcp, turn, closed } = sessions({ maxUnsentBytes: 1_000_000 });
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, pipelined(TCP_TURN_QUERIES + 3));
    tcp.end(a.conn);
    assert.equal(a.state.closed, 0, "a backlog is still waiting");
    turn();
    assert.equal(a.state.written.reduce((n, w) => n + w.length / 3, 0), TCP_TURN_QUERIES + 3);
    assert.equal(a.state.closed, 1);
    assert.equal(closed("client"), 1);
  });

  describe("a zone transfer's stream", () => {
    /** A transfer of `count` messages of `size` octets (message i filled with i), made as pulled. */
    function transferOf(count: number, size: number) {
      const state = { made: 0, closed: 0 };
      const stream: TransferStream = {
        next: () => state.made < count ? new Uint8Array(size).fill(++state.made) : null,
        close: () => void state.closed++,
      };
      return { stream, state };
    }
    /** Sessions answering query octet 9 with `stream`, others by echo. */
    const withTransfer = (stream: TransferStream, limits: Partial<TcpConfig> = {}) =>
      sessions(limits, (query) => query[0] === 9 ? stream : echo(query));

    test("is made in turns, as many messages as a turn's budget pays for, never in the I/O callback", () => {
      const { stream, state } = transferOf(20, 100);
      const { tcp, turn } = withTransfer(stream, { maxUnsentBytes: 1_000_000 });
      const a = fakeConnection(1);
      tcp.open(a.conn);
      tcp.data(a.conn, new Uint8Array([0, 1, 9]));
      assert.equal(state.made, 0, "nothing made in the data callback");
      const perTurn = TCP_TURN_QUERIES / TRANSFER_MESSAGE_COST;
      turn();
      assert.equal(state.made, perTurn);
      assert.equal(a.state.written.length, 1, "one write per turn");
      assert.equal(a.state.written[0].length, perTurn * 102);
      while (turn() > 0);
      assert.equal(state.made, 20);
      assert.equal(a.state.written.flat().length, 20 * 102);
      tcp.closeAll();
      assert.equal(state.closed, 0, "a transfer that ran out gave its slot back by itself");
    });

    test("several transfers share each turn: one message per turn over all of them, in turn", () => {
      const transfers = Array.from({ length: 5 }, () => transferOf(4, 100));
      const { tcp, turn } = sessions(
        { maxUnsentBytes: 1_000_000 },
        (query) => transfers[query[0]].stream,
      );
      const conns = transfers.map((_, i) => fakeConnection(i + 1));
      conns.forEach(({ conn }, i) => {
        tcp.open(conn);
        tcp.data(conn, new Uint8Array([0, 1, i]));
      });
      const made = () => transfers.reduce((n, { state }) => n + state.made, 0);
      const perTurn = TCP_TURN_QUERIES / TRANSFER_MESSAGE_COST;
      for (let t = 1; t <= 5 / perTurn; t++) {
        turn();
        assert.equal(made(), t * perTurn, `after turn ${t}, over all 5 transfers`);
      }
      assert.deepEqual(transfers.map(({ state }) => state.made), [1, 1, 1, 1, 1], "each in turn");
      for (let t = 0; t < 100 && turn() > 0; t++);
      assert.equal(made(), 20);
      tcp.closeAll();
    });

    test("waits for drain once maxUnsentBytes is unsent: a non-reading client holds one window", () => {
      const { stream, state } = transferOf(1_000, 400);
      const { tcp, turn } = withTransfer(stream, { maxUnsentBytes: 1_000 });
      const a = fakeConnection(1);
      a.state.hold = true;
      tcp.open(a.conn);
      tcp.data(a.conn, new Uint8Array([0, 1, 9]));
      for (let i = 0; i < 10; i++) turn();
      assert.equal(state.made, 3, "402 + 402 < 1,000: a third message, then no more");
      assert.equal(turn(), 0, "not queued: waiting for drain");
      a.state.unsent = 0;
      tcp.drain(a.conn);
      assert.equal(state.made, 3, "drain only queues it for a turn");
      while (turn() > 0);
      assert.equal(state.made, 6, "three more, then the window is full again");
      tcp.closeAll();
    });

    test("a client that stops reading it is closed as stalled after ioTimeoutMs; the stream is closed", () => {
      const { stream, state } = transferOf(1_000, 400);
      const { tcp, turn, clock, closed } = withTransfer(stream, { maxUnsentBytes: 1_000 });
      const a = fakeConnection(1);
      a.state.hold = true;
      tcp.open(a.conn);
      tcp.data(a.conn, new Uint8Array([0, 1, 9]));
      turn();
      clock.now = 3_000;
      tcp.sweep();
      assert.equal(a.state.closed, 0, "not before the timeout");
      clock.now = 3_001;
      tcp.sweep();
      assert.equal(a.state.closed, 1);
      assert.equal(closed("stalled"), 1);
      assert.equal(state.closed, 1, "the transfer's slot is given back");
    });

    test("queries pipelined behind it are answered after its last message, in order", () => {
      const { stream, state } = transferOf(6, 10);
      const { tcp, turn } = withTransfer(stream, { maxUnsentBytes: 1_000_000 });
      const a = fakeConnection(1);
      tcp.open(a.conn);
      tcp.data(a.conn, new Uint8Array([0, 1, 9, 0, 1, 40, 0, 1, 41]));
      while (turn() > 0);
      assert.equal(state.made, 6);
      const framed = a.state.written.flat();
      assert.deepEqual(framed.slice(-6), [0, 1, 41, 0, 1, 42], "the queries after the transfer");
      assert.equal(framed.length, 6 * 12 + 6);
      tcp.closeAll();
    });

    test("the peer's FIN waits for the transfer to finish; a close ends it early", () => {
      const { stream, state } = transferOf(12, 10);
      const { tcp, turn, closed } = withTransfer(stream, { maxUnsentBytes: 1_000_000 });
      const a = fakeConnection(1);
      tcp.open(a.conn);
      tcp.data(a.conn, new Uint8Array([0, 1, 9]));
      tcp.end(a.conn);
      turn();
      assert.equal(a.state.closed, 0, "still sending");
      while (turn() > 0);
      assert.equal(state.made, 12);
      assert.equal(a.state.closed, 1);
      assert.equal(closed("client"), 1);
      const second = transferOf(12, 10);
      const other = withTransfer(second.stream, { maxUnsentBytes: 1_000_000 });
      const b = fakeConnection(2);
      other.tcp.open(b.conn);
      other.tcp.data(b.conn, new Uint8Array([0, 1, 9]));
      other.turn();
      const made = second.state.made;
      other.tcp.close(b.conn);
      assert.equal(second.state.closed, 1, "the client went away mid-transfer");
      other.turn();
      assert.equal(second.state.made, made, "nothing more is made for it");
    });
  });
});
