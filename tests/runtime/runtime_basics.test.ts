import { describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();

describe(`runtime basics (${runtime.name})`, () => {
  test("currentRuntime picks the adapter of the runtime it runs on", () => {
    assert.equal(runtime.name, "Bun" in globalThis ? "bun" : "deno");
    assert.match(runtime.version, /^\d+\.\d+\.\d+/);
  });

  test("args is a frozen list of strings", () => {
    assert.ok(Object.isFrozen(runtime.args));
    assert.ok(runtime.args.every((arg) => typeof arg === "string"));
  });

  test("clock.now is the wall clock; clock.monotonic never goes back", () => {
    assert.ok(Math.abs(runtime.clock.now() - Date.now()) < 1000);
    let previous = runtime.clock.monotonic();
    for (let i = 0; i < 1000; i++) {
      const current = runtime.clock.monotonic();
      assert.ok(current >= previous, `${current} < ${previous}`);
      previous = current;
    }
  });

  test("collectGarbage: Bun runs a collection and returns; Deno has none", () => {
    if (runtime.name === "deno") return assert.equal(runtime.collectGarbage, undefined);
    assert.equal(typeof runtime.collectGarbage, "function");
    assert.equal(runtime.collectGarbage?.(), undefined);
  });

  test("env reads the process environment", () => {
    assert.equal(runtime.env("PATH"), process.env.PATH);
    assert.equal(runtime.env("HEALTHY_DNS_TEST_SURELY_UNSET"), undefined);
  });

  test("onSignal runs the handler when the signal arrives", async () => {
    let hangups = 0;
    runtime.onSignal("SIGHUP", () => hangups++);
    process.kill(process.pid, "SIGHUP");
    await waitFor("the SIGHUP handler", () => hangups === 1, 5000);
  });
});
