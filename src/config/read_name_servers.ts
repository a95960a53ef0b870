import { assertUnique, quoteValue, readList } from "./value_readers.ts";
import type { Place } from "./place.ts";
import { readDomainName } from "./read_domain_name.ts";

/**
 * Reads the name-server host names (the apex NS RRset; the first is the SOA
 * MNAME): a non-empty list of distinct, fully-qualified host names (at least
 * two labels, as the original requires), lowercase.
 */
export function readNameServers(value: unknown, at: Place): readonly string[] {
  const raws = readList(value, at, "name server");
  const names = raws.map((raw, index) => {
    const name = readDomainName(raw, at.child(index), "host name");
    if (!name.includes(".")) {
      at.child(index).fail(
        `${quoteValue(raw)} is not a fully-qualified host name (like "ns1.example.com")`,
      );
    }
    return name;
  });
  assertUnique(names, raws, at);
  return names;
}
