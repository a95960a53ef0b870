import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createCoalescingRunner } from "../../src/server/zone_rebuilds.ts";

/** A task whose runs finish only when the test says so. */
function gatedTask() {
  const gates: (() => void)[] = [];
  let active = 0;
  let maxActive = 0;
  let runs = 0;
  const task = () => {
    runs++;
    active++;
    maxActive = Math.max(maxActive, active);
    return new Promise<void>((resolve) =>
      gates.push(() => {
        active--;
        resolve();
      })
    );
  };
  const release = async () => {
    // Let pending microtasks start the next run before opening its gate.
    for (let i = 0; i < 10 && gates.length === 0; i++) await Promise.resolve();
    gates.shift()?.();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { task, release, stats: () => ({ runs, maxActive, waiting: gates.length }) };
}

describe("createCoalescingRunner", () => {
  test("requests during a run fold into exactly one more run, never concurrent", async () => {
    const { task, release, stats } = gatedTask();
    const runner = createCoalescingRunner(task);
    const first = runner.request();
    const during = [runner.request(), runner.request(), runner.request()];
    assert.equal(stats().runs, 1);
    await release();
    await first;
    assert.equal(stats().runs, 2, "one coalesced re-run");
    await release();
    await Promise.all(during);
    assert.deepEqual(stats(), { runs: 2, maxActive: 1, waiting: 0 });
    await runner.idle();
  });

  test("a request made during a run resolves only after the following run", async () => {
    const { task, release } = gatedTask();
    const runner = createCoalescingRunner(task);
    const order: string[] = [];
    void runner.request().then(() => order.push("first"));
    void runner.request().then(() => order.push("second"));
    await release();
    assert.deepEqual(order, ["first"]);
    await release();
    assert.deepEqual(order, ["first", "second"]);
  });

  test("a failing run does not stall later requests", async () => {
    let runs = 0;
    const runner = createCoalescingRunner(() => {
      runs++;
      return runs === 1 ? Promise.reject(new Error("boom")) : Promise.resolve();
    });
    await runner.request();
    await runner.request();
    assert.equal(runs, 2);
  });

  test("idle waits for the queued run too", async () => {
    const { task, release, stats } = gatedTask();
    const runner = createCoalescingRunner(task);
    void runner.request();
    void runner.request();
    let idle = false;
    const waiting = runner.idle().then(() => (idle = true));
    await release();
    assert.equal(idle, false);
    await release();
    await waiting;
    assert.equal(stats().runs, 2);
  });
});
