import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { type TcpListener } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import {
  createHttpSessions,
  type HttpHandler,
  type HttpSessions,
  MAX_REQUEST_BYTES,
} from "../../src/server/http_server.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();

/** 16 MiB: more than loopback's socket buffers hold, so a client that does not read stalls it. */
const BIG = new Uint8Array(16 << 20).fill(120);

const handler: HttpHandler = (method, path) => {
  if (path === "/big") return { status: 200, contentType: "application/octet-stream", body: BIG };
  if (path === "/zipped") {
    return {
      status: 200,
      contentType: "text/plain",
      body: "plain\n",
      gzipped: Uint8Array.from([1, 2, 3]),
    };
  }
  return path === "/healthz"
    ? { status: 200, contentType: "text/plain", body: "ok\n", headers: { "x-test": "1" } }
    : {
      status: 404,
      contentType: "text/plain; charset=utf-8",
      body: `no ${method} ${path}\n`,
    };
};

/** An HTTP server on `host`, port 0, with these limits. */
async function serve(host: string, maxConnections: number, ioTimeoutMs: number) {
  const sessions: HttpSessions = createHttpSessions({
    handler,
    limits: () => ({ maxConnections, ioTimeoutMs }),
    clock: runtime.clock,
  });
  const listener: TcpListener = await runtime.listenTcp(host, 0, sessions);
  return {
    sessions,
    port: listener.local.port,
    close() {
      listener.close();
      sessions.closeAll();
    },
  };
}

/** A raw connection: what it received, and whether the server closed it. */
async function connect(port: number, host = "127.0.0.1") {
  const socket = net.connect(port, host);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const state = { socket, text: "", ended: false };
  socket.on("data", (d: Uint8Array) => (state.text += new TextDecoder("latin1").decode(d)));
  socket.on("end", () => (state.ended = true));
  socket.on("close", () => (state.ended = true));
  socket.on("error", () => (state.ended = true));
  return state;
}

describe(`HTTP server on a TCP listener (${runtime.name})`, () => {
  for (const host of ["127.0.0.1", "::1"]) {
    test(`serves the handler's replies on ${host}, passing the method and the path`, async () => {
      const server = await serve(host, 10, 5_000);
      try {
        const base = `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
        const healthz = await fetch(`${base}/healthz?verbose=1`);
        assert.equal(healthz.status, 200);
        assert.equal(healthz.headers.get("content-type"), "text/plain");
        assert.equal(healthz.headers.get("x-test"), "1");
        assert.ok(healthz.headers.get("date"));
        assert.equal(await healthz.text(), "ok\n");
        const missing = await fetch(`${base}/nope`, { method: "POST", body: "x" });
        assert.equal(missing.status, 404);
        assert.equal(await missing.text(), "no POST /nope\n");
        const head = await fetch(`${base}/healthz`, { method: "HEAD" });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get("content-length"), "3");
        assert.equal(await head.text(), "");
        const big = await fetch(`${base}/big`);
        assert.equal((await big.arrayBuffer()).byteLength, BIG.length);
      } finally {
        server.close();
      }
    });
  }

  test("keeps a connection for pipelined requests, answering them in order; closes on Connection: close", async () => {
    const server = await serve("127.0.0.1", 10, 5_000);
    const client = await connect(server.port);
    try {
      client.socket.write(
        "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /a HTTP/1.1\r\nHost: x\r\n\r\n" +
          "HEAD /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      await waitFor("the server to close after the third response", () => client.ended);
      const statuses = [...client.text.matchAll(/^HTTP\/1\.1 (\d+) /gm)].map((m) => m[1]);
      assert.deepEqual(statuses, ["200", "404", "404"]);
      assert.match(client.text, /ok\n[^]*no GET \/a\n[^]*connection: close\r\n\r\n$/);
      assert.doesNotMatch(client.text, /no HEAD/);
    } finally {
      client.socket.destroy();
      server.close();
    }
  });

  test("sends the gzipped body only to a client that accepts gzip", async () => {
    const server = await serve("127.0.0.1", 10, 5_000);
    try {
      for (
        const [accept, expected] of [["gzip, deflate", "\x01\x02\x03"], ["gzip;q=0", "plain\n"]]
      ) {
        const client = await connect(server.port);
        client.socket.write(
          `GET /zipped HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\nConnection: close\r\n\r\n`,
        );
        await waitFor("the response", () => client.ended);
        assert.ok(client.text.endsWith(`\r\n\r\n${expected}`), accept);
        assert.equal(client.text.includes("content-encoding: gzip"), expected !== "plain\n");
        assert.match(client.text, /vary: accept-encoding/);
      }
    } finally {
      server.close();
    }
  });

  test("answers malformed and oversized requests with their error, then closes", async () => {
    const server = await serve("127.0.0.1", 10, 5_000);
    try {
      const cases: [string, string][] = [
        ["nonsense\r\n\r\n", "400"],
        ["GET /healthz HTTP/1.1\r\n\r\n", "400"], // no Host
        ["GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", "505"],
        ["GET /healthz HTTP/1.1\r\nHost: x\r\nBad header\r\n\r\n", "400"],
        [`GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(MAX_REQUEST_BYTES)}\r\n\r\n`, "431"],
        [`GET /healthz HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(MAX_REQUEST_BYTES)}`, "431"], // unfinished
        ["POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n", "413"],
        ["POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", "411"],
      ];
      for (const [request, status] of cases) {
        const client = await connect(server.port);
        client.socket.write(request);
        await waitFor(`the server to close after ${status}`, () => client.ended);
        assert.match(client.text, new RegExp(`^HTTP/1\\.1 ${status} `), request.slice(0, 60));
        assert.match(client.text, /connection: close/);
      }
      // HTTP/1.0 (no Host needed) gets its answer, then the connection closes.
      const old = await connect(server.port);
      old.socket.write("GET /healthz HTTP/1.0\r\n\r\n");
      await waitFor("the HTTP/1.0 answer", () => old.ended);
      assert.match(old.text, /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nok\n$/);
    } finally {
      server.close();
    }
  });

  describe("slow and excess clients", () => {
    const CAP = 5;
    let server: Awaited<ReturnType<typeof serve>>;
    before(async () => (server = await serve("127.0.0.1", CAP, 600)));
    after(() => server.close());

    test("connections beyond the cap are closed at once, unanswered; slow ones after the timeout", async () => {
      const clients: Awaited<ReturnType<typeof connect>>[] = [];
      for (let i = 0; i < CAP + 10; i++) {
        const client = await connect(server.port);
        client.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n"); // never finished
        clients.push(client);
      }
      try {
        await waitFor(
          "the 10 excess connections to be closed",
          () => clients.filter((c) => c.ended).length >= 10,
        );
        assert.equal(server.sessions.size, CAP);
        assert.ok(clients.every((c) => c.text === ""), "nothing answered");
        // The slow ones go within the timeout (600 ms, swept every 150 ms); then a newcomer is served.
        await waitFor("the slow connections to time out", () => clients.every((c) => c.ended));
        assert.equal(server.sessions.size, 0);
        const healthz = await fetch(`http://127.0.0.1:${server.port}/healthz`);
        assert.equal(await healthz.text(), "ok\n");
      } finally {
        for (const c of clients) c.socket.destroy();
      }
    });

    test("a keep-alive connection left idle is closed after the timeout", async () => {
      const client = await connect(server.port);
      try {
        client.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        await waitFor("the answer", () => client.text.endsWith("ok\n"));
        assert.equal(client.ended, false);
        await waitFor("the idle connection to be closed", () => client.ended);
      } finally {
        client.socket.destroy();
      }
    });

    test("a client that stops reading a big response is closed once it makes no progress", async () => {
      const socket = net.connect(server.port, "127.0.0.1");
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.on("error", () => {});
      try {
        socket.pause(); // never reads: the 16 MiB body cannot drain
        socket.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
        await waitFor("the request to arrive", () => server.sessions.size === 1);
        await waitFor("the stalled connection to be closed", () => server.sessions.size === 0);
      } finally {
        socket.destroy();
      }
    });
  });
});
