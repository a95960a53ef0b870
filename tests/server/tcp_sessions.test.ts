import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "../../src/observe/metrics.ts";
import type { TcpConfig } from "../../src/config/config.ts";
import type { TcpConnection } from "../../src/runtime/runtime.ts";
import { createTcpSessions, MAX_TCP_QUERY_BYTES } from "../../src/server/tcp_sessions.ts";
import { waitFor } from "../helpers/wait_for.ts";

function fakeConnection(port: number) {
  const written: number[][] = [];
  let closed = 0;
  const conn: TcpConnection = {
    remote: { hostname: "127.0.0.1", port },
    write: (data) => void written.push([...data]),
    close: () => void closed++,
  };
  return { conn, written, closed: () => closed };
}

const echo = (query: Uint8Array) => query.map((b) => b + 1);

function sessions(limits: TcpConfig, answer: (query: Uint8Array) => Uint8Array | null = echo) {
  const metrics = createMetrics();
  return { tcp: createTcpSessions(() => limits, answer, metrics), metrics };
}

describe("createTcpSessions", () => {
  test("answers every pipelined message of a chunk, framed", () => {
    const { tcp } = sessions({ idleTimeoutMs: 60_000, maxConnections: 10 });
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, new Uint8Array([0, 1, 10, 0, 2, 20, 21, 0]));
    assert.deepEqual(a.written, [[0, 1, 11], [0, 2, 21, 22]]);
    tcp.data(a.conn, new Uint8Array([1, 30]));
    assert.deepEqual(a.written[2], [0, 1, 31]);
    tcp.closeAll();
  });

  test("null from the answerer sends nothing", () => {
    const { tcp } = sessions({ idleTimeoutMs: 60_000, maxConnections: 10 }, () => null);
    const a = fakeConnection(1);
    tcp.open(a.conn);
    tcp.data(a.conn, new Uint8Array([0, 1, 10]));
    assert.deepEqual(a.written, []);
    tcp.closeAll();
  });

  test("a zero-length or oversized prefix closes the connection", () => {
    const { tcp } = sessions({ idleTimeoutMs: 60_000, maxConnections: 10 });
    const a = fakeConnection(1);
    const b = fakeConnection(2);
    tcp.open(a.conn);
    tcp.open(b.conn);
    tcp.data(a.conn, new Uint8Array([0, 0]));
    const over = MAX_TCP_QUERY_BYTES + 1;
    tcp.data(b.conn, new Uint8Array([over >> 8, over & 0xff]));
    assert.equal(a.closed(), 1);
    assert.equal(b.closed(), 1);
    assert.equal(tcp.size, 0);
  });

  test("connections beyond the cap are closed at once and counted", () => {
    const { tcp, metrics } = sessions({ idleTimeoutMs: 60_000, maxConnections: 2 });
    const conns = [1, 2, 3].map(fakeConnection);
    for (const c of conns) tcp.open(c.conn);
    assert.deepEqual(conns.map((c) => c.closed()), [0, 0, 1]);
    tcp.data(conns[2].conn, new Uint8Array([0, 1, 5]));
    assert.deepEqual(conns[2].written, [], "a rejected connection is never answered");
    assert.match(metrics.render(), /^healthy_dns_tcp_rejected_total 1$/m);
    assert.match(metrics.render(), /^healthy_dns_tcp_connections 2$/m);
    tcp.close(conns[0].conn);
    const d = fakeConnection(4);
    tcp.open(d.conn);
    assert.equal(d.closed(), 0, "a slot freed by a close is reusable");
    tcp.closeAll();
  });

  test("an idle connection is closed after the timeout; activity resets it", async () => {
    const { tcp } = sessions({ idleTimeoutMs: 150, maxConnections: 10 });
    const idle = fakeConnection(1);
    const busy = fakeConnection(2);
    tcp.open(idle.conn);
    tcp.open(busy.conn);
    const started = Date.now();
    const ping = setInterval(() => tcp.data(busy.conn, new Uint8Array([0, 1, 7])), 50);
    try {
      await waitFor("idle connection closed", () => idle.closed() === 1, 2_000);
      assert.ok(Date.now() - started >= 140, "not before the timeout");
      assert.equal(busy.closed(), 0, "the busy connection stays open");
    } finally {
      clearInterval(ping);
      tcp.closeAll();
    }
  });
});
