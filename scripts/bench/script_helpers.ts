/**
 * Small helpers shared by the loopback scripts that drive the real binary
 * (fuzz.ts, soak.ts, bench_abuse.ts, bench_transfer_abuse.ts): flags and the
 * server's RSS. Free ports and the repository root come from
 * harness/server_harness.ts, which the tests use too.
 */
import { readFileSync } from "node:fs";

const args = globalThis.process.argv.slice(2);

/** The value after `--name` on the command line, or `fallback`. */
export function flag(name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && at + 1 < args.length ? args[at + 1] : fallback;
}

/** Resident set size of process `pid` in MiB (NaN once it is gone). */
export function rssMiB(pid: number): number {
  try {
    const match = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}
