import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { type TcpConnection, type TcpHandlers, type TcpListener } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();

/** Server side events, recorded per connection. */
interface Recorded {
  conn: TcpConnection;
  chunks: Uint8Array[];
  closes: number;
}

/** A listener whose handlers record everything and run `onOpen` for each connection. */
async function recordingListener(host: string, onOpen: (conn: TcpConnection) => void = () => {}) {
  const connections: Recorded[] = [];
  const find = (conn: TcpConnection) => connections.find((entry) => entry.conn === conn)!;
  const handlers: TcpHandlers = {
    open(conn) {
      connections.push({ conn, chunks: [], closes: 0 });
      onOpen(conn);
    },
    data(conn, chunk) {
      find(conn).chunks.push(chunk);
    },
    drain() {},
    // The peer's FIN: close our side too, as the server does once it has answered.
    end(conn) {
      conn.close();
    },
    close(conn) {
      find(conn).closes++;
    },
  };
  const listener = await runtime.listenTcp(host, 0, handlers);
  return { listener, connections };
}

/** A node:net client that collects what it receives; `paused` holds reading back until resumed. */
async function client(listener: TcpListener, paused = false) {
  const socket = net.connect({ host: listener.local.hostname, port: listener.local.port });
  const received: Uint8Array[] = [];
  const state = { ended: false, closed: false };
  socket.on("end", () => (state.ended = true));
  socket.on("close", () => (state.closed = true));
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const resume = () =>
    socket.on("data", (chunk: Uint8Array) => received.push(new Uint8Array(chunk)));
  if (!paused) resume();
  const bytes = () => concat(received);
  return { socket, localPort: socket.localPort, received, state, resume, bytes };
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** `size` bytes of a pattern seeded by `seed`, so misordered chunks are detected. */
function pattern(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 17 + (i >> 8)) & 0xff);
}

for (const host of ["127.0.0.1", "::1"]) {
  describe(`listenTcp on ${host} (${runtime.name})`, () => {
    const MiB = 1024 * 1024;
    const small = [1, 2, 3, 4, 5].map((seed) => pattern(100 + seed, seed));
    const large = [6, 7, 8, 9].map((seed) => pattern(MiB, seed));
    let server: Awaited<ReturnType<typeof recordingListener>>;
    before(async () => {
      // Writes everything at open, then closes: the close must still deliver all queued bytes.
      server = await recordingListener(host, (conn) => {
        const startedAt = performance.now();
        for (const data of [...small, ...large]) conn.write(data);
        conn.close();
        conn.close();
        // write() queues and returns: 4 MiB must not block the caller.
        assert.ok(performance.now() - startedAt < 500);
      });
    });
    after(() => server.listener.close());

    test("the listener reports its bound address", () => {
      assert.equal(server.listener.local.hostname, host);
      assert.ok(server.listener.local.port > 0);
    });

    test("small and 1 MiB writes, then close, arrive intact and in order past a paused reader", async () => {
      const peer = await client(server.listener, true);
      // Hold reading until the server has queued everything, so the kernel buffer fills up.
      await waitFor("the server-side open", () => server.connections.length === 1, 5000);
      peer.resume();
      await waitFor("end of stream", () => peer.state.ended, 10_000);
      const expected = concat([...small, ...large]);
      const got = peer.bytes();
      assert.equal(got.length, expected.length);
      assert.ok(got.every((byte, i) => byte === expected[i]), "bytes differ");
      await waitFor("the close event", () => server.connections[0].closes > 0, 5000);
      assert.equal(server.connections[0].closes, 1);
      peer.socket.destroy();
    });

    test("the server sees the client's address", async () => {
      const peer = await client(server.listener);
      await waitFor("end of stream", () => peer.state.ended, 10_000);
      const seen = server.connections.at(-1)!.conn.remote;
      assert.deepEqual(seen, { hostname: host, port: peer.localPort });
      peer.socket.destroy();
    });
  });

  describe(`listenTcp reading and closing on ${host} (${runtime.name})`, () => {
    test("bytes from the client arrive in order; the peer's close yields one close event", async () => {
      const server = await recordingListener(host);
      try {
        const peer = await client(server.listener);
        const sent = Array.from({ length: 50 }, (_, i) => pattern(1000 + i, i));
        for (const data of sent) peer.socket.write(data);
        peer.socket.end();
        await waitFor("the close event", () => server.connections[0]?.closes > 0, 5000);
        assert.deepEqual(concat(server.connections[0].chunks), concat(sent));
        assert.equal(server.connections[0].closes, 1);
      } finally {
        server.listener.close();
      }
    });

    test("a client that half-closes after its query still gets the whole (queued) reply", async () => {
      const reply = pattern(4 * 1024 * 1024, 3);
      const listener = await runtime.listenTcp(host, 0, {
        open: () => {},
        data: (conn) => conn.write(reply),
        drain: () => {},
        end: (conn) => conn.close(),
        close: () => {},
      });
      try {
        const peer = await client(listener, true);
        peer.socket.end(new Uint8Array([1]));
        // Read only once the FIN is out and the reply is queued behind a full kernel buffer.
        await waitFor("the half-close", () => peer.socket.writableFinished, 5000);
        peer.resume();
        await waitFor("end of stream", () => peer.state.ended, 10_000);
        assert.equal(peer.bytes().length, reply.length);
        assert.ok(peer.bytes().every((byte, i) => byte === reply[i]), "bytes differ");
      } finally {
        listener.close();
      }
    });

    test("pause() holds data events back until resume(); nothing is lost", async () => {
      const server = await recordingListener(host, (conn) => conn.pause());
      try {
        const peer = await client(server.listener);
        await waitFor("the server-side open", () => server.connections.length === 1, 5000);
        const sent = pattern(5000, 9);
        await new Promise<void>((resolve) => peer.socket.write(sent, () => resolve()));
        // A negative check needs a bound: the bytes are in the server's kernel buffer by now.
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(server.connections[0].chunks.length, 0, "no data event while paused");
        server.connections[0].conn.resume();
        await waitFor(
          "the bytes after resume",
          () => concat(server.connections[0].chunks).length === 5000,
          5000,
        );
        assert.deepEqual(concat(server.connections[0].chunks), sent);
        peer.socket.destroy();
      } finally {
        server.listener.close();
      }
    });

    test("unsent counts what the kernel has not taken; drain fires once the peer reads it all", async () => {
      let drains = 0;
      let conn: TcpConnection | undefined;
      const listener = await runtime.listenTcp(host, 0, {
        open: (c) => (conn = c),
        data: () => {},
        drain: () => drains++,
        end: (c) => c.close(),
        close: () => {},
      });
      try {
        const peer = await client(listener, true);
        await waitFor("the server-side open", () => conn !== undefined, 5000);
        const reply = pattern(16 * 1024 * 1024, 5); // far beyond both kernel buffers
        conn!.write(reply);
        await waitFor("octets left unsent", () => conn!.unsent > 0, 5000);
        assert.ok(conn!.unsent <= reply.length);
        peer.resume();
        await waitFor("drain", () => drains > 0 && conn!.unsent === 0, 20_000);
        await waitFor("every octet", () => peer.bytes().length === reply.length, 20_000);
        peer.socket.destroy();
      } finally {
        listener.close();
      }
    });

    test("a reset by the client yields one close event; later writes and closes are harmless", async () => {
      const server = await recordingListener(host);
      try {
        const peer = await client(server.listener);
        await waitFor("the server-side open", () => server.connections.length === 1, 5000);
        peer.socket.resetAndDestroy();
        await waitFor("the close event", () => server.connections[0].closes > 0, 5000);
        const { conn } = server.connections[0];
        assert.doesNotThrow(() => conn.write(new Uint8Array(10)));
        assert.doesNotThrow(() => conn.close());
        assert.equal(server.connections[0].closes, 1);
      } finally {
        server.listener.close();
      }
    });

    test("a server-side close ends the client's stream and yields one close event", async () => {
      const server = await recordingListener(host, (conn) => conn.close());
      try {
        const peer = await client(server.listener);
        await waitFor("the client to see the close", () => peer.state.closed, 5000);
        await waitFor("the close event", () => server.connections[0]?.closes > 0, 5000);
        assert.equal(server.connections[0].closes, 1);
        assert.equal(peer.bytes().length, 0);
      } finally {
        server.listener.close();
      }
    });

    test("closing the listener leaves open connections working", async () => {
      const server = await recordingListener(host, (conn) => conn.write(new Uint8Array([1])));
      const peer = await client(server.listener);
      try {
        await waitFor("the server-side open", () => server.connections.length === 1, 5000);
        server.listener.close();
        peer.socket.write(new Uint8Array([2, 3]));
        await waitFor("the client's bytes", () => server.connections[0].chunks.length > 0, 5000);
        server.connections[0].conn.write(new Uint8Array([4]));
        await waitFor("the server's bytes", () => peer.bytes().length === 2, 5000);
        assert.deepEqual([...concat(server.connections[0].chunks)], [2, 3]);
        assert.deepEqual([...peer.bytes()], [1, 4]);
        assert.equal(server.connections[0].closes, 0);
      } finally {
        peer.socket.destroy();
      }
    });

    test("closing the listener (twice) stops accepting", async () => {
      const server = await recordingListener(host);
      server.listener.close();
      server.listener.close();
      const { port } = server.listener.local;
      // Deno frees a listener with a pending accept on the next tick: poll, bounded.
      let refused = false;
      const startedAt = performance.now();
      while (!refused && performance.now() - startedAt < 2000) {
        const result = await runtime.dial(host, port, 1000);
        refused = !result.ok && result.reason === "refused";
      }
      assert.ok(refused, `port ${port} still accepts`);
    });
  });
}

describe(`listenTcp close linger (${runtime.name})`, () => {
  test("close gives up on a peer that never reads after the linger and drops the rest of the queue", async () => {
    const server = await recordingListener("127.0.0.1", (conn) => {
      // Far more than loopback socket buffers hold, so bytes stay queued in the adapter.
      for (let i = 0; i < 32; i++) conn.write(new Uint8Array(1024 * 1024));
      conn.close();
    });
    try {
      const peer = await client(server.listener, true);
      const waited = await waitFor(
        "the forced close",
        () => server.connections[0]?.closes === 1,
        6000,
      );
      assert.ok(waited > 1000, `closed after ${waited} ms: queued bytes were not given time`);
      // Deno cannot cancel a write the kernel is blocking, so its socket is only released once
      // that write completes: reading lets it, and the rest of the queue must be gone by then.
      peer.resume();
      await waitFor("the client to see the close", () => peer.state.closed, 5000);
      assert.ok(
        peer.bytes().length < 32 * 1024 * 1024,
        `got all ${peer.bytes().length} bytes: nothing was dropped`,
      );
      peer.socket.destroy();
    } finally {
      server.listener.close();
    }
  });
});
