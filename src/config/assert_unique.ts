import type { Place } from "./place.ts";
import { quoteValue } from "./quote_value.ts";

/**
 * Rejects a list whose normalised `values` repeat. `raws` are the values as
 * the user wrote them (same order), for the message.
 */
export function assertUnique(values: readonly string[], raws: readonly unknown[], at: Place): void {
  values.forEach((value, index) => {
    if (values.indexOf(value) === index) return;
    const same = raws[index] === value ? "" : ` (as ${quoteValue(value)})`;
    at.child(index).fail(`${quoteValue(raws[index])} is listed twice${same}`);
  });
}
