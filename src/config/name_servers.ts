/**
 * Name servers: reading `name_servers` / `--ns`, and the static records made
 * from the addresses given with in-zone name servers.
 */
import {
  assertUnique,
  quoteValue,
  readAddressList,
  readList,
  readMapping,
} from "./value_readers.ts";
import type { Place } from "./settings.ts";
import { isAtOrBelow, MAX_NAME_LENGTH, readDomainName } from "./names.ts";
import type { AllDownPolicy, RecordConfig } from "./config.ts";

/** A name server as configured: its host name and, optionally, its addresses. */
export interface NameServerEntry {
  /** Fully-qualified host name, lowercase, no trailing dot. */
  readonly name: string;
  /** Addresses to serve as its A/AAAA when it lies inside a served zone; empty when not given. */
  readonly addresses: readonly string[];
  /** Where the entry was written, for messages about its addresses. */
  readonly at: Place;
}

const ENTRY_KEYS = ["name", "addresses"] as const;

function readHostName(raw: unknown, at: Place): string {
  const name = readDomainName(raw, at, "host name");
  if (!name.includes(".")) {
    at.fail(`${quoteValue(raw)} is not a fully-qualified host name (like "ns1.example.com")`);
  }
  return name;
}

/**
 * Reads the name servers (the apex NS RRset; the first is the SOA MNAME): a
 * non-empty list of distinct, fully-qualified host names (at least two
 * labels, as the original requires), lowercase. An entry is a host name, as
 * in the original, or a mapping `{name, addresses}` whose addresses are
 * served as the name server's A/AAAA when it lies inside a served zone (see
 * `nameServerRecords`).
 */
export function readNameServers(value: unknown, at: Place): readonly NameServerEntry[] {
  const raws = readList(value, at, "name server");
  const entries = raws.map((raw, index): NameServerEntry => {
    const place = at.child(index);
    if (typeof raw !== "object" || raw === null) {
      return { name: readHostName(raw, place), addresses: [], at: place };
    }
    const fields = readMapping(raw, place, ENTRY_KEYS);
    if (fields.name === undefined) place.fail(`missing "name"`);
    return {
      name: readHostName(fields.name, place.child("name")),
      addresses: fields.addresses === undefined
        ? []
        : readAddressList(fields.addresses, place.child("addresses")),
      at: place,
    };
  });
  assertUnique(
    entries.map((entry) => entry.name),
    raws.map((raw) =>
      typeof raw === "object" && raw !== null ? (raw as { name: unknown }).name : raw
    ),
    at,
  );
  return entries;
}

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
