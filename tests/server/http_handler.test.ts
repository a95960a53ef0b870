import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "../../src/observe/metrics.ts";
import { createHttpHandler } from "../../src/server/http_handler.ts";

describe("createHttpHandler", () => {
  test("/healthz is 503 until ready, then 200", () => {
    let ready = false;
    const handler = createHttpHandler(() => ready, createMetrics(), () => {});
    assert.equal(handler("/healthz").status, 503);
    ready = true;
    assert.equal(handler("/healthz").status, 200);
  });

  test("/metrics refreshes pulled gauges and serves Prometheus text", () => {
    const metrics = createMetrics();
    const handler = createHttpHandler(() => true, metrics, () => metrics.setHealthCycleMs(250));
    const reply = handler("/metrics");
    assert.equal(reply.status, 200);
    assert.match(reply.contentType, /^text\/plain; version=0\.0\.4/);
    assert.match(reply.body, /^healthy_dns_health_cycle_seconds 0.25$/m);
  });

  test("anything else is 404", () => {
    assert.equal(createHttpHandler(() => true, createMetrics(), () => {})("/").status, 404);
  });
});
