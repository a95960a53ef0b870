import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { endpointKey } from "../../src/health/endpoint_key.ts";
import { HealthState } from "../../src/health/health_state.ts";

describe("HealthState", () => {
  const a = endpointKey("192.0.2.1", 80);
  const b = endpointKey("2001:db8::1", 80);

  test("starts with nothing healthy and is frozen", () => {
    assert.equal(HealthState.EMPTY.isHealthy("192.0.2.1", 80), false);
    assert.equal(HealthState.EMPTY.healthyCount, 0);
    assert.ok(Object.isFrozen(HealthState.EMPTY));
  });

  test("a change yields a new object; the old one is untouched", () => {
    const next = HealthState.EMPTY.with([[a, true], [b, true]]);
    assert.notEqual(next, HealthState.EMPTY);
    assert.equal(next.isHealthy("192.0.2.1", 80), true);
    assert.equal(next.isHealthy("2001:db8::1", 80), true);
    assert.equal(next.isHealthy("192.0.2.1", 81), false);
    assert.equal(HealthState.EMPTY.isHealthy("192.0.2.1", 80), false);
    const down = next.with([[a, false]]);
    assert.equal(down.isHealthy("192.0.2.1", 80), false);
    assert.equal(down.healthyCount, 1);
  });

  test("no change returns the same object", () => {
    const next = HealthState.EMPTY.with([[a, true]]);
    assert.equal(next.with([[a, true], [b, false]]), next);
    assert.equal(next.with([]), next);
    assert.equal(next.with([[a, true]], new Set([a])), next);
  });

  test("keep drops endpoints no longer configured", () => {
    const next = HealthState.EMPTY.with([[a, true], [b, true]]);
    const pruned = next.with([], new Set([b]));
    assert.equal(pruned.isHealthy("192.0.2.1", 80), false);
    assert.equal(pruned.isHealthy("2001:db8::1", 80), true);
  });
});
