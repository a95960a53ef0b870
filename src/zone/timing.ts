import type { Config, StaticRecords } from "../config/config.ts";
import { collectEndpoints } from "../health/endpoints.ts";

/** Largest TTL or SOA timer (RFC 2181 §8: 2^31 − 1). */
const MAX_SECONDS = 0x7fffffff;
const DAY = 86_400;
/** RFC 1912 §2.2 advises a SOA expire of 2 to 4 weeks; we take the low end. */
const MIN_SOA_EXPIRE = 14 * DAY;
/** Signature inception is backdated this much for clock skew (contract §3: at least 1 h). */
const INCEPTION_BACKDATE = 3_600;
/** A signature is used this long before it is re-made. */
const SIGNATURE_REUSE = 7 * DAY;
/** Slack on top of EXPIRE + largest TTL, so a late rebuild never lets served signatures run short. */
const REFRESH_SLACK = DAY;

/** Every TTL and timer of a snapshot, in seconds unless named otherwise. */
export interface ZoneTiming {
  /** max(configured interval, estimated duration of one full check cycle), ms. */
  readonly effectiveIntervalMs: number;
  readonly addressTtl: number;
  readonly nsTtl: number;
  readonly soaTtl: number;
  readonly soaRefresh: number;
  readonly soaRetry: number;
  readonly soaExpire: number;
  readonly soaMinimum: number;
  readonly dnskeyTtl: number;
  /** TXT, MX, SRV and CAA without a `ttl` of their own: the NS TTL (they change only on reload). */
  readonly staticTtl: number;
  /** min(SOA TTL, SOA MINIMUM): negative answers' SOA, NSEC, synthesised HINFO (RFC 2308, 9077, 8482). */
  readonly negativeTtl: number;
  /** The largest TTL any served record carries. */
  readonly maxTtl: number;
  /** Lifetime of a fresh signature: expiration − signing time. */
  readonly signatureValidity: number;
  /** A signature with this little validity left (or less) is re-made. */
  readonly signatureRefreshMargin: number;
}

function clamp(seconds: number): number {
  return Math.min(MAX_SECONDS, Math.max(0, seconds));
}

/**
 * Estimated wall time of one full health-check cycle: every unique endpoint
 * (address and health port) probed `concurrency` at a time, each wave taking
 * at most the largest timeout. Deterministic from the config alone.
 */
export function estimatedCycleMs(config: Config): number {
  const endpoints = collectEndpoints(config);
  const timeout = endpoints.reduce((largest, endpoint) => Math.max(largest, endpoint.timeoutMs), 0);
  return Math.ceil(endpoints.length / Math.max(1, config.health.concurrency)) * timeout;
}

/**
 * Derives every TTL and SOA timer from the config (docs/timing.md):
 * A/AAAA TTL = 2 × effective interval; NS = SOA TTL = 30 × A TTL;
 * SOA refresh = DNSKEY TTL = 10 × A TTL; retry = minimum = A TTL;
 * expire = max(2 weeks, 2 × (refresh + retry)); static TXT/MX/SRV/CAA = NS
 * TTL unless the name sets `ttl`, which then counts in the largest TTL.
 */
export function zoneTiming(config: Config): ZoneTiming {
  const effectiveIntervalMs = Math.max(config.health.intervalMs, estimatedCycleMs(config));
  const addressTtl = clamp(Math.ceil((2 * effectiveIntervalMs) / 1000));
  const soaTtl = clamp(30 * addressTtl);
  const soaRefresh = clamp(10 * addressTtl);
  const soaRetry = addressTtl;
  const soaMinimum = addressTtl;
  let maxTtl = Math.max(addressTtl, soaTtl, soaRefresh);
  for (const statics of [config.apex, ...config.records.map((record) => record.statics)]) {
    if (statics?.ttl != null) maxTtl = Math.max(maxTtl, statics.ttl);
  }
  const soaExpire = clamp(Math.max(MIN_SOA_EXPIRE, 2 * (soaRefresh + soaRetry)));
  // A secondary keeps serving the last zone it transferred for up to EXPIRE, and resolvers cache
  // it for up to the largest TTL more: every signature keeps more validity than that.
  const signatureRefreshMargin = clamp(soaExpire + maxTtl + REFRESH_SLACK);
  return Object.freeze({
    effectiveIntervalMs,
    addressTtl,
    nsTtl: soaTtl,
    soaTtl,
    soaRefresh,
    soaRetry,
    soaExpire,
    soaMinimum,
    dnskeyTtl: soaRefresh,
    staticTtl: soaTtl,
    negativeTtl: Math.min(soaTtl, soaMinimum),
    maxTtl,
    signatureValidity: clamp(signatureRefreshMargin + SIGNATURE_REUSE),
    signatureRefreshMargin,
  });
}

/** The TTL of a name's static records: its own `ttl`, else the zone's default. */
export function staticRecordsTtl(statics: StaticRecords, timing: ZoneTiming): number {
  return statics.ttl ?? timing.staticTtl;
}

/** Seconds since the epoch, mod 2^32 (RRSIG and SOA serial time, RFC 1982). */
export function epochSeconds(nowMs: number): number {
  return Math.floor(nowMs / 1000) >>> 0;
}

/** RFC 1982 difference b − a as a signed 32-bit number. */
function serialDifference(a: number, b: number): number {
  return (b - a) | 0;
}

/**
 * The SOA serial of a new snapshot: seconds since the epoch, or previous + 1
 * when the clock has not moved past the previous serial (RFC 1982 arithmetic,
 * so it keeps increasing across the 2^32 wrap and backward clock jumps).
 */
export function nextSerial(nowMs: number, previous: number | null): number {
  const now = epochSeconds(nowMs);
  if (previous === null || serialDifference(previous, now) > 0) return now;
  return (previous + 1) >>> 0;
}

/** Inception and expiration (u32 seconds) for signatures made at `nowMs`. */
export function signatureWindow(
  nowMs: number,
  timing: ZoneTiming,
): { inception: number; expiration: number } {
  const now = epochSeconds(nowMs);
  return {
    inception: (now - INCEPTION_BACKDATE) >>> 0,
    expiration: (now + timing.signatureValidity) >>> 0,
  };
}

/**
 * When (ms) a signature expiring at `expiration` must be re-made: once only
 * the refresh margin (SOA EXPIRE + the largest TTL + a day) is left, so
 * neither a secondary serving it until EXPIRE nor a resolver caching it for a
 * full TTL after that ever holds an expired signature.
 */
export function signatureDueAt(expiration: number, nowMs: number, timing: ZoneTiming): number {
  const now = Math.floor(nowMs / 1000);
  const left = serialDifference(now >>> 0, expiration);
  return (now + left - timing.signatureRefreshMargin) * 1000;
}
