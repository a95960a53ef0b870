import { DNS } from "../wire/constants.ts";
import type { Fragment } from "../wire/fragment.ts";
import { fragmentSignature } from "./encode_names.ts";
import { nameRRsets, type ZoneSource } from "./name_rrsets.ts";
import type { NameEntry, RRsetChange, RRsetData } from "./snapshot.ts";

/** One name as one snapshot has it: its entry and what that entry was derived from. */
export interface NameVersion {
  readonly entry: NameEntry;
  readonly source: ZoneSource;
}

/** Its zone RRsets by type, read from the entry's answers and re-derived from its source. */
function rrsetsOf(
  name: string,
  version: NameVersion | null,
): Map<number, { data: RRsetData; answer: Fragment }> {
  const found = new Map<number, { data: RRsetData; answer: Fragment }>();
  if (version === null) return found;
  const { entry, source } = version;
  const chainIndex = entry.types.includes(DNS.TYPE_NSEC) ? entry.proof : -1;
  for (const rrset of nameRRsets(source, name, chainIndex)) {
    const answer = entry.answers[entry.types.indexOf(rrset.type)];
    found.set(rrset.type, {
      answer,
      data: Object.freeze({
        ttl: rrset.ttl,
        rdatas: rrset.rdatas,
        rrsig: source.dnskey === null ? null : fragmentSignature(answer),
      }),
    });
  }
  return found;
}

function sameBytes(a: Fragment, b: Fragment): boolean {
  return a === b ||
    (a.bytes.length === b.bytes.length && a.bytes.every((byte, i) => byte === b.bytes[i]));
}

/**
 * The RRsets of `name` (in zone `zone`) that differ between two versions of
 * it; `before` null for a name added, `after` null for a name removed. Only
 * called for names whose entry changed, so the re-derivation stays small.
 */
export function rrsetChanges(
  zone: number,
  name: string,
  before: NameVersion | null,
  after: NameVersion | null,
): RRsetChange[] {
  const old = rrsetsOf(name, before);
  const fresh = rrsetsOf(name, after);
  const changes: RRsetChange[] = [];
  const types = [...new Set([...old.keys(), ...fresh.keys()])].sort((a, b) => a - b);
  for (const type of types) {
    const was = old.get(type);
    const now = fresh.get(type);
    if (was !== undefined && now !== undefined && sameBytes(was.answer, now.answer)) continue;
    changes.push(Object.freeze({
      zone,
      owner: name,
      type,
      before: was?.data ?? null,
      after: now?.data ?? null,
    }));
  }
  return changes;
}
