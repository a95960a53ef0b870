import type { Place } from "./place.ts";
import { quoteValue, readList } from "./value_readers.ts";

const SECRET = /^[0-9a-fA-F]{32}$/;

/**
 * Reads cookie secrets: one string or a list of them, each 32 hex digits (a
 * 128-bit SipHash key, RFC 9018 §4.4), returned lowercase. The value itself
 * never appears in a message: it is a secret.
 */
export function readSecretList(value: unknown, at: Place): readonly string[] {
  const items = typeof value === "string" ? [value] : readList(value, at, "secret");
  return items.map((item, index) => {
    if (typeof item !== "string" || !SECRET.test(item)) {
      const shown = typeof item === "string"
        ? `a string of ${item.length} characters`
        : quoteValue(item);
      const here: Place = typeof value === "string" ? at : at.child(index);
      return here.fail(`${shown} is not a secret of 32 hex digits (openssl rand -hex 16)`);
    }
    return item.toLowerCase();
  });
}
