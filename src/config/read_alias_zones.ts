import { isAtOrBelow } from "./is_at_or_below.ts";
import type { Place } from "./place.ts";
import { quoteValue, readList } from "./value_readers.ts";
import { readDomainName } from "./read_domain_name.ts";

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
