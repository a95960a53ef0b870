import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { DEFAULTS, type TcpConfig } from "../../src/config/config.ts";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import {
  frame,
  startTestServer,
  tcpMessages,
  type TestServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** A decoded response, with the fields dns-packet's types leave out. */
type Decoded = dnsPacket.Packet & { rcode?: string };

function decode(response: Uint8Array | null): Decoded {
  assert.ok(response !== null, "a response arrived");
  return dnsPacket.decode(Buffer.from(response));
}

/** The A addresses in a response. */
function addresses(response: Uint8Array | null): string[] {
  return (decode(response).answers ?? []).filter((a) => a.type === "A").map((a) =>
    String((a as { data: unknown }).data)
  );
}

describe("server over UDP and TCP (in-process, demo config)", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ args: ["--demo"], health: ALL_HEALTHY });
  });
  after(() => s.stop());

  test("answers the same on UDP and TCP on the same port", async () => {
    const query = makeQuery("www.example.test", "A", { id: 77 });
    const udp = await s.query(query, "udp");
    const tcp = await s.query(query, "tcp");
    assert.deepEqual(addresses(udp), ["127.0.0.1"]);
    assert.deepEqual(addresses(tcp), ["127.0.0.1"]);
    assert.equal(decode(tcp).id, 77);
  });

  test("alias zone answers like the hosted zone", async () => {
    assert.deepEqual(addresses(await s.query(makeQuery("static.example.net", "A"), "udp")), [
      "127.0.0.10",
    ]);
  });

  test("pipelined TCP queries in one write all get answers, matched by ID", async () => {
    const socket = await s.tcpConnect();
    try {
      const messages = tcpMessages(socket);
      const names = [
        "www.example.test",
        "static.example.test",
        "www.example.net",
        "nope.example.test",
        "static.example.net",
      ];
      const queries = names.map((name, i) => frame(makeQuery(name, "A", { id: 1000 + i })));
      socket.write(Buffer.concat(queries));
      const byId = new Map<number, Uint8Array>();
      for (let i = 0; i < names.length; i++) {
        const message = await messages.next();
        assert.ok(message !== null, `answer ${i + 1} of ${names.length} arrived`);
        byId.set(decode(message).id ?? -1, message as Uint8Array);
      }
      assert.deepEqual([...byId.keys()].sort(), [1000, 1001, 1002, 1003, 1004]);
      assert.deepEqual(addresses(byId.get(1001) ?? null), ["127.0.0.10"]);
      assert.equal(decode(byId.get(1003) ?? null).rcode, "NXDOMAIN");
    } finally {
      socket.destroy();
    }
  });

  test("300 pipelined queries then a half-close (FIN): all 300 answered, then the server closes", async () => {
    const socket = await s.tcpConnect();
    try {
      const messages = tcpMessages(socket);
      const queries = Array.from(
        { length: 300 },
        (_, i) => frame(makeQuery("www.example.test", "A", { id: i })),
      );
      socket.end(Buffer.concat(queries)); // more than one turn's worth, then FIN
      const ids = new Set<number>();
      for (let i = 0; i < 300; i++) {
        const message = await messages.next(5_000);
        assert.ok(message !== null, `answer ${i + 1} of 300 arrived`);
        ids.add((message[0] << 8) | message[1]);
      }
      assert.equal(ids.size, 300);
      assert.equal(await messages.next(5_000), null, "then the connection ends");
    } finally {
      socket.destroy();
    }
  });

  test("a query split across many writes is answered", async () => {
    const socket = await s.tcpConnect();
    try {
      const messages = tcpMessages(socket);
      const framed = frame(makeQuery("www.example.test", "A", { id: 9 }));
      for (const byte of framed) {
        socket.write(new Uint8Array([byte]));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      assert.deepEqual(addresses(await messages.next()), ["127.0.0.1"]);
    } finally {
      socket.destroy();
    }
  });

  test("a stalled TCP client (half a length prefix) delays neither UDP nor another TCP client", async () => {
    const stalled = await s.tcpConnect();
    try {
      stalled.write(new Uint8Array([0]));
      const started = Date.now();
      const [udp, tcp] = await Promise.all([
        s.query(makeQuery("www.example.test", "A"), "udp"),
        s.query(makeQuery("static.example.test", "A"), "tcp"),
      ]);
      assert.deepEqual(addresses(udp), ["127.0.0.1"]);
      assert.deepEqual(addresses(tcp), ["127.0.0.10"]);
      assert.ok(Date.now() - started < 1_000, `answered in ${Date.now() - started} ms`);
    } finally {
      stalled.destroy();
    }
  });

  test("1,000 garbage datagrams and TCP messages do not crash it; a valid query is answered after", async () => {
    const socket = dgram.createSocket("udp4");
    socket.on("message", () => {});
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    try {
      for (let i = 0; i < 1_000; i++) {
        const garbage = new Uint8Array(1 + (random() % 64)).map(() => random());
        // Some with a plausible header: ID, QR clear, QDCOUNT 1, then noise.
        if (i % 3 === 0 && garbage.length >= 6) garbage.set([random(), random(), 0, 0, 0, 1]);
        await new Promise<void>((resolve) =>
          socket.send(garbage, s.port, "127.0.0.1", () => resolve())
        );
      }
      const tcp = await s.tcpConnect();
      tcp.on("error", () => {});
      for (let i = 0; i < 50; i++) {
        tcp.write(frame(new Uint8Array(12 + (random() % 40)).map(() => random())));
      }
      tcp.destroy();
    } finally {
      socket.close();
    }
    assert.deepEqual(addresses(await udpExchange(s.port, makeQuery("www.example.test", "A"))), [
      "127.0.0.1",
    ]);
    assert.deepEqual(addresses(await s.query(makeQuery("www.example.test", "A"), "tcp")), [
      "127.0.0.1",
    ]);
    assert.doesNotMatch(
      s.server.metrics.render(),
      /reason="error"/,
      "no garbage made answerQuery throw",
    );
  });
});

describe("TCP limits", () => {
  const limits = (overrides: Partial<TcpConfig>): TcpConfig => ({ ...DEFAULTS.tcp, ...overrides });

  test("an idle connection is closed after tcp.idleTimeoutMs", async () => {
    const s = await startTestServer({
      health: ALL_HEALTHY,
      overrides: { tcp: limits({ idleTimeoutMs: 300 }) },
    });
    const socket = await s.tcpConnect();
    try {
      const started = Date.now();
      let closed = false;
      socket.on("close", () => (closed = true));
      socket.on("error", () => {});
      await waitFor("server closes the idle connection", () => closed, 5_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 250, `closed after ${elapsed} ms, not before the timeout`);
      assert.match(s.server.metrics.render(), /^healthy_dns_tcp_closed_total\{reason="idle"\} 1$/m);
    } finally {
      socket.destroy();
      await s.stop();
    }
  });

  test("at tcp.maxConnections a newcomer takes the slot of the longest-quiet connection", async () => {
    const s = await startTestServer({
      health: ALL_HEALTHY,
      overrides: { tcp: limits({ maxConnections: 2 }) },
    });
    const quiet = await s.tcpConnect();
    const sockets = [quiet];
    try {
      let quietClosed = false;
      quiet.on("close", () => (quietClosed = true));
      quiet.on("error", () => {});
      const openedAt = Date.now();
      // Slots that delivered a query within the last second are never reclaimed.
      await waitFor(
        "the first connection quiet for over a second",
        () => Date.now() - openedAt > 1_200,
        5_000,
      );
      const active = await s.tcpConnect();
      sockets.push(active);
      const messages = tcpMessages(active);
      active.write(frame(makeQuery("www.example.test", "A")));
      assert.deepEqual(addresses(await messages.next()), ["127.0.0.1"]);
      const newcomer = await s.tcpConnect();
      sockets.push(newcomer);
      await waitFor("the quiet connection reclaimed", () => quietClosed, 5_000);
      const fresh = tcpMessages(newcomer);
      newcomer.write(frame(makeQuery("www.example.test", "A")));
      assert.deepEqual(addresses(await fresh.next()), ["127.0.0.1"]);
      active.write(frame(makeQuery("www.example.test", "A")));
      assert.deepEqual(addresses(await messages.next()), ["127.0.0.1"], "the active one stays");
      assert.match(
        s.server.metrics.render(),
        /^healthy_dns_tcp_closed_total\{reason="reclaimed"\} 1$/m,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await s.stop();
    }
  });
});

describe("health and reload (in-process)", () => {
  test("a health change is served after the rebuild", async () => {
    const s = await startTestServer({ health: ALL_HEALTHY });
    try {
      assert.deepEqual(addresses(await s.query(makeQuery("www.example.test", "A"), "udp")), [
        "127.0.0.1",
      ]);
      const before = s.server.serial;
      s.setHealth({ isHealthy: (address) => address !== "127.0.0.1" });
      await waitFor("rebuild", () => s.server.serial !== before, 5_000);
      assert.deepEqual(addresses(await s.query(makeQuery("www.example.test", "A"), "udp")), []);
    } finally {
      await s.stop();
    }
  });
});
