/** Longest rendering of a value inside an error message. */
const MAX_LENGTH = 60;

/**
 * Renders a configured value for an error message: JSON (strings quoted,
 * numbers bare, newlines escaped, so the message stays one line), shortened
 * when long.
 */
export function quoteValue(value: unknown): string {
  // JSON would show Infinity and NaN as null.
  const text = typeof value === "number" ? String(value) : JSON.stringify(value) ?? String(value);
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 3)}...` : text;
}
