import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

/**
 * Reads a mapping (a YAML mapping or a JSON object). With `keys`, any other
 * key is an error naming it, which catches typos.
 */
export function readMapping(
  value: unknown,
  at: Place,
  keys: readonly string[] | null,
): Readonly<Record<string, unknown>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    at.fail(`${quoteValue(value)} is not a mapping`);
  }
  const mapping = value as Record<string, unknown>;
  if (keys !== null) {
    const unknown = Object.keys(mapping).find((key) => !keys.includes(key));
    if (unknown !== undefined) {
      at.child(unknown).fail(`unknown key (expected one of ${keys.join(", ")})`);
    }
  }
  return mapping;
}
