import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

/**
 * Reads one of a fixed set of words, ignoring case; returns it spelt as in
 * `choices`.
 */
export function readChoice<T extends string>(value: unknown, at: Place, choices: readonly T[]): T {
  const found = typeof value === "string"
    ? choices.find((choice) => choice.toLowerCase() === value.toLowerCase())
    : undefined;
  if (found === undefined) at.fail(`${quoteValue(value)} is not one of ${choices.join(", ")}`);
  return found;
}
