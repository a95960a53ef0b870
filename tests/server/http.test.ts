import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ServerStatus } from "../../src/server/status.ts";
import { createHttpHandler, type ServerPhase } from "../../src/server/http.ts";

/** A reply's body as text (big bodies come encoded). */
const bodyText = (body: string | Uint8Array) =>
  typeof body === "string" ? body : new TextDecoder().decode(body);

/** A /status report reduced to what the handler passes through. */
const STATUS = {
  stale: null,
  dnssec: false,
  phase: "serving",
  generatedAt: "2026-12-02T07:00:00.000Z",
  version: "0.1.0",
  runtime: "bun 1.4.5",
  zones: ["example.test"],
  serial: 7,
  builtAt: "2026-12-02T06:59:00.000Z",
  health: { intervalMs: 5000, rise: 1, fall: 1, lastCycleMs: 3 },
  names: [],
} as ServerStatus;
const status = () => STATUS;

/** A handler serving STATUS with no metrics; `deps` replaces any of its parts. */
const handlerWith = (deps: Partial<Parameters<typeof createHttpHandler>[0]> = {}) =>
  createHttpHandler({
    phase: () => "serving",
    stale: () => null,
    metrics: () => "",
    status,
    statusInputs: () => [],
    ...deps,
  });

describe("createHttpHandler", () => {
  test("/healthz is 503 while starting or stopping, 200 while serving", () => {
    let phase: ServerPhase = "starting";
    const handler = handlerWith({ phase: () => phase });
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
    const handler = handlerWith({ metrics: () => `healthy_dns_scrapes ${++scrapes}\n` });
    const reply = handler("GET", "/metrics");
    assert.equal(reply.status, 200);
    assert.match(reply.contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(reply.body, "healthy_dns_scrapes 1\n");
    assert.equal(handler("HEAD", "/metrics").status, 200);
    assert.equal(scrapes, 2);
  });

  test("other methods get 405 with Allow; unknown paths 404", () => {
    const handler = handlerWith();
    for (const method of ["POST", "PUT", "DELETE", "OPTIONS", "PATCH"]) {
      const reply = handler(method, "/metrics");
      assert.equal(reply.status, 405, method);
      assert.equal(reply.headers?.allow, "GET, HEAD");
    }
    assert.equal(handler("GET", "/nope").status, 404);
  });

  test("/status is the report as JSON, / the HTML page", () => {
    const handler = handlerWith();
    const json = handler("GET", "/status");
    assert.equal(json.status, 200);
    assert.match(json.contentType, /^application\/json/);
    assert.deepEqual(JSON.parse(bodyText(json.body)), STATUS);
    const page = handler("GET", "/");
    assert.equal(page.status, 200);
    assert.match(page.contentType, /^text\/html; charset=utf-8$/);
    assert.match(bodyText(page.body), /<h1>healthy-dns: example.test<\/h1>/);
  });

  test("/status and / are made once per change of their inputs, however often they are asked for", () => {
    let made = 0;
    let serial = 7;
    const handler = createHttpHandler({
      phase: () => "serving",
      stale: () => null,
      metrics: () => "",
      status: () => {
        made++;
        return { ...STATUS, serial };
      },
      statusInputs: () => ["serving", serial],
    });
    const first = bodyText(handler("GET", "/status").body);
    for (let i = 0; i < 100; i++) {
      assert.equal(bodyText(handler("GET", "/status").body), first);
      handler("GET", "/");
    }
    assert.equal(made, 1, "one report for 200 requests");
    assert.equal(JSON.parse(first).serial, 7);
    serial = 8;
    assert.equal(JSON.parse(bodyText(handler("GET", "/status").body)).serial, 8);
    assert.match(bodyText(handler("GET", "/").body), /<html/i);
    assert.equal(made, 2, "a change makes one new report");
  });
});
