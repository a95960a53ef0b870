import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

const DIGITS = /^[0-9]+$/;

/** What each kind of whole number accepts, and the message when it does not fit. */
const KINDS = {
  port: { min: 1, max: 65535, problem: "is not a port (1-65535)" },
  count: { min: 1, max: Number.MAX_SAFE_INTEGER, problem: "is not a positive whole number" },
} as const;

/**
 * Reads a whole number: a YAML/JSON number, or decimal digits (a flag's
 * text). A port must lie in 1-65535; a count must be at least 1. `shown` is
 * how the message shows the value (default: the value itself).
 */
export function readInteger(
  value: unknown,
  at: Place,
  kind: keyof typeof KINDS,
  shown: string = quoteValue(value),
): number {
  const { min, max, problem } = KINDS[kind];
  const number = typeof value === "number"
    ? value
    : typeof value === "string" && DIGITS.test(value)
    ? Number(value)
    : NaN;
  if (!Number.isInteger(number) || number < min || number > max) at.fail(`${shown} ${problem}`);
  return number;
}
