/**
 * The generic value readers every config section uses: each takes a raw
 * value from YAML or a flag plus its `Place`, and returns the value or throws
 * the one-line `ConfigError` naming the place and the value. Section readers
 * (records, name servers, listen addresses) build on these; the shared
 * list readers (addresses, CIDR ranges, cookie secrets, all-down policy) live here too.
 */
import type { Place } from "./settings.ts";
import { type AddressRange, canonicalIp, parseAddressRange } from "../wire/ip_address.ts";
import type { AllDownPolicy } from "./config.ts";

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

/** Reads a non-empty string; `what` names it in the message ("a file path"). */
export function readString(value: unknown, at: Place, what: string): string {
  if (typeof value !== "string" || value === "") at.fail(`${quoteValue(value)} is not ${what}`);
  return value;
}

const DIGITS = /^[0-9]+$/;

/** What each kind of whole number accepts, and the message when it does not fit. */
const KINDS = {
  port: { min: 1, max: 65535, problem: "is not a port (1-65535)" },
  count: { min: 1, max: Number.MAX_SAFE_INTEGER, problem: "is not a positive whole number" },
  countOrZero: { min: 0, max: Number.MAX_SAFE_INTEGER, problem: "is not a whole number ≥ 0" },
  ipv4Prefix: { min: 0, max: 32, problem: "is not an IPv4 prefix length (0-32)" },
  ipv6Prefix: { min: 0, max: 128, problem: "is not an IPv6 prefix length (0-128)" },
  ttl: { min: 0, max: 0x7fffffff, problem: "is not a TTL (0-2147483647 seconds)" },
  uint16: { min: 0, max: 65535, problem: "is not a whole number from 0 to 65535" },
  uint8: { min: 0, max: 255, problem: "is not a whole number from 0 to 255" },
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

/**
 * Reads a list. Unless `item` is null the list must not be empty, and the
 * message asks for at least one `item`.
 */
export function readList(value: unknown, at: Place, item: string | null): readonly unknown[] {
  if (!Array.isArray(value)) at.fail(`${quoteValue(value)} is not a list`);
  if (item !== null && value.length === 0) at.fail(`[] is empty; give at least one ${item}`);
  return value;
}

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
      const near = closestWord(unknown, keys);
      const guess = near === null ? "" : `; did you mean ${JSON.stringify(near)}?`;
      at.child(unknown).fail(`unknown key${guess} (expected one of ${keys.join(", ")})`);
    }
  }
  return mapping;
}

/**
 * The candidate closest to a mistyped `word` by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours each count 1), or null
 * when none is within a third of the word's length (at least 1): far-off
 * guesses mislead more than they help.
 *
 * @example
 * closestWord("intervall", ["interval", "timeout"]); // "interval"
 * closestWord("prot", ["port", "listen"]); // "port"
 */
export function closestWord(word: string, candidates: readonly string[]): string | null {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

/** Optimal-string-alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

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

/** A duration in milliseconds as the config writes it: `30s`, `1.5s`, `500ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

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

/**
 * Reads a non-empty list of IPv4/IPv6 addresses and returns them in
 * canonical form (see `canonicalIp`), in the order given. A repeated
 * address is an error: it is most likely a typo for another one.
 */
export function readAddressList(value: unknown, at: Place): readonly string[] {
  const raws = readList(value, at, "address");
  const addresses = raws.map((raw, index): string => {
    const address = typeof raw === "string" ? canonicalIp(raw) : null;
    if (address === null) return at.child(index).fail(`${quoteValue(raw)} is not an IP address`);
    return address;
  });
  assertUnique(addresses, raws, at);
  return addresses;
}

/**
 * Reads an IP address or CIDR range ("203.0.113.0/24", "2001:db8::/48"; a
 * bare address is a single host) into its canonical address and prefix
 * length. Used for `transfer.allow` and `rate_limit.exempt`.
 */
export function readAddressRange(value: unknown, at: Place): AddressRange {
  const range = typeof value === "string" ? parseAddressRange(value) : null;
  if (range === null) {
    return at.fail(`${quoteValue(value)} is not an IP address or CIDR range (e.g. 203.0.113.0/24)`);
  }
  return range;
}

/** Reads a list of `readAddressRange` forms (in YAML also a single string). */
export function readAddressRanges(value: unknown, at: Place): readonly AddressRange[] {
  const items = typeof value === "string" ? [value] : readList(value, at, null);
  return items.map((item, index) => readAddressRange(item, at.child(index)));
}

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
