import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type CheckRound, runCheckRounds } from "../../src/health/check_rounds.ts";
import { endpointKey } from "../../src/health/endpoints.ts";
import { systemClock } from "../../src/runtime/runtime.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";
import { fakeDialer } from "./fixtures/fake_dialer.ts";

/** A dialer whose n-th dial of each address succeeds when `script[address][n]` is true (the last entry repeats). */
function scripted(script: Record<string, readonly boolean[]>) {
  const seen = new Map<string, number>();
  return fakeDialer((address) => {
    const n = seen.get(address) ?? 0;
    seen.set(address, n + 1);
    const results = script[address];
    return { ok: results[Math.min(n, results.length - 1)], ms: 1 };
  });
}

const healthy = (round: CheckRound, address: string) =>
  round.tracks.get(endpointKey(address, 80))?.healthy === true;

describe("runCheckRounds", () => {
  test("without a deadline: one round, the first result applied at once whatever rise says", async () => {
    const config = healthConfig(
      [{ name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 80 }],
      { rise: 3, fall: 3 },
    );
    const dialer = scripted({ "192.0.2.1": [true], "192.0.2.2": [false] });
    const rounds: CheckRound[] = [];
    const last = await runCheckRounds(config, dialer.dial, systemClock, {
      waitMs: null,
      everyMs: 10,
      onRound: (round) => (rounds.push(round), false),
    });
    assert.equal(rounds.length, 1);
    assert.equal(last.number, 1);
    assert.equal(dialer.calls.length, 2);
    assert.equal(healthy(last, "192.0.2.1"), true);
    assert.equal(healthy(last, "192.0.2.2"), false);
  });

  test("rise applies between rounds: down, then up, passes only after `rise` successes in a row", async () => {
    const config = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }], {
      rise: 3,
    });
    const dialer = scripted({ "192.0.2.1": [false, false, true] });
    const last = await runCheckRounds(config, dialer.dial, systemClock, {
      waitMs: 10_000,
      everyMs: 10,
      onRound: (round) => healthy(round, "192.0.2.1"),
    });
    // Rounds 1-2 fail; 3, 4 and 5 succeed, and the third success in a row turns it healthy.
    assert.equal(last.number, 5);
    assert.equal(dialer.calls.length, 5);
  });

  test("fall applies between rounds: a name that passed survives fall - 1 failures while another comes up", async () => {
    const config = (fall: number) =>
      healthConfig([
        { name: "www", addresses: ["192.0.2.1"], port: 80 },
        { name: "api", addresses: ["192.0.2.2"], port: 80 },
      ], { fall });
    const run = (fall: number) => {
      const dialer = scripted({ "192.0.2.1": [true, false], "192.0.2.2": [false, true] });
      return runCheckRounds(config(fall), dialer.dial, systemClock, {
        waitMs: 300,
        everyMs: 10,
        onRound: (round) => healthy(round, "192.0.2.1") && healthy(round, "192.0.2.2"),
      });
    };
    const withFall2 = await run(2);
    assert.equal(withFall2.number, 2);
    assert.ok(healthy(withFall2, "192.0.2.1"), "one failure is not enough with fall 2");
    const withFall1 = await run(1);
    assert.equal(healthy(withFall1, "192.0.2.1"), false, "with fall 1 www is down by round 2");
    assert.ok(withFall1.number > 2);
  });

  test("never passing: rounds every `everyMs` until the deadline, the last one ending at or after it", async () => {
    const config = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }], {
      intervalMs: 100,
    });
    const dialer = scripted({ "192.0.2.1": [false] });
    const rounds: CheckRound[] = [];
    const startedAt = performance.now();
    const last = await runCheckRounds(config, dialer.dial, systemClock, {
      waitMs: 600,
      everyMs: 100,
      onRound: (round) => (rounds.push(round), false),
    });
    const elapsed = performance.now() - startedAt;
    assert.equal(last, rounds.at(-1));
    assert.ok(last.endMs >= 600, `last round ended at ${last.endMs} ms`);
    assert.ok(last.startMs <= 600 + 200, `last round started at ${last.startMs} ms`);
    assert.ok(elapsed < 600 + 1_000, `took ${elapsed} ms`);
    // At most one round per 100 ms (plus the one at the deadline), and more than one.
    assert.ok(rounds.length >= 2 && rounds.length <= 8, `${rounds.length} rounds`);
    for (let i = 1; i < rounds.length; i++) {
      // Timers may fire a millisecond or two early against performance.now().
      const gap = rounds[i].startMs - rounds[i - 1].startMs;
      assert.ok(gap >= 95 || rounds[i].startMs >= 595, `round ${i + 1} started ${gap} ms after`);
      assert.equal(rounds[i].number, i + 1);
    }
  });

  test("a deadline shorter than the interval still probes once more at the deadline", async () => {
    const config = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }]);
    const dialer = scripted({ "192.0.2.1": [false] });
    const last = await runCheckRounds(config, dialer.dial, systemClock, {
      waitMs: 200,
      everyMs: 30_000,
      onRound: () => false,
    });
    assert.equal(last.number, 2);
    assert.ok(last.startMs >= 195 && last.startMs < 1_000, `second round at ${last.startMs} ms`);
  });
});
