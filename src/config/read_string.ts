import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

/** Reads a non-empty string; `what` names it in the message ("a file path"). */
export function readString(value: unknown, at: Place, what: string): string {
  if (typeof value !== "string" || value === "") at.fail(`${quoteValue(value)} is not ${what}`);
  return value;
}
