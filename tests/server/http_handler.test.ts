import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHttpHandler, type ServerPhase } from "../../src/server/http_handler.ts";

describe("createHttpHandler", () => {
  test("/healthz is 503 while starting or stopping, 200 while serving", () => {
    let phase: ServerPhase = "starting";
    const handler = createHttpHandler({ phase: () => phase, metrics: () => "" });
    assert.deepEqual([handler("GET", "/healthz").status, handler("GET", "/healthz").body], [
      503,
      "starting\n",
    ]);
    phase = "serving";
    assert.deepEqual([handler("GET", "/healthz").status, handler("GET", "/healthz").body], [
      200,
      "ok\n",
    ]);
    phase = "stopping";
    assert.deepEqual([handler("GET", "/healthz").status, handler("GET", "/healthz").body], [
      503,
      "stopping\n",
    ]);
  });

  test("/metrics serves the Prometheus text rendered at request time", () => {
    let scrapes = 0;
    const handler = createHttpHandler({
      phase: () => "serving",
      metrics: () => `healthy_dns_scrapes ${++scrapes}\n`,
    });
    const reply = handler("GET", "/metrics");
    assert.equal(reply.status, 200);
    assert.match(reply.contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(reply.body, "healthy_dns_scrapes 1\n");
    assert.equal(handler("HEAD", "/metrics").status, 200);
    assert.equal(scrapes, 2);
  });

  test("other methods get 405 with Allow; unknown paths 404", () => {
    const handler = createHttpHandler({ phase: () => "serving", metrics: () => "" });
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const reply = handler(method, "/metrics");
      assert.equal(reply.status, 405, method);
      assert.equal(reply.headers?.allow, "GET, HEAD");
    }
    assert.equal(handler("GET", "/nope").status, 404);
  });
});
