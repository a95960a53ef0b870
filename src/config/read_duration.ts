import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

const DURATION = /^([0-9]+(?:\.[0-9]+)?) *(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
/** Longer timers would overflow a 32-bit setTimeout and make no sense for probes. */
const MAX_MS = 24 * 3_600_000;

/**
 * Reads a duration in milliseconds: a number of seconds (`30`, `0.5`), or
 * text with a unit: `500ms`, `30s`, `2m`, `1h` (no unit: seconds). Rounded to
 * the millisecond; must be at least 1 ms and at most 24 h.
 */
export function readDuration(value: unknown, at: Place): number {
  let ms: number;
  if (typeof value === "number" && Number.isFinite(value)) {
    ms = Math.round(value * 1000);
  } else {
    const match = typeof value === "string" ? DURATION.exec(value.trim()) : null;
    if (match === null) at.fail(`${quoteValue(value)} is not a duration`);
    ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? "s"]);
  }
  if (ms < 1) at.fail(`${quoteValue(value)} is not a positive duration`);
  if (ms > MAX_MS) at.fail(`${quoteValue(value)} is longer than 24h`);
  return ms;
}
