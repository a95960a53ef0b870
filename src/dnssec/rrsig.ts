/**
 * RRSIG records (RFC 4034 §3): signing an RRset in canonical form and the
 * fields of the signature derived from its owner name.
 */
import { compareBytes, concatBytes } from "../wire/bytes.ts";
import { nameToWire } from "../wire/names.ts";
import type { SigningKey } from "./keys.ts";

const CLASS_IN = 1;

/** One RRset to sign, as the zone builder hands it over. */
export interface RRsetToSign {
  /** Owner name: dotted, lowercase, no trailing dot. */
  readonly owner: string;
  /** RR type number (1 = A, 47 = NSEC, …). */
  readonly type: number;
  /** The RRset's TTL: the RRSIG's Original TTL. */
  readonly ttl: number;
  /**
   * Canonical RDATA of each record (embedded names uncompressed and lowercase:
   * the caller's job). Any order; duplicates are dropped.
   */
  readonly rdatas: readonly Uint8Array[];
  /** Signer name: the served zone's apex (dotted, no trailing dot). */
  readonly signer: string;
  /** Signature inception, seconds since the epoch (u32, RFC 1982 arithmetic). */
  readonly inception: number;
  /** Signature expiration, seconds since the epoch (u32). */
  readonly expiration: number;
}

/**
 * Signs an RRset and returns the complete RRSIG RDATA (RFC 4034 §3.1): type
 * covered, algorithm, labels, original TTL, expiration, inception, key tag,
 * signer name (canonical) and signature. The RRset is put in canonical order
 * first (§6.3) and the signed data built per §3.1.8.1.
 *
 * @example
 * const rrsig = await signRRset(key, { owner: "www.example.test", type: 1, ttl: 60,
 *   rdatas: [new Uint8Array([192, 0, 2, 1])], signer: "example.test",
 *   inception: now - 3600, expiration: now + 14 * 86400 });
 */
export async function signRRset(key: SigningKey, rrset: RRsetToSign): Promise<Uint8Array> {
  for (
    const [field, value, max] of [
      ["type", rrset.type, 0xffff],
      ["ttl", rrset.ttl, 0xffffffff],
      ["inception", rrset.inception, 0xffffffff],
      ["expiration", rrset.expiration, 0xffffffff],
    ] as const
  ) {
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw new RangeError(`RRset ${rrset.owner}/${rrset.type}: ${field} ${value} is out of range`);
    }
  }
  if (rrset.rdatas.length === 0) {
    throw new RangeError(`RRset ${rrset.owner}/${rrset.type} has no records`);
  }
  const signer = nameToWire(rrset.signer);
  const header = new Uint8Array(18 + signer.length);
  const view = new DataView(header.buffer);
  view.setUint16(0, rrset.type);
  header[2] = key.algorithm;
  header[3] = labelCount(rrset.owner);
  view.setUint32(4, rrset.ttl);
  view.setUint32(8, rrset.expiration);
  view.setUint32(12, rrset.inception);
  view.setUint16(16, key.keyTag);
  header.set(signer, 18);

  return concatBytes(header, await key.sign(signedData(header, rrset)));
}

/** RRSIG RDATA (minus signature) followed by every RR in canonical form and order. */
function signedData(header: Uint8Array, rrset: RRsetToSign): Uint8Array {
  const owner = nameToWire(rrset.owner);
  const sorted = [...rrset.rdatas].sort(compareBytes);
  const unique = sorted.filter((rdata, i) => i === 0 || compareBytes(rdata, sorted[i - 1]) !== 0);
  const rrFixed = owner.length + 10;
  const total = unique.reduce((sum, rdata) => sum + rrFixed + rdata.length, header.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(header);
  let at = header.length;
  for (const rdata of unique) {
    out.set(owner, at);
    at += owner.length;
    view.setUint16(at, rrset.type);
    view.setUint16(at + 2, CLASS_IN);
    view.setUint32(at + 4, rrset.ttl);
    view.setUint16(at + 8, rdata.length);
    out.set(rdata, at + 10);
    at += 10 + rdata.length;
  }
  return out;
}

/**
 * The RRSIG Labels field for an owner name (RFC 4034 §3.1.3): its label
 * count, not counting the root nor a leading "*" wildcard label.
 *
 * @example
 * labelCount("www.example.test"); // 3
 */
export function labelCount(owner: string): number {
  const trimmed = owner.endsWith(".") ? owner.slice(0, -1) : owner;
  if (trimmed === "") return 0;
  const labels = trimmed.split(".");
  return labels[0] === "*" ? labels.length - 1 : labels.length;
}
