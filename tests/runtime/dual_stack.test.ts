import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { type TcpListener, type UdpEndpoint } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();
const noop = () => {};

// The default config listens on "::" alone: on Linux (bindv6only=0) that one
// socket receives IPv4 as well. No SO_REUSEPORT is used, so a second bind of
// the same port, by us or anyone, is refused.
describe(`"::" is one dual-stack socket (${runtime.name})`, () => {
  test("UDP: IPv4 and IPv6 datagrams both reach the :: socket, and are answered", async () => {
    const seen: string[] = [];
    const server = await runtime.bindUdp("::", 0, (data, from, endpoint) => {
      seen.push(from.hostname.replace(/^::ffff:/, ""));
      endpoint.send(data, from);
    });
    const answered: number[] = [];
    const v4 = await runtime.bindUdp("127.0.0.1", 0, (data) => answered.push(data[0]));
    const v6 = await runtime.bindUdp("::1", 0, (data) => answered.push(data[0]));
    try {
      v4.send(new Uint8Array([4]), { hostname: "127.0.0.1", port: server.local.port });
      v6.send(new Uint8Array([6]), { hostname: "::1", port: server.local.port });
      await waitFor("both answers", () => answered.length === 2, 5000);
      assert.deepEqual(seen.sort(), ["127.0.0.1", "::1"]);
      assert.deepEqual(answered.sort(), [4, 6]);
    } finally {
      for (const endpoint of [server, v4, v6]) endpoint.close();
    }
  });

  test("TCP: IPv4 and IPv6 clients both connect to the :: listener", async () => {
    const seen: string[] = [];
    const listener = await runtime.listenTcp("::", 0, {
      open: (conn) => {
        seen.push(conn.remote.hostname.replace(/^::ffff:/, ""));
        conn.close();
      },
      data: noop,
      drain: noop,
      end: (conn) => conn.close(),
      close: noop,
    });
    try {
      for (const host of ["127.0.0.1", "::1"]) {
        const socket = net.connect({ host, port: listener.local.port });
        socket.on("error", noop);
        await new Promise((resolve) => socket.once("close", resolve));
      }
      await waitFor("both connections", () => seen.length === 2, 5000);
      assert.deepEqual(seen.sort(), ["127.0.0.1", "::1"]);
    } finally {
      listener.close();
    }
  });

  for (const second of ["::", "0.0.0.0", "127.0.0.1"]) {
    test(`a second bind of ${second} on the port of a :: socket is refused (UDP, TCP; HTTP listens on TCP too)`, async () => {
      const udp: UdpEndpoint = await runtime.bindUdp("::", 0, noop);
      // Its own port: the UDP socket's port may be held by some TCP socket already.
      const tcp: TcpListener = await runtime.listenTcp("::", 0, {
        open: noop,
        data: noop,
        drain: noop,
        end: (conn) => conn.close(),
        close: noop,
      });
      try {
        await assert.rejects(
          runtime.bindUdp(second, udp.local.port, noop),
          /in use|EADDRINUSE|failed to listen/i,
        );
        await assert.rejects(
          runtime.listenTcp(second, tcp.local.port, {
            open: noop,
            data: noop,
            drain: noop,
            end: noop,
            close: noop,
          }),
          /in use|EADDRINUSE|failed to listen/i,
        );
      } finally {
        udp.close();
        tcp.close();
      }
    });
  }
});
