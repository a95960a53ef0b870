import type { DialFailure } from "./runtime.ts";

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
