import { spawn } from "node:child_process";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { REPO_ROOT } from "./server_harness.ts";

/**
 * Runs `scripts/NAME.ts ARGS` on the current runtime (deno or bun) and
 * resolves with its exit code and everything it printed; kills it after
 * `timeoutMs`.
 */
export async function runScript(
  name: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number; output: string }> {
  const runtime = await currentRuntime();
  const script = join(REPO_ROOT, "scripts", `${name}.ts`);
  const child = spawn(
    process.execPath,
    runtime.name === "deno" ? ["run", "-A", script, ...args] : [script, ...args],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, output };
}
