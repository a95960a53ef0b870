import { readAddressList } from "./read_address_list.ts";
import type { Place } from "./place.ts";
import { assertUnique, quoteValue, readList, readMapping } from "./value_readers.ts";
import { readDomainName } from "./read_domain_name.ts";

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
