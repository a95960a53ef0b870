/**
 * Encoding a zone's names into the answer path's entries: every positive
 * answer prepared (plain for DO=0, with RRSIGs for DO=1), signatures kept
 * where unchanged and read back from the answers that carry them, and the
 * HINFO synthesised for ANY (RFC 8482).
 */
import { signRRset } from "../dnssec/rrsig.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import { DNS } from "../wire/constants.ts";
import type { Fragment, FragmentWriter } from "../wire/fragment.ts";
import { skipName } from "../wire/names.ts";
import { nameRRsets, type RRsetModel, type ZoneSource } from "./name_rrsets.ts";
import type { NameEntry } from "./snapshot.ts";
import { signatureDueAt } from "./timing.ts";

/** Signatures made at once; enough to keep Web Crypto busy without queueing 100k promises. */
const BATCH = 256;

/** HINFO RDATA: CPU "RFC8482", OS "" (RFC 8482 §4.2). */
const HINFO_RDATA = new Uint8Array([7, ...new TextEncoder().encode("RFC8482"), 0]);

/** One existing name to (re-)encode. */
export interface NameToEncode {
  /** Absolute, dotted, lowercase. */
  readonly name: string;
  /** `wireKey` of its wire form: its key in `Snapshot.names`. */
  readonly key: string;
  /** Index of its own NSEC in the zone's chain, or -1 (unsigned, or an empty non-terminal). */
  readonly chainIndex: number;
  /** `NameEntry.proof`: its own chain index, or the covering one for an empty non-terminal; -1 unsigned. */
  readonly proof: number;
  /** Its entry in the snapshot being replaced (same zone, same key or none), whose parts are kept where unchanged. */
  readonly old: NameEntry | undefined;
}

/** One served zone's encoding job within a build. */
export interface ZoneEncoder {
  readonly source: ZoneSource;
  /** Position of the zone in `Snapshot.zones`. */
  readonly position: number;
  /** The key and this build's signature window, or null for an unsigned zone. */
  readonly signing: {
    readonly key: SigningKey;
    readonly inception: number;
    readonly expiration: number;
  } | null;
  readonly nowMs: number;
  /** One scratch writer for the whole build. */
  readonly writer: FragmentWriter;
  /** Identical type lists and unsigned address answers, shared between entries of one build. */
  readonly shared: Map<string, readonly number[] | Fragment>;
  /** Pauses now and then so queries are answered meanwhile (`timeSlicer` in build_snapshot.ts). */
  readonly slice: () => Promise<void> | undefined;
}

/** What `encodeNames` produced. */
export interface EncodedNames {
  /** One entry per name, in order: the old entry itself when nothing in it changed. */
  readonly entries: readonly NameEntry[];
  /** When the earliest signature of these entries is due for refresh (ms); Infinity unsigned. */
  readonly refreshAt: number;
  /** The zone's SOA for negative answers, when the apex was among the names; else null. */
  readonly negativeSoa: Fragment | null;
}

/** A name's RRsets (its zone's, then the RFC 8482 HINFO) and what each will be answered with. */
interface Plan {
  readonly target: NameToEncode;
  readonly rrsets: readonly RRsetModel[];
  /** Per RRset: the answer fragment (kept or made), or null while its signature is being made. */
  readonly fragments: (Fragment | null)[];
  /** Per RRset: its RRSIG RDATA when signed. */
  readonly signatures: (Uint8Array | null)[];
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * Encodes existing names of one zone into the answer path's entries (every
 * positive answer prepared, plain for DO=0 and with RRSIGs for DO=1). Each
 * RRset is derived afresh (`nameRRsets`) and written; when it is byte for
 * byte the old entry's answer of that type, the old answer is kept with its
 * signature unless that is due for refresh; otherwise it is signed anew
 * (in parallel batches) and written with its RRSIG. An entry with every
 * answer kept is the old entry itself, so a snapshot shares whatever did
 * not change with the one it replaces. Signatures are never stored apart:
 * they are read back from the answers that carry them.
 */
export async function encodeNames(
  encoder: ZoneEncoder,
  names: readonly NameToEncode[],
): Promise<EncodedNames> {
  const { source, signing, nowMs, writer: w, shared, slice } = encoder;
  const timing = source.index.timing;
  const apex = source.shape.apex;
  const hinfo = rfc8482Hinfo(timing.negativeTtl);
  let refreshAt = Infinity;

  /** Writes the plain records of an RRset of `name` into the scratch writer. */
  const writePlain = (name: string, rrset: RRsetModel) => {
    const nsec = rrset.type === DNS.TYPE_NSEC;
    // A name's NSEC answer doubles as its chain proof, so it is written relocatable.
    w.restart(nsec ? apex : name, nsec);
    w.rrset(name, rrset.type, rrset.ttl, rrset.rdatas);
  };

  /** Finishes an unsigned answer; address and HINFO answers are shared (their owner is a pointer). */
  const finishUnsigned = (rrset: RRsetModel): Fragment => {
    if (
      rrset.type !== DNS.TYPE_A && rrset.type !== DNS.TYPE_AAAA && rrset.type !== DNS.TYPE_HINFO
    ) {
      return w.finish();
    }
    let key = `${rrset.type}/${rrset.ttl}`;
    for (const rdata of rrset.rdatas) key += `/${latin1(rdata)}`;
    const found = shared.get(key);
    if (found !== undefined) return found as Fragment;
    const made = w.finish();
    shared.set(key, made);
    return made;
  };

  const plans: Plan[] = [];
  const jobs: { plan: Plan; r: number }[] = [];
  for (const target of names) {
    await slice();
    const { name, old } = target;
    const rrsets = [...nameRRsets(source, name, target.chainIndex), hinfo];
    const plan: Plan = {
      target,
      rrsets,
      fragments: new Array(rrsets.length).fill(null),
      signatures: new Array(rrsets.length).fill(null),
    };
    plans.push(plan);
    for (let r = 0; r < rrsets.length; r++) {
      const rrset = rrsets[r];
      const at = old === undefined
        ? -1
        : old.types.indexOf(r === rrsets.length - 1 ? DNS.TYPE_ANY : rrset.type);
      const before = at < 0 ? null : old!.answers[at];
      // Written now to compare with the old answer, or to finish unsigned; a new signed one is written once signed.
      if (before !== null || signing === null) writePlain(name, rrset);
      if (before !== null && w.matchesPlain(before)) {
        if (signing === null) {
          plan.fragments[r] = before;
          continue;
        }
        const signature = fragmentSignature(before);
        const due = signatureDueAt(signatureExpiration(signature), nowMs, timing);
        if (due > nowMs) {
          plan.fragments[r] = before;
          plan.signatures[r] = signature;
          refreshAt = Math.min(refreshAt, due);
          continue;
        }
      }
      if (signing === null) plan.fragments[r] = finishUnsigned(rrset);
      else jobs.push({ plan, r });
    }
  }

  if (signing !== null && jobs.length > 0) {
    const { key, inception, expiration } = signing;
    for (let start = 0; start < jobs.length; start += BATCH) {
      const batch = jobs.slice(start, start + BATCH);
      const made = await Promise.all(
        batch.map(({ plan, r }) =>
          signRRset(key, {
            owner: plan.target.name,
            signer: apex,
            ...plan.rrsets[r],
            inception,
            expiration,
          })
        ),
      );
      batch.forEach(({ plan, r }, i) => plan.signatures[r] = made[i]);
    }
    refreshAt = Math.min(refreshAt, signatureDueAt(expiration, nowMs, timing));
  }

  const entries: NameEntry[] = [];
  let negativeSoa: Fragment | null = null;
  for (const { target, rrsets, fragments, signatures } of plans) {
    await slice();
    const { name, old } = target;
    for (let r = 0; r < rrsets.length; r++) {
      if (fragments[r] !== null) continue;
      writePlain(name, rrsets[r]);
      w.endPlain();
      w.record(name, DNS.TYPE_RRSIG, rrsets[r].ttl, signatures[r]!);
      fragments[r] = w.finish();
    }
    const zoneSets = rrsets.length - 1;
    const types: number[] = [];
    const answers: Fragment[] = [];
    for (let r = 0; r < zoneSets; r++) {
      types.push(rrsets[r].type);
      answers.push(fragments[r]!);
    }
    if (signing !== null && zoneSets > 0) {
      // The RRSIG answer: every signature here. Kept when every RRset (and so every signature) is.
      const at = old === undefined ? -1 : old.types.indexOf(DNS.TYPE_RRSIG);
      if (at === zoneSets && answers.every((answer, i) => old!.answers[i] === answer)) {
        answers.push(old!.answers[at]);
      } else {
        w.restart(name, false);
        for (let r = 0; r < zoneSets; r++) {
          w.record(name, DNS.TYPE_RRSIG, rrsets[r].ttl, signatures[r]!);
        }
        answers.push(w.finish());
      }
      types.push(DNS.TYPE_RRSIG);
    }
    types.push(DNS.TYPE_ANY);
    answers.push(fragments[zoneSets]!);
    let entry: NameEntry;
    if (
      old !== undefined && old.proof === target.proof && old.answers.length === answers.length &&
      answers.every((answer, i) => old.answers[i] === answer && old.types[i] === types[i])
    ) {
      entry = old;
    } else {
      const typesKey = types.join(",");
      let sharedTypes = shared.get(typesKey) as readonly number[] | undefined;
      if (sharedTypes === undefined) shared.set(typesKey, sharedTypes = types);
      entry = Object.freeze({
        zone: encoder.position,
        proof: target.proof,
        types: sharedTypes,
        answers,
      });
    }
    entries.push(entry);
    if (name === apex) {
      const at = rrsets.findIndex((set) => set.type === DNS.TYPE_SOA);
      if (at < 0) throw new Error(`zone ${apex} has no SOA`);
      w.restart(apex, true);
      w.rrset(apex, DNS.TYPE_SOA, timing.negativeTtl, rrsets[at].rdatas);
      if (signing !== null) {
        w.endPlain();
        w.record(apex, DNS.TYPE_RRSIG, timing.negativeTtl, signatures[at]!);
      }
      negativeSoa = w.finish();
    }
  }
  return { entries, refreshAt, negativeSoa };
}

/**
 * The HINFO RRset synthesised for ANY queries at an existing name (RFC 8482
 * §4.2), with the negative-answer TTL. Not part of the zone: absent from NSEC
 * bitmaps, but signed so a DO=1 ANY answer validates.
 */
export function rfc8482Hinfo(negativeTtl: number): RRsetModel {
  return Object.freeze({
    type: DNS.TYPE_HINFO,
    ttl: negativeTtl,
    rdatas: Object.freeze([HINFO_RDATA]),
  });
}

/**
 * The RRSIG RDATA of a signed one-RRset answer fragment: the record right
 * after its plain part (owner name, 10 bytes of type, class, TTL and
 * RDLENGTH, then RDATA). A view into the fragment, not a copy: signatures
 * live only inside the answers that carry them, and the builder reads them
 * back from there to reuse them.
 */
export function fragmentSignature(fragment: Fragment): Uint8Array {
  const bytes = fragment.bytes;
  const at = skipName(bytes, fragment.plainLength);
  if (at < 0 || at + 10 > bytes.length) {
    throw new RangeError("fragment has no RRSIG after its plain part");
  }
  return bytes.subarray(at + 10, at + 10 + ((bytes[at + 8] << 8) | bytes[at + 9]));
}

/** The signature expiration field of RRSIG RDATA (u32 seconds, RFC 4034 §3.1.5). */
export function signatureExpiration(rrsig: Uint8Array): number {
  return ((rrsig[8] << 24) | (rrsig[9] << 16) | (rrsig[10] << 8) | rrsig[11]) >>> 0;
}
