import { signRRset } from "../dnssec/sign_rrset.ts";
import type { SigningKey } from "../dnssec/signing_key.ts";
import { packBytes } from "../wire/pack_bytes.ts";
import type { RRsetModel, ZoneModel } from "./model_zone.ts";
import { rfc8482Hinfo } from "./rfc8482_hinfo.ts";
import type { CachedSignature, Snapshot } from "./snapshot.ts";
import { timeSlicer } from "./time_slicer.ts";
import { signatureDueAt, signatureWindow, type ZoneTiming } from "./timing.ts";

/** Signatures made at once; enough to keep Web Crypto busy without queueing 100k promises. */
const BATCH = 256;

/** Signatures made between two calls of `collectGarbage`: a few MiB of signing scratch space. */
const COLLECT_EVERY = 8192;

/**
 * Identity of a signed RRset: signer, owner, type, TTL and canonical RDATA.
 * A previous signature is reusable only under the same identity.
 */
function signatureKey(signer: string, owner: string, rrset: RRsetModel): string {
  const rdatas = rrset.rdatas.length === 1
    ? latin1(rrset.rdatas[0])
    : rrset.rdatas.map(latin1).sort().join("\n");
  return `${signer}\n${owner}\n${rrset.type}\n${rrset.ttl}\n${rdatas}`;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The result of signing every served zone. */
export interface SignedZones {
  /** Every signature of this build by RRset identity (signer, owner, type, TTL, RDATA), for the next build to reuse. */
  readonly signatures: ReadonlyMap<string, CachedSignature>;
  /**
   * This build's signature of each RRset: per zone, per name (in
   * `ZoneModel.names` order), one per RRset in order, then the HINFO's.
   */
  readonly byName: readonly (readonly (readonly CachedSignature[])[])[];
  /** When the earliest signature must be re-made (ms). */
  readonly refreshAt: number;
}

/**
 * Signs every RRset of every zone (plus each name's RFC 8482 HINFO), each
 * zone under its own apex. Signatures from `previous` are reused when made
 * with the same key for the same RRset identity and not yet due for refresh,
 * so a health change re-signs only what changed. Signing runs in parallel
 * batches; `collectGarbage`, when given, runs every few thousand signatures
 * (see `BuildInput.collectGarbage`).
 */
export async function signZones(
  zones: readonly ZoneModel[],
  key: SigningKey,
  timing: ZoneTiming,
  nowMs: number,
  previous: Snapshot | null,
  collectGarbage?: () => void,
): Promise<SignedZones> {
  const reusable = previous !== null && sameBytes(previous.dnskey, key.dnskeyRdata)
    ? previous.signatures
    : null;
  const window = signatureWindow(nowMs, timing);
  const hinfo = rfc8482Hinfo(timing.negativeTtl);
  const signatures = new Map<string, CachedSignature>();
  const slice = timeSlicer();
  const ids: string[][][] = [];
  const jobs: { id: string; owner: string; signer: string; rrset: RRsetModel }[] = [];
  for (const zone of zones) {
    const zoneIds: string[][] = [];
    ids.push(zoneIds);
    for (const { name, rrsets } of zone.names) {
      await slice();
      const nameIds: string[] = [];
      zoneIds.push(nameIds);
      for (let r = 0; r <= rrsets.length; r++) {
        const rrset = r < rrsets.length ? rrsets[r] : hinfo;
        const id = signatureKey(zone.apex, name, rrset);
        nameIds.push(id);
        const old = reusable?.get(id);
        if (old !== undefined && signatureDueAt(old.expiration, nowMs, timing) > nowMs) {
          signatures.set(id, old);
        } else if (!signatures.has(id)) {
          jobs.push({ id, owner: name, signer: zone.apex, rrset });
        }
      }
    }
  }
  for (let start = 0; start < jobs.length; start += BATCH) {
    if (start > 0 && start % COLLECT_EVERY === 0) collectGarbage?.();
    const batch = jobs.slice(start, start + BATCH);
    const made = await Promise.all(
      batch.map((job) =>
        signRRset(key, { owner: job.owner, signer: job.signer, ...job.rrset, ...window })
      ),
    );
    batch.forEach((job, i) =>
      signatures.set(
        job.id,
        Object.freeze({ rdata: packBytes(made[i]), expiration: window.expiration }),
      )
    );
  }
  let refreshAt = Infinity;
  for (const signature of signatures.values()) {
    refreshAt = Math.min(refreshAt, signatureDueAt(signature.expiration, nowMs, timing));
  }
  return Object.freeze({
    signatures,
    byName: ids.map((names) => names.map((of) => of.map((id) => signatures.get(id)!))),
    refreshAt: Number.isFinite(refreshAt)
      ? refreshAt
      : signatureDueAt(window.expiration, nowMs, timing),
  });
}
