import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { endpointKey } from "../../src/health/endpoints.ts";
import { applyHysteresis, type EndpointTrack, HealthState } from "../../src/health/health_state.ts";

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

/** Feeds results one by one and returns the health after each. */
function run(results: boolean[], rise: number, fall: number): boolean[] {
  let track: EndpointTrack | undefined;
  return results.map((ok) => (track = applyHysteresis(track, ok, rise, fall)).healthy);
}

describe("applyHysteresis", () => {
  test("the first result applies at once whatever rise and fall say", () => {
    assert.deepEqual(run([true], 3, 3), [true]);
    assert.deepEqual(run([false], 3, 3), [false]);
  });

  test("rise 2 / fall 2: one contrary result is not enough, two in a row are", () => {
    assert.deepEqual(
      run([true, false, true, false, false, true, false, true, true], 2, 2),
      [true, true, true, true, false, false, false, false, true],
    );
  });

  test("rise 1 / fall 1 follows every result", () => {
    assert.deepEqual(run([false, true, false, true], 1, 1), [false, true, false, true]);
  });

  test("returns the same frozen object when a result agrees and nothing is pending", () => {
    const first = applyHysteresis(undefined, true, 2, 2);
    assert.ok(Object.isFrozen(first));
    assert.equal(applyHysteresis(first, true, 2, 2), first);
    const pending = applyHysteresis(first, false, 2, 2);
    assert.deepEqual(pending, { healthy: true, contrary: 1 });
    assert.deepEqual(applyHysteresis(pending, true, 2, 2), { healthy: true, contrary: 0 });
  });
});
