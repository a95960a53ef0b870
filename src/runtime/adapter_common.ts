/**
 * What both runtime adapters (deno_runtime.ts, bun_runtime.ts) share, so
 * they behave alike: how a TCP dial's failure or timeout reads, how long a
 * closing TCP connection lingers, and the process figures for /metrics.
 * Internal to the adapters.
 */
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import type { DialFailure, DialResult, ProcessStats } from "./runtime.ts";

/**
 * How long `TcpConnection.close()` waits for queued bytes to reach a peer before
 * closing anyway: replies written just before a close still go out, but a peer
 * that stopped reading cannot pin the socket. Internal to the runtime adapters.
 */
export const TCP_CLOSE_LINGER_MS = 2_000;

/**
 * The probe result when a connect to `hostname`:`port` got no answer within
 * `timeoutMs`; `ms` is the time actually spent. Shared by both runtime adapters
 * so their timeouts read alike in logs.
 */
export function dialTimeout(
  hostname: string,
  port: number,
  timeoutMs: number,
  ms: number,
): DialResult {
  return {
    ok: false,
    reason: "timeout",
    ms,
    detail: `no answer from ${hostname}:${port} within ${timeoutMs} ms`,
  };
}

/** errno codes meaning "no route to that address" rather than "nobody listening". */
const UNREACHABLE_CODES: ReadonlySet<string> = new Set([
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENETDOWN",
  "EHOSTDOWN",
]);

/** Deno error class names for the same conditions, when no errno code is attached. */
const UNREACHABLE_NAMES: ReadonlySet<string> = new Set(["NetworkUnreachable", "AddrNotAvailable"]);

/**
 * Maps an error thrown by a TCP connect to a probe failure reason and a detail
 * string for logs. Shared by both runtime adapters so they classify alike.
 * Timeouts imposed by the dialer itself are classified by the caller, not here.
 */
export function classifyDialError(error: unknown): { reason: DialFailure; detail: string } {
  const code = typeof error === "object" && error !== null && "code" in error
    ? String(error.code)
    : "";
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error
    ? (code ? `${code}: ${error.message}` : error.message)
    : String(error);
  if (code === "ECONNREFUSED" || name === "ConnectionRefused") return { reason: "refused", detail };
  if (code === "ETIMEDOUT" || name === "TimedOut") return { reason: "timeout", detail };
  if (UNREACHABLE_CODES.has(code) || UNREACHABLE_NAMES.has(name)) {
    return { reason: "unreachable", detail };
  }
  return { reason: "error", detail };
}

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
