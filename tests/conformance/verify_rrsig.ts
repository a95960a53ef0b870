/**
 * An independent RRSIG check for conformance tests (RFC 4034 §3.1.8.1, §6):
 * rebuilds the signed data from decoded records with dns-packet's encoders and
 * verifies it with @noble/curves Ed25519 against the DNSKEY's public key.
 */
import dnsPacket from "dns-packet";
import { ed25519 } from "@noble/curves/ed25519.js";
import type { DecodedRecord } from "../../scripts/bench/harness/zone_fixture.ts";

type Encoder = { encode(data: unknown): Uint8Array };
const record = (dnsPacket as unknown as { record(type: string): Encoder }).record;

/** RRSIG fields as dns-packet decodes them. */
export interface RrsigData {
  typeCovered: string;
  algorithm: number;
  labels: number;
  originalTTL: number;
  expiration: number;
  inception: number;
  keyTag: number;
  signersName: string;
  signature: Uint8Array;
}

function wireName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.toLowerCase().split(".").filter((l) => l !== "")) {
    out.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  }
  out.push(0);
  return out;
}

const u16 = (v: number) => [v >> 8, v & 0xff];
const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

function lowercaseNames(type: string, data: unknown): unknown {
  if (type === "NSEC") {
    const nsec = data as { nextDomain: string };
    return { ...nsec, nextDomain: nsec.nextDomain.toLowerCase() };
  }
  if (type === "SOA") {
    const soa = data as { mname: string; rname: string };
    return { ...soa, mname: soa.mname.toLowerCase(), rname: soa.rname.toLowerCase() };
  }
  if (type === "NS") return (data as string).toLowerCase();
  return data;
}

/**
 * True when `rrsig` is a valid Ed25519 signature over `rrset` (records of one
 * owner and type, as decoded) by the key in `dnskey` (DNSKEY RDATA).
 */
export function verifyRrsig(
  rrset: readonly DecodedRecord[],
  rrsig: RrsigData,
  dnskey: Uint8Array,
  typeNumber: number,
): boolean {
  const header = [
    ...u16(typeNumber),
    rrsig.algorithm,
    rrsig.labels,
    ...u32(rrsig.originalTTL),
    ...u32(rrsig.expiration),
    ...u32(rrsig.inception),
    ...u16(rrsig.keyTag),
    ...wireName(rrsig.signersName),
  ];
  const rdatas = rrset.map((rr) =>
    [...record(rr.type).encode(lowercaseNames(rr.type, rr.data))].slice(2)
  );
  rdatas.sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
    return a.length - b.length;
  });
  const data = [...header];
  for (const rdata of rdatas) {
    data.push(
      ...wireName(rrset[0].name),
      ...u16(typeNumber),
      ...u16(1),
      ...u32(rrsig.originalTTL),
      ...u16(rdata.length),
      ...rdata,
    );
  }
  return ed25519.verify(new Uint8Array(rrsig.signature), new Uint8Array(data), dnskey.subarray(4));
}
