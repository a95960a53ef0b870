import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyHysteresis, type EndpointTrack } from "../../src/health/apply_hysteresis.ts";

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
