import { MAX_NAME_LENGTH } from "./domain_name_problem.ts";
import { isAtOrBelow } from "./is_at_or_below.ts";
import type { Place } from "./place.ts";
import { quoteValue } from "./value_readers.ts";
import { readDomainName } from "./read_domain_name.ts";

/**
 * Reads a record name relative to the served zones (`zones`: the hosted zone
 * first, then the aliases) and returns it lowercase. The apex ("", "@" or a
 * zone's own name) is refused, and so is a name written with a zone suffix
 * (probably meant as absolute), with or without its trailing dot: the
 * message offers the relative name, which is accepted. The name plus the
 * longest zone must fit in 253 characters.
 */
export function readRecordName(raw: string, at: Place, zones: readonly string[]): string {
  const shown = quoteValue(raw);
  if (raw === "" || raw === "@") at.fail(`${shown} is the zone apex; records must be below it`);
  // An absolute name ("www.example.test.") gets the relative advice, not "drop the dot".
  const absolute = raw.endsWith(".") && raw !== "." ? raw.slice(0, -1).toLowerCase() : null;
  const zoneOf = (name: string) => zones.find((zone) => isAtOrBelow(name, zone));
  const name = absolute !== null && zoneOf(absolute) !== undefined
    ? absolute
    : readDomainName(raw, at, "record name");
  const zone = zoneOf(name);
  if (zone === name) at.fail(`${shown} is the zone apex; records must be below it`);
  if (zone !== undefined) {
    at.fail(
      `${shown} must be relative to the zone (write ${
        quoteValue(name.slice(0, -zone.length - 1))
      })`,
    );
  }
  const longest = zones.reduce((a, b) => (b.length > a.length ? b : a));
  if (name.length + 1 + longest.length > MAX_NAME_LENGTH) {
    at.fail(
      `${shown} is too long: under ${quoteValue(longest)} it exceeds ${MAX_NAME_LENGTH} characters`,
    );
  }
  return name;
}
