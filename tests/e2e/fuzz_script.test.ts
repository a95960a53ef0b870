import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { REPO_ROOT } from "../helpers/server_harness.ts";

/** Runs scripts/fuzz.ts on the current runtime; resolves with its exit code and output. */
async function fuzz(args: readonly string[]): Promise<{ code: number; output: string }> {
  const runtime = await currentRuntime();
  const script = join(REPO_ROOT, "scripts", "fuzz.ts");
  const child = spawn(
    process.execPath,
    runtime.name === "deno" ? ["run", "-A", script, ...args] : [script, ...args],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, output };
}

describe("scripts/fuzz against the binary (short round; the long one is in BENCHMARKS.md)", () => {
  test("5,000 random and mutated packets: no crash, no hang, no invalid reply", { timeout: 150_000 }, async () => {
    const binary = ensureBinary();
    const seed = String(1 + Math.floor(Math.random() * 1e6)); // a new seed each run, printed on failure
    const { code, output } = await fuzz(["--packets", "5000", "--seed", seed, "--binary", binary, "--max-seconds", "100"]);
    assert.equal(code, 0, output);
    const row = output.split("\n").find((line) => /^\| 5000 \|/.test(line));
    assert.ok(row !== undefined, output);
    const cells = row.split("|").map((cell) => cell.trim());
    assert.equal(cells[6], "0", `invalid replies (seed ${seed}):\n${output}`);
    assert.equal(cells[7], "0", "hangs");
    assert.equal(cells[8], "0", "crashes");
    assert.ok(Number(cells[4]) > 1000, `replies came back: ${row}`); // not vacuous
  });
});
