import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectEndpoints } from "../../src/health/endpoints.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";

describe("collectEndpoints", () => {
  test("probes an address+port shared by several names once, with the largest timeout", () => {
    const config = healthConfig([
      { name: "www", addresses: ["192.0.2.1", "2001:db8::1"], port: 80, timeoutMs: 500 },
      { name: "api", addresses: ["192.0.2.1", "192.0.2.2"], port: 80, timeoutMs: 2000 },
      { name: "mail", addresses: ["192.0.2.1"], port: 25, timeoutMs: 100 },
    ]);
    const endpoints = collectEndpoints(config);
    assert.deepEqual(
      endpoints.map((e) => [e.address, e.port, e.timeoutMs, e.names]),
      [
        ["192.0.2.1", 80, 2000, ["www", "api"]],
        ["2001:db8::1", 80, 500, ["www"]],
        ["192.0.2.2", 80, 2000, ["api"]],
        ["192.0.2.1", 25, 100, ["mail"]],
      ],
    );
    // The list and each endpoint are frozen; name lists only typed read-only (a frozen array is
    // stored sparse by JavaScriptCore, ~160 bytes more each).
    assert.ok(Object.isFrozen(endpoints) && Object.isFrozen(endpoints[0]));
  });

  test("skips static records and returns nothing when nothing is checked", () => {
    const config = healthConfig([], {}, [
      { name: "static", addresses: ["192.0.2.9"], check: null, whenAllDown: { kind: "none" } },
    ]);
    assert.deepEqual(collectEndpoints(config), []);
  });
});
