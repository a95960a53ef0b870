import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import type { ProcessStats } from "./runtime.ts";

/** Linux's USER_HZ: /proc times are in these ticks on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A file's text, or null when it cannot be read (not Linux, or no /proc). */
function readProc(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * The fields of /proc/self/stat after the command name (which may hold spaces
 * and parentheses): index 0 is field 3, `state`.
 */
function statFields(): string[] | null {
  const stat = readProc("/proc/self/stat");
  return stat === null ? null : stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Process start in seconds since the epoch: boot time plus the start tick, as Prometheus' Go client computes it. */
function readStartTime(): number | null {
  const fields = statFields();
  const boot = readProc("/proc/stat")?.match(/^btime (\d+)$/m);
  if (fields === null || !boot) return null;
  return Number(boot[1]) + Number(fields[19]) / CLOCK_TICKS_PER_SECOND;
}

/** Read once: it does not change. Falls back to the clock minus the uptime off Linux. */
const START_TIME_SECONDS = readStartTime() ?? (Date.now() / 1000 - process.uptime());

function openFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

function maxFds(): number | null {
  const limit = readProc("/proc/self/limits")?.match(/^Max open files\s+(\d+)/m);
  return limit ? Number(limit[1]) : null;
}

/**
 * Reads this process's figures through the Node.js compatibility layer both
 * runtimes provide (memory and CPU) and Linux's /proc (start time, virtual
 * memory, file descriptors). Shared by both runtime adapters.
 */
export function readProcessStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const vsize = statFields()?.[20];
  return Object.freeze({
    residentBytes: process.memoryUsage.rss(),
    virtualBytes: vsize === undefined ? null : Number(vsize),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    startTimeSeconds: START_TIME_SECONDS,
    openFds: openFds(),
    maxFds: maxFds(),
  });
}
