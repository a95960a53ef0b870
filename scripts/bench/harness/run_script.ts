import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { currentRuntime } from "../../../src/runtime/current_runtime.ts";
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
  const script = join(REPO_ROOT, "scripts", "bench", `${name}.ts`);
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

/** A scripts/bench/harness/tcp_abuser.ts process: its JSON counts once it ends, and a way to kill it. */
export interface Abuser {
  readonly done: Promise<Record<string, number>>;
  kill(): void;
}

/**
 * Runs `tcp_abuser.ts MODE PORT LOCAL SECONDS COUNT` in a process of the
 * current runtime (its work must not share the measuring event loop), with
 * `env` added to the environment and a descriptor limit high enough for
 * thousands of connections.
 */
export async function startAbuser(
  mode: string,
  port: number,
  local: string,
  seconds: number,
  count = 1,
  env: Readonly<Record<string, string>> = {},
): Promise<Abuser> {
  const runtime = await currentRuntime();
  const abuser = join(REPO_ROOT, "scripts", "bench", "harness", "tcp_abuser.ts");
  const command = runtime.name === "deno"
    ? [process.execPath, "run", "-A", abuser]
    : [process.execPath, abuser];
  const args = [mode, String(port), local, String(seconds), String(count)];
  // A soft descriptor limit of 1024 (common in CI) is too low for 1,000 connections.
  const child = spawn("sh", [
    "-c",
    'ulimit -n 4096 2>/dev/null; exec "$@"',
    "sh",
    ...command,
    ...args,
  ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Uint8Array) => (out += new TextDecoder().decode(chunk)));
  child.stderr.on("data", (chunk: Uint8Array) => (err += new TextDecoder().decode(chunk)));
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`tcp_abuser ${mode} exited ${code}: ${err.trim()}`));
      } else resolve(JSON.parse(line));
    });
  });
  return { done, kill: () => child.kill("SIGKILL") };
}
