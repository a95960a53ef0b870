import type { AllDownPolicy } from "./config.ts";
import type { Place } from "./place.ts";
import { quoteValue } from "./value_readers.ts";
import { readAddressList } from "./read_address_list.ts";

/**
 * Reads what a health-checked record serves when all its addresses are down:
 * `none` (NODATA), `all` (every configured address), or a list of fallback
 * addresses.
 */
export function readAllDownPolicy(value: unknown, at: Place): AllDownPolicy {
  if (value === "none" || value === "all") return { kind: value };
  if (Array.isArray(value)) return { kind: "fallback", addresses: readAddressList(value, at) };
  at.fail(`${quoteValue(value)} is not none, all or a list of addresses`);
}
