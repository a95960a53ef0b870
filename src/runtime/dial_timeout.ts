import type { DialResult } from "./runtime.ts";

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
