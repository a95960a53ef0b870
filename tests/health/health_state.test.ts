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

  test("changedSince: the endpoints flipped between two states of one base; null when it cannot tell", () => {
    const up = HealthState.EMPTY.with(
      Array.from({ length: 1000 }, (_, i) => [endpointKey(`10.0.${i >> 8}.${i & 255}`, 80), true]),
    );
    const c = endpointKey("10.0.0.7", 80);
    const one = up.with([[a, true]]);
    const two = one.with([[c, false]]);
    assert.deepEqual([...two.changedSince(up)!].sort(), [a, c].sort());
    assert.deepEqual([...two.changedSince(one)!].sort(), [a, c].sort(), "a superset is allowed");
    assert.equal(two.changedSince({ isHealthy: () => true }), null);
    assert.equal(two.isHealthy("10.0.0.7", 80), false);
    assert.equal(two.healthyCount, 1000);
  });

  test("many flips fold into a new base: answers and counts stay exact", () => {
    const keys = Array.from(
      { length: 2000 },
      (_, i) => endpointKey(`10.1.${i >> 8}.${i & 255}`, 80),
    );
    let state = HealthState.EMPTY.with(keys.map((key) => [key, true]));
    const start = state;
    for (let i = 0; i < 1500; i += 3) state = state.with([[keys[i], false]]);
    assert.equal(state.healthyCount, 1500);
    assert.equal(state.changedSince(start), null, "folded: another base");
    for (const [i, key] of keys.entries()) {
      const [address] = key.split(" ");
      assert.equal(state.isHealthy(address, 80), !(i < 1500 && i % 3 === 0), key);
    }
    assert.equal(state.with([[keys[0], false]]), state);
  });
});
