import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { ensureBinary } from "../helpers/binary.ts";
import { REPO_ROOT } from "../helpers/server_harness.ts";

describe("scripts/soak against the binary (20 s; the 10-minute run is in BENCHMARKS.md)", () => {
  test("no genuine query lost or answered wrong while health flaps, reloads arrive and TCP clients misbehave", { timeout: 120_000 }, async () => {
    const binary = ensureBinary();
    const runtime = await currentRuntime();
    const script = join(REPO_ROOT, "scripts", "soak.ts");
    const args = ["--minutes", String(20 / 60), "--qps", "300", "--binary", binary];
    const child = spawn(
      process.execPath,
      runtime.name === "deno" ? ["run", "-A", script, ...args] : [script, ...args],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
    const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(output, /^soak: ok$/m);
    // Not vacuous: queries went out and came back on every path, the abuser was limited, reloads ran.
    const row = (name: string) => output.split("\n").find((line) => line.startsWith(`| ${name}`))!.split("|").map((c) => c.trim());
    for (const name of ["UDP (127.0.0.1)", "UDP with cookies", "TCP (genuine)"]) {
      const [, , sent, answered] = row(name);
      assert.ok(Number(sent) > 100 && answered === sent, `${name}: ${sent} sent, ${answered} answered`);
    }
    assert.match(output, /Server: [1-9]\d* responses rate-limited/);
    assert.match(output, /server counted [1-9]\d* ok \/ [1-9]\d* failed/);
  });
});
