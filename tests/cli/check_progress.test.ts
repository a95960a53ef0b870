import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CheckProgress } from "../../src/cli/check_progress.ts";
import type { Clock } from "../../src/runtime/runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

/** A clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = 1_000;
  return {
    now: () => now,
    monotonic: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

const api = { name: "api.example.test", why: "127.0.0.2 refused" };

describe("CheckProgress", () => {
  test("not a terminal: one whole line per round, with the time left or the deadline", () => {
    const clock = manualClock();
    let text = "";
    const progress = new CheckProgress({ live: false, write: (t) => (text += t) }, clock, 10_000);
    clock.advance(100);
    progress.round({ number: 1, passed: 1, total: 2, waiting: [api] });
    clock.advance(1_000);
    progress.round({ number: 2, passed: 2, total: 2, waiting: [] });
    progress.end();
    assert.equal(
      text,
      "check 0.1 s: round 1: 1 of 2 names pass; waiting for api.example.test (127.0.0.2 refused); 9.9 s left\n" +
        "check 1.1 s: round 2: 2 of 2 names pass\n",
    );
    const late = new CheckProgress({ live: false, write: (t) => (text = t) }, clock, 500);
    clock.advance(600);
    late.round({ number: 3, passed: 0, total: 1, waiting: [api] });
    late.end();
    assert.match(text, /; deadline reached\n$/);
  });

  test("a terminal: one line rewritten in place, its clock ticking between rounds, ended by a newline", async () => {
    const clock = manualClock();
    const writes: string[] = [];
    const progress = new CheckProgress({ live: true, write: (t) => writes.push(t) }, clock, 60_000);
    try {
      progress.round({ number: 1, passed: 0, total: 1, waiting: [api] });
      assert.deepEqual(writes, [
        "\r\x1b[2Kcheck 0.0 s: round 1: 0 of 1 names pass; waiting for api.example.test (127.0.0.2 refused); 60.0 s left",
      ]);
      clock.advance(5_000);
      await waitFor("the live line's clock to tick", () => writes.length >= 2, 5_000);
      // The escape is what is under test: a terminal line is erased (ESC [2K) before it is rewritten.
      // deno-lint-ignore no-control-regex
      assert.match(writes[1], /^\r\x1b\[2Kcheck 5\.0 s: round 1: .*; 55\.0 s left$/);
    } finally {
      progress.end();
    }
    assert.equal(writes.at(-1), "\n");
    const count = writes.length;
    clock.advance(5_000);
    // Proving that nothing happens takes waiting longer than one refresh period.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    assert.equal(writes.length, count, "no writes after end()");
  });

  test("a terminal that went away ends the progress output instead of failing the check", async () => {
    const clock = manualClock();
    let attempts = 0;
    const progress = new CheckProgress(
      {
        live: true,
        write: () => {
          if (++attempts > 1) throw new Error("EPIPE: terminal closed");
        },
      },
      clock,
      60_000,
    );
    try {
      progress.round({ number: 1, passed: 0, total: 1, waiting: [api] });
      await waitFor("the clock's first tick", () => attempts >= 2, 5_000);
      progress.round({ number: 2, passed: 0, total: 1, waiting: [api] });
    } finally {
      progress.end();
    }
    assert.equal(attempts, 2, "no write after the first failure");
  });
});
