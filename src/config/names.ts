/**
 * Domain-name rules of the config: what makes a valid name, zone membership,
 * record names relative to the served zones, and alias zones.
 */
import type { Place } from "./settings.ts";
import { quoteValue, readList } from "./value_readers.ts";

/** Longest name in text form without the trailing dot (RFC 1035: 255 octets on the wire). */
export const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LDH = /^[a-z0-9-]+$/;
/** Owner names of service records (`_acme-challenge`, `_tcp`) may also hold underscores (RFC 8552). */
const LDH_UNDERSCORE = /^[a-z0-9_-]+$/;

/**
 * What is wrong with a lowercase domain name written without a trailing dot,
 * or null when it is a valid host name: dot-separated labels of letters,
 * digits and hyphens, none starting or ending with a hyphen, at most 63
 * characters each and 253 in all. With `underscores` (an owner name, not a
 * host name) labels may also hold underscores.
 */
export function domainNameProblem(name: string, underscores = false): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  for (const label of name.split(".")) {
    if (label === "") return "it has an empty label";
    if (label.length > MAX_LABEL_LENGTH) {
      return `label "${label}" is longer than ${MAX_LABEL_LENGTH} characters`;
    }
    if (!(underscores ? LDH_UNDERSCORE : LDH).test(label)) {
      return `label ${JSON.stringify(label)} may hold only letters, digits${
        underscores ? ", underscores" : ""
      } and hyphens`;
    }
    if (label.startsWith("-") || label.endsWith("-")) {
      return `label "${label}" starts or ends with a hyphen`;
    }
  }
  return null;
}

/** True when `name` equals `zone` or lies below it (both lowercase, no trailing dot). */
export function isAtOrBelow(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/**
 * Reads a domain name written without the trailing dot and returns it
 * lowercase. `noun` names it in messages ("domain name", "record name").
 */
export function readDomainName(
  value: unknown,
  at: Place,
  noun: string,
  underscores = false,
): string {
  if (typeof value !== "string") at.fail(`${quoteValue(value)} is not a ${noun}`);
  if (value.endsWith(".") && value !== ".") {
    at.fail(`${quoteValue(value)} ends with a dot; write ${quoteValue(value.slice(0, -1))}`);
  }
  const name = value.toLowerCase();
  const problem = domainNameProblem(name, underscores);
  if (problem !== null) at.fail(`${quoteValue(value)} is not a valid ${noun}: ${problem}`);
  return name;
}

/**
 * Reads a record name relative to the served zones (`zones`: the hosted zone
 * first, then the aliases) and returns it lowercase. The apex ("", "@" or a
 * zone's own name) is refused (the caller reads "@" itself), and so is a name written with a zone suffix
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
    : readDomainName(raw, at, "record name", true);
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

/**
 * Reads the alias zones (possibly none). Each must differ from the hosted
 * zone and from every other alias, and none may lie inside another or inside
 * the hosted zone (or contain them): a query name must belong to exactly one
 * served zone. Unlike the original, which skipped a bad alias zone with a
 * warning, any problem is an error.
 */
export function readAliasZones(value: unknown, at: Place, hostedZone: string): readonly string[] {
  const raws = readList(value, at, null);
  const zones: string[] = [];
  raws.forEach((raw, index) => {
    const place = at.child(index);
    const zone = readDomainName(raw, place, "domain name");
    const shown = quoteValue(raw);
    if (zone === hostedZone) place.fail(`${shown} is the hosted zone itself`);
    if (zones.includes(zone)) place.fail(`${shown} is listed twice`);
    const others = [[hostedZone, "the hosted zone"], ...zones.map((zone) => [zone, "alias zone"])];
    for (const [other, what] of others) {
      if (isAtOrBelow(zone, other)) place.fail(`${shown} lies inside ${what} ${quoteValue(other)}`);
      if (isAtOrBelow(other, zone)) place.fail(`${shown} contains ${what} ${quoteValue(other)}`);
    }
    zones.push(zone);
  });
  return zones;
}
