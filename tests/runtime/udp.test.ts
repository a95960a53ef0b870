import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type RemoteAddress, type UdpEndpoint } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();

/** A client endpoint that records every datagram it receives. */
async function recordingClient(host: string) {
  const received: { data: Uint8Array; from: RemoteAddress }[] = [];
  const endpoint = await runtime.bindUdp(host, 0, (data, from) => received.push({ data, from }));
  return { endpoint, received };
}

/** A server endpoint that answers every datagram with its bytes reversed, from the same socket. */
function reversingEcho(host: string): Promise<UdpEndpoint> {
  return runtime.bindUdp(
    host,
    0,
    (data, from, endpoint) => endpoint.send(data.slice().reverse(), from),
  );
}

/** Binds host:port, retrying while it is still taken (a closed socket may be freed a tick later). */
async function bindWithin(host: string, port: number, deadlineMs: number): Promise<UdpEndpoint> {
  const startedAt = performance.now();
  for (;;) {
    try {
      return await runtime.bindUdp(host, port, () => {});
    } catch (error) {
      if (performance.now() - startedAt > deadlineMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

for (const host of ["127.0.0.1", "::1"]) {
  describe(`bindUdp on ${host} (${runtime.name})`, () => {
    test("port 0 binds an ephemeral port, reported in local", async () => {
      const endpoint = await reversingEcho(host);
      try {
        assert.equal(endpoint.local.hostname, host);
        assert.ok(
          endpoint.local.port > 1023 && endpoint.local.port < 65536,
          `port ${endpoint.local.port}`,
        );
      } finally {
        endpoint.close();
      }
    });

    test("200 datagrams are echoed from the bound socket to the sender's address", async () => {
      const server = await reversingEcho(host);
      const client = await recordingClient(host);
      try {
        const sent = Array.from({ length: 200 }, (_, i) => new TextEncoder().encode(`query-${i}`));
        for (const data of sent) client.endpoint.send(data, server.local);
        await waitFor("200 echoes", () => client.received.length >= 200, 5000);
        const texts = client.received.map(({ data }) =>
          new TextDecoder().decode(data.slice().reverse())
        );
        assert.deepEqual(texts.sort(), sent.map((data) => new TextDecoder().decode(data)).sort());
        for (const { from } of client.received) assert.deepEqual(from, server.local);
      } finally {
        server.close();
        client.endpoint.close();
      }
    });

    test("a 60000-byte datagram arrives intact", async () => {
      const server = await reversingEcho(host);
      const client = await recordingClient(host);
      try {
        const big = Uint8Array.from({ length: 60_000 }, (_, i) => (i * 7) % 251);
        client.endpoint.send(big, server.local);
        await waitFor("the big echo", () => client.received.length === 1, 5000);
        assert.deepEqual(client.received[0].data, big.slice().reverse());
      } finally {
        server.close();
        client.endpoint.close();
      }
    });

    test("the handler sees the sender's address and the endpoint it came in on", async () => {
      const seen: { from: RemoteAddress; endpoint: UdpEndpoint }[] = [];
      const server = await runtime.bindUdp(
        host,
        0,
        (_data, from, endpoint) => seen.push({ from, endpoint }),
      );
      const client = await recordingClient(host);
      try {
        client.endpoint.send(new Uint8Array([1, 2, 3]), server.local);
        await waitFor("one datagram", () => seen.length === 1, 5000);
        assert.deepEqual(seen[0].from, client.endpoint.local);
        assert.equal(seen[0].endpoint, server);
      } finally {
        server.close();
        client.endpoint.close();
      }
    });

    test("a send that the kernel rejects is dropped silently and the socket keeps working", async () => {
      const server = await reversingEcho(host);
      const client = await recordingClient(host);
      try {
        // An IPv4 socket cannot reach ::1 and vice versa: the send fails (ENETUNREACH / EAFNOSUPPORT).
        const wrongFamily = host === "::1" ? "127.0.0.1" : "::1";
        assert.doesNotThrow(() =>
          server.send(new Uint8Array([9]), { hostname: wrongFamily, port: 9 })
        );
        client.endpoint.send(new Uint8Array([1, 2]), server.local);
        await waitFor("the echo after a failed send", () => client.received.length === 1, 5000);
        assert.deepEqual([...client.received[0].data], [2, 1]);
      } finally {
        server.close();
        client.endpoint.close();
      }
    });

    test("replies to clients that have gone (ICMP port unreachable) do not stop the socket", async () => {
      const server = await reversingEcho(host);
      try {
        for (let i = 0; i < 20; i++) {
          const gone = await recordingClient(host);
          gone.endpoint.send(new Uint8Array([i]), server.local);
          gone.endpoint.close();
        }
        const client = await recordingClient(host);
        try {
          // Keep asking until an echo comes back: the server must outlive the refused replies.
          await waitFor("an echo after 20 refused replies", () => {
            client.endpoint.send(new Uint8Array([7, 8]), server.local);
            return client.received.length > 0;
          }, 5000);
          assert.deepEqual([...client.received[0].data], [8, 7]);
        } finally {
          client.endpoint.close();
        }
      } finally {
        server.close();
      }
    });

    test("close is idempotent and frees the port", async () => {
      const first = await reversingEcho(host);
      first.close();
      first.close();
      const again = await bindWithin(host, first.local.port, 2000);
      again.close();
      assert.equal(again.local.port, first.local.port);
    });
  });
}

describe(`deferAfterIo (${runtime.name})`, () => {
  test("a datagram is received within a few tasks of a chain of busy deferred tasks", async () => {
    // The TCP turns are such a chain (transfer messages take milliseconds each): a datagram
    // that waits for dozens of them is a UDP answer delayed by tens of milliseconds.
    const server = await runtime.bindUdp("127.0.0.1", 0, () => void (receivedAt ??= tasks));
    const client = await runtime.bindUdp("127.0.0.1", 0, () => {});
    let tasks = 0;
    let receivedAt: number | undefined;
    const MAX_TASKS = 2_000;
    try {
      await new Promise<void>((done) => {
        const task = () => {
          tasks++;
          if (tasks === 1) client.send(new Uint8Array([1, 2, 3]), server.local);
          // Half a millisecond of work, as a small transfer message takes: CPU, not waiting.
          const until = performance.now() + 0.5;
          while (performance.now() < until) { /* busy */ }
          if (receivedAt === undefined && tasks < MAX_TASKS) runtime.deferAfterIo(task);
          else done();
        };
        runtime.deferAfterIo(task);
      });
      assert.notEqual(receivedAt, undefined, `no datagram after ${tasks} tasks`);
      // Deno's setImmediate let ~60 run first (its sockets are polled every 61 loop ticks).
      assert.ok(receivedAt! <= 20, `the datagram arrived after ${receivedAt} deferred tasks`);
    } finally {
      client.close();
      server.close();
    }
  });
});
