import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ALL_HEALTHY } from "../../src/health/health_view.ts";
import { startTestServer } from "../helpers/server_harness.ts";
import { makeQuery } from "../helpers/zone_fixture.ts";

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
});
