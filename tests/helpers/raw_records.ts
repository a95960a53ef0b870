/**
 * Hand-built message parts for strict-parsing tests: records appended to a
 * query behind its counts, and a TSIG record (RFC 8945 §4.2).
 */
import { nameToWire } from "../../src/wire/names.ts";

/** Section counters in the header: answer (6), authority (8), additional (10). */
export type Section = "answer" | "authority" | "additional";
const COUNT_AT: Readonly<Record<Section, number>> = { answer: 6, authority: 8, additional: 10 };

/** A copy of `query` with `record` appended and the section's count raised by one. */
export function appendRecord(query: Uint8Array, section: Section, record: readonly number[]) {
  const out = Uint8Array.from([...query, ...record]);
  const at = COUNT_AT[section];
  const count = ((out[at] << 8) | out[at + 1]) + 1;
  out[at] = count >> 8;
  out[at + 1] = count & 0xff;
  return out;
}

/** A record with a raw owner name (labels or pointers as given), type A, class IN, 4 octets of RDATA. */
export function aRecord(owner: readonly number[]): number[] {
  return [...owner, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1];
}

/** Time signed (48 bits) and fudge (300 s) of `tsigRecord`. */
export const TSIG_TIME_AND_FUDGE: readonly number[] = [0, 0, 0x69, 0x87, 0x65, 0x43, 0x01, 0x2c];

/** A TSIG record signed with key `keyName` (hmac-sha256, a 32-octet MAC of 0xab, original ID given). */
export function tsigRecord(keyName: string, originalId: number): number[] {
  const mac = new Array<number>(32).fill(0xab);
  const tail = [originalId >> 8, originalId & 0xff, 0, 0, 0, 0]; // original ID, error, other length
  const rdata = [...nameToWire("hmac-sha256"), ...TSIG_TIME_AND_FUDGE, 0, 32, ...mac, ...tail];
  const header = [0, 250, 0, 255, 0, 0, 0, 0, rdata.length >> 8, rdata.length & 0xff];
  return [...nameToWire(keyName), ...header, ...rdata];
}
