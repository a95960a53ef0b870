import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { get } from "node:http";
import net from "node:net";
import { gunzipSync } from "node:zlib";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { startTestServer } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** GET with node:http, which decodes nothing: the body and content-encoding as sent. */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on(
        "end",
        () =>
          resolve({ encoding: response.headers["content-encoding"], body: Buffer.concat(chunks) }),
      );
    }).on("error", reject);
  });
}

describe("HTTP /healthz and /metrics", () => {
  test("serves health and Prometheus metrics that count real queries", async () => {
    const s = await startTestServer({
      health: ALL_HEALTHY,
      overrides: { http: { hostname: "127.0.0.1", port: 0 } },
    });
    try {
      const http = s.server.httpAddress;
      assert.ok(http !== null && http.port > 0);
      const base = `http://127.0.0.1:${http.port}`;
      const healthz = await fetch(`${base}/healthz`);
      assert.equal(healthz.status, 200);
      assert.equal(await healthz.text(), "ok\n");

      await s.query(makeQuery("www.example.test", "A"), "udp");
      await s.query(makeQuery("nope.example.test", "A"), "tcp");
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(metrics.headers.get("content-type") ?? "", /^text\/plain/);
      const text = await metrics.text();
      assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NOERROR"\} 1$/m);
      assert.match(text, /^healthy_dns_responses_total\{transport="tcp",rcode="NXDOMAIN"\} 1$/m);
      assert.match(text, new RegExp(`^healthy_dns_snapshot_serial ${s.server.serial}$`, "m"));

      const missing = await fetch(`${base}/nope`);
      assert.equal(missing.status, 404);
      await missing.text();
    } finally {
      await s.stop();
    }
  });

  test("/status and / go gzipped to a client that accepts it, as is to one that does not", async () => {
    const s = await startTestServer({
      health: ALL_HEALTHY,
      overrides: { http: { hostname: "127.0.0.1", port: 0 } },
    });
    try {
      const base = `http://127.0.0.1:${s.server.httpAddress!.port}`;
      for (const path of ["/status", "/"]) {
        // node:http sends no Accept-Encoding unless told: the identity body.
        const plain = await rawGet(`${base}${path}`, {});
        assert.equal(plain.encoding, undefined, path);
        const zipped = await rawGet(`${base}${path}`, { "accept-encoding": "gzip" });
        assert.equal(zipped.encoding, "gzip", path);
        assert.ok(zipped.body.length < plain.body.length, `${path}: smaller gzipped`);
        assert.deepEqual(gunzipSync(zipped.body), plain.body, `${path}: the same body`);
      }
    } finally {
      await s.stop();
    }
  });

  test("caps the HTTP connections and closes slow ones, while DNS keeps answering", {
    timeout: 30_000,
  }, async () => {
    const CAP = 5;
    const s = await startTestServer({
      health: ALL_HEALTHY,
      overrides: {
        http: { hostname: "127.0.0.1", port: 0 },
        httpLimits: { maxConnections: CAP, ioTimeoutMs: 1_000 },
      },
    });
    const port = s.server.httpAddress!.port;
    const slow: { socket: net.Socket; closed: boolean }[] = [];
    try {
      // Slow clients: a request begun and never finished.
      for (let i = 0; i < CAP + 10; i++) {
        const socket = net.connect(port, "127.0.0.1");
        await new Promise((resolve) => socket.once("connect", resolve));
        const client = { socket, closed: false };
        socket.on("close", () => (client.closed = true));
        socket.on("error", () => {});
        socket.resume();
        socket.write("GET /status HTTP/1.1\r\nHost: x\r\n");
        slow.push(client);
      }
      await waitFor(
        "the 10 connections beyond the cap to be closed",
        () => slow.filter((c) => c.closed).length >= 10,
      );
      const www = makeQuery("www.example.test", "A");
      assert.notEqual(await s.query(www, "udp"), null, "UDP answered while the slots are held");
      await waitFor("the slow connections to time out", () => slow.every((c) => c.closed), 10_000);
      const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(healthz.status, 200);
      assert.equal(await healthz.text(), "ok\n");
      assert.notEqual(await s.query(www, "udp"), null);
    } finally {
      for (const c of slow) c.socket.destroy();
      await s.stop();
    }
  });
});
