import type { RRsetModel } from "./name_rrsets.ts";
import { DNS } from "../wire/dns_constants.ts";

/** HINFO RDATA: CPU "RFC8482", OS "" (RFC 8482 §4.2). */
const RDATA = new Uint8Array([7, ...new TextEncoder().encode("RFC8482"), 0]);

/**
 * The HINFO RRset synthesised for ANY queries at an existing name (RFC 8482
 * §4.2), with the negative-answer TTL. Not part of the zone: absent from NSEC
 * bitmaps, but signed so a DO=1 ANY answer validates.
 */
export function rfc8482Hinfo(negativeTtl: number): RRsetModel {
  return Object.freeze({ type: DNS.TYPE_HINFO, ttl: negativeTtl, rdatas: Object.freeze([RDATA]) });
}
