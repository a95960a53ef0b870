import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "../../src/runtime/runtime.ts";

const runtime = await currentRuntime();

describe(`serveHttp (${runtime.name})`, () => {
  for (const host of ["127.0.0.1", "::1"]) {
    test(`serves the handler's replies on ${host}, passing the method and the path`, async () => {
      const paths: string[] = [];
      const server = await runtime.serveHttp(host, 0, (method, path) => {
        paths.push(`${method} ${path}`);
        return path === "/healthz"
          ? { status: 200, contentType: "text/plain", body: "ok\n", headers: { "x-test": "1" } }
          : { status: 404, contentType: "text/plain; charset=utf-8", body: `no ${path}\n` };
      });
      try {
        assert.ok(server.local.port > 0);
        const base = `http://${host.includes(":") ? `[${host}]` : host}:${server.local.port}`;
        const healthz = await fetch(`${base}/healthz?verbose=1`);
        assert.equal(healthz.status, 200);
        assert.equal(healthz.headers.get("content-type"), "text/plain");
        assert.equal(healthz.headers.get("x-test"), "1");
        assert.equal(await healthz.text(), "ok\n");
        const missing = await fetch(`${base}/nope`, { method: "POST", body: "x" });
        assert.equal(missing.status, 404);
        assert.equal(await missing.text(), "no /nope\n");
        const head = await fetch(`${base}/healthz`, { method: "HEAD" });
        assert.equal(head.status, 200);
        assert.equal(head.headers.get("content-type"), "text/plain");
        assert.equal(await head.text(), "");
        assert.deepEqual(paths, ["GET /healthz", "POST /nope", "HEAD /healthz"]);
      } finally {
        server.close();
        server.close();
      }
    });
  }
});
