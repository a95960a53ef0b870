import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

/**
 * Reads a list. Unless `item` is null the list must not be empty, and the
 * message asks for at least one `item`.
 */
export function readList(value: unknown, at: Place, item: string | null): readonly unknown[] {
  if (!Array.isArray(value)) at.fail(`${quoteValue(value)} is not a list`);
  if (item !== null && value.length === 0) at.fail(`[] is empty; give at least one ${item}`);
  return value;
}
