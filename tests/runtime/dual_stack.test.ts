import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import type { TcpListener, UdpEndpoint } from "../../src/runtime/runtime.ts";
import { waitFor } from "../health/fixtures/wait_for.ts";

const runtime = await currentRuntime();
const noop = () => {};

// The default config listens on 0.0.0.0 and :: with one port. With Linux's dual-stack
// default (bindv6only=0) a plain second bind fails with EADDRINUSE; the adapters share
// wildcard ports, and the kernel sends each family to its own socket.
for (const [first, second] of [["0.0.0.0", "::"], ["::", "0.0.0.0"]]) {
  describe(`${first} then ${second} on one port (${runtime.name})`, () => {
    test("UDP: both bind; IPv4 reaches the 0.0.0.0 socket, IPv6 the :: socket", async () => {
      const seen: string[] = [];
      const record = (name: string) => (_data: Uint8Array, from: { hostname: string }) =>
        seen.push(`${name}<-${from.hostname}`);
      const a = await runtime.bindUdp(first, 0, record(first));
      const endpoints: UdpEndpoint[] = [a];
      try {
        endpoints.push(await runtime.bindUdp(second, a.local.port, record(second)));
        const v4 = await runtime.bindUdp("127.0.0.1", 0, noop);
        const v6 = await runtime.bindUdp("::1", 0, noop);
        endpoints.push(v4, v6);
        v4.send(new Uint8Array([4]), { hostname: "127.0.0.1", port: a.local.port });
        v6.send(new Uint8Array([6]), { hostname: "::1", port: a.local.port });
        await waitFor("both datagrams", () => seen.length === 2, 5000);
        assert.deepEqual(seen.sort(), ["0.0.0.0<-127.0.0.1", "::<-::1"]);
      } finally {
        for (const endpoint of endpoints) endpoint.close();
      }
    });

    test("TCP: both listen; IPv4 connects to the 0.0.0.0 listener, IPv6 to the :: one", async () => {
      const seen: string[] = [];
      const handlers = (name: string) => ({
        open: (conn: { remote: { hostname: string }; close(): void }) => {
          seen.push(`${name}<-${conn.remote.hostname}`);
          conn.close();
        },
        data: noop,
        close: noop,
      });
      const a = await runtime.listenTcp(first, 0, handlers(first));
      const listeners: TcpListener[] = [a];
      try {
        listeners.push(await runtime.listenTcp(second, a.local.port, handlers(second)));
        for (const host of ["127.0.0.1", "::1"]) {
          const socket = net.connect({ host, port: a.local.port });
          socket.on("error", noop);
          await new Promise((resolve) => socket.once("close", resolve));
        }
        await waitFor("both connections", () => seen.length === 2, 5000);
        assert.deepEqual(seen.sort(), ["0.0.0.0<-127.0.0.1", "::<-::1"]);
      } finally {
        for (const listener of listeners) listener.close();
      }
    });

    test("HTTP: both serve on one port", async () => {
      const a = await runtime.serveHttp(
        first,
        0,
        () => ({ status: 200, contentType: "text/plain", body: first }),
      );
      const servers: TcpListener[] = [a];
      try {
        servers.push(
          await runtime.serveHttp(
            second,
            a.local.port,
            () => ({ status: 200, contentType: "text/plain", body: second }),
          ),
        );
        assert.equal(await (await fetch(`http://127.0.0.1:${a.local.port}/`)).text(), "0.0.0.0");
        assert.equal(await (await fetch(`http://[::1]:${a.local.port}/`)).text(), "::");
      } finally {
        for (const server of servers) server.close();
      }
    });
  });
}
