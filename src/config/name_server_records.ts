import type { AllDownPolicy, RecordConfig } from "./config.ts";
import { MAX_NAME_LENGTH } from "./domain_name_problem.ts";
import { isAtOrBelow } from "./is_at_or_below.ts";
import type { Place } from "./place.ts";
import type { NameServerEntry } from "./read_name_servers.ts";
import { quoteValue } from "./value_readers.ts";

/**
 * Turns the addresses given with name servers into static records, so a zone
 * whose name servers lie inside it answers for them itself (a resolver
 * asking for `ns1.example.com A` gets an address, not NXDOMAIN). Such a
 * record is relative like every other (`ns1` for `ns1.example.com`), so it is
 * served in every served zone and signed with them; it is never
 * health-checked. A name server with addresses must lie below a served zone
 * (elsewhere its addresses belong in its own zone and the parent's glue),
 * and its name must not also be a configured record.
 *
 * @param zones the hosted zone first, then the aliases.
 * @param records the configured records, to refuse a name given twice.
 */
export function nameServerRecords(
  entries: readonly NameServerEntry[],
  zones: readonly string[],
  records: readonly RecordConfig[],
  whenAllDown: AllDownPolicy,
): readonly RecordConfig[] {
  const taken = new Map(records.map((record) => [record.name, "records"]));
  const longest = zones.reduce((a, b) => (b.length > a.length ? b : a));
  const found: RecordConfig[] = [];
  for (const { name, addresses, at } of entries) {
    if (addresses.length === 0) continue;
    const place: Place = at.child("addresses");
    const zone = zones.find((zone) => isAtOrBelow(name, zone));
    if (zone === undefined) {
      place.fail(
        `${
          quoteValue(name)
        } lies outside every served zone, so its addresses cannot be served here ` +
          "(they belong in its own zone, and as glue in the parent)",
      );
    }
    if (name === zone) place.fail(`${quoteValue(name)} is the zone apex, which has no addresses`);
    const relative = name.slice(0, -zone.length - 1);
    const other = taken.get(relative);
    if (other !== undefined) {
      place.fail(
        `${quoteValue(relative)} is already given addresses by ${other}; give them in one place`,
      );
    }
    if (relative.length + 1 + longest.length > MAX_NAME_LENGTH) {
      place.fail(
        `${quoteValue(relative)} is too long: under ${
          quoteValue(longest)
        } it exceeds ${MAX_NAME_LENGTH} characters`,
      );
    }
    taken.set(relative, `name server ${quoteValue(name)}`);
    found.push({ name: relative, addresses, check: null, whenAllDown });
  }
  return found;
}
