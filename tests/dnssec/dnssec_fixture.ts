/**
 * Reads the committed fixtures of tests/fixtures/dnssec (made by
 * scripts/make_dnssec_fixtures.sh with openssl + ldns + BIND) and turns the
 * tool's presentation-format records into wire RDATA, independently of src/.
 */
import { readFileSync } from "node:fs";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";

/** One non-DNSSEC record of the tool's signed zone. */
export interface FixtureRecord {
  readonly owner: string;
  readonly ttl: number;
  readonly type: number;
  readonly data: readonly string[];
}

/** One RRSIG of the tool's signed zone, field by field. */
export interface FixtureRrsig {
  readonly owner: string;
  readonly ttl: number;
  readonly typeCovered: number;
  readonly algorithm: number;
  readonly labels: number;
  readonly originalTtl: number;
  readonly expiration: number;
  readonly inception: number;
  readonly keyTag: number;
  readonly signer: string;
  /** Base64. */
  readonly signature: string;
}

/** One NSEC of the tool's signed zone. */
export interface FixtureNsec {
  readonly owner: string;
  readonly ttl: number;
  readonly next: string;
  readonly types: readonly number[];
}

/** One signed zone. */
export interface FixtureZone {
  readonly origin: string;
  readonly records: readonly FixtureRecord[];
  readonly rrsigs: readonly FixtureRrsig[];
  readonly nsecs: readonly FixtureNsec[];
  readonly ds: { keyTag: number; algorithm: number; digestType: number; digest: string };
}

/** Everything made for one algorithm. */
export interface AlgorithmFixture {
  readonly algorithm: DnssecAlgorithmName;
  readonly inception: number;
  readonly expiration: number;
  readonly zones: readonly FixtureZone[];
}

/** The algorithms with fixtures. */
export const FIXTURE_ALGORITHMS: readonly DnssecAlgorithmName[] = [
  "RSASHA256",
  "ECDSAP256SHA256",
  "ED25519",
];

/** Path of a file under tests/fixtures/dnssec/. */
export function fixturePath(relative: string): URL {
  return new URL(`../fixtures/dnssec/${relative}`, import.meta.url);
}

/** Text of a fixture file (a PEM key, a DS line). */
export function fixtureText(relative: string): string {
  return readFileSync(fixturePath(relative), "utf8");
}

/** The folder of one algorithm's fixtures. */
export function fixtureDir(algorithm: DnssecAlgorithmName): string {
  return algorithm.toLowerCase();
}

/** expected.json of one algorithm. */
export function loadFixture(algorithm: DnssecAlgorithmName): AlgorithmFixture {
  return JSON.parse(fixtureText(`${fixtureDir(algorithm)}/expected.json`));
}

/** The tool's DNSKEY record of a zone. */
export function fixtureDnskey(zone: FixtureZone): FixtureRecord {
  const dnskey = zone.records.find((r) => r.type === 48);
  if (!dnskey) throw new Error(`fixture zone ${zone.origin} has no DNSKEY`);
  return dnskey;
}

/** Standard base64 to bytes. */
function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Bytes to lowercase hex (also a sort key with unsigned-octet order). */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lowercase uncompressed wire name, written here without src/wire. */
export function wireName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, "").split(".").filter((l) => l !== "")) {
    out.push(label.length, ...Array.from(label.toLowerCase(), (c) => c.charCodeAt(0)));
  }
  out.push(0);
  return out;
}

/** Canonical RDATA (RFC 4034 §6.2) of a fixture record of type A, AAAA, NS, SOA or DNSKEY. */
export function canonicalRdata(record: FixtureRecord): Uint8Array<ArrayBuffer> {
  const d = record.data;
  switch (record.type) {
    case 1:
      return new Uint8Array(d[0].split(".").map(Number));
    case 28:
      return ipv6(d[0]);
    case 2:
      return new Uint8Array(wireName(d[0]));
    case 6:
      return new Uint8Array([
        ...wireName(d[0]),
        ...wireName(d[1]),
        ...d.slice(2, 7).flatMap((n) => u32(Number(n))),
      ]);
    case 48: {
      const flags = Number(d[0]);
      return new Uint8Array([
        flags >> 8,
        flags & 0xff,
        Number(d[1]),
        Number(d[2]),
        ...fromBase64(d.slice(3).join("")),
      ]);
    }
    default:
      throw new Error(`fixture record type ${record.type} not handled`);
  }
}

/** Full RRSIG RDATA from the tool's fields. */
export function rrsigRdata(rrsig: FixtureRrsig): Uint8Array<ArrayBuffer> {
  return new Uint8Array([
    rrsig.typeCovered >> 8,
    rrsig.typeCovered & 0xff,
    rrsig.algorithm,
    rrsig.labels,
    ...u32(rrsig.originalTtl),
    ...u32(rrsig.expiration),
    ...u32(rrsig.inception),
    rrsig.keyTag >> 8,
    rrsig.keyTag & 0xff,
    ...wireName(rrsig.signer),
    ...fromBase64(rrsig.signature),
  ]);
}

/**
 * The RFC 4034 §3.1.8.1 signed data for `rrsig` over `rdatas`, built here on
 * its own (hex-string sort = unsigned octet order) to check src/ against.
 */
export function signedData(
  rrsig: Uint8Array,
  signatureLength: number,
  owner: string,
  type: number,
  ttl: number,
  rdatas: readonly Uint8Array[],
): Uint8Array<ArrayBuffer> {
  const unique = [...new Set(rdatas.map(toHex))].sort();
  const bytes = [...rrsig.subarray(0, rrsig.length - signatureLength)];
  for (const hex of unique) {
    const rdata = hex.match(/../g)!.map((h) => parseInt(h, 16));
    bytes.push(
      ...wireName(owner),
      type >> 8,
      type & 0xff,
      0,
      1,
      ...u32(ttl),
      rdata.length >> 8,
      rdata.length & 0xff,
      ...rdata,
    );
  }
  return new Uint8Array(bytes);
}

/** Verifies a DNSSEC signature with Web Crypto, given the DNSKEY public-key field. */
export async function verifySignature(
  algorithm: number,
  publicKey: Uint8Array,
  data: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const subtle = crypto.subtle;
  if (algorithm === 13) {
    const key = await subtle.importKey(
      "raw",
      new Uint8Array([4, ...publicKey]),
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data);
  }
  if (algorithm === 15) {
    const key = await subtle.importKey(
      "raw",
      new Uint8Array(publicKey),
      { name: "Ed25519" },
      false,
      ["verify"],
    );
    return subtle.verify("Ed25519", key, signature, data);
  }
  const expLength = publicKey[0];
  const e = publicKey.subarray(1, 1 + expLength);
  const n = publicKey.subarray(1 + expLength);
  const b64url = (b: Uint8Array) =>
    btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const key = await subtle.importKey(
    "jwk",
    { kty: "RSA", n: b64url(n), e: b64url(e) },
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return subtle.verify("RSASSA-PKCS1-v1_5", key, signature, data);
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function ipv6(text: string): Uint8Array<ArrayBuffer> {
  const [head, tail] = text.split("::");
  const groups = (s: string | undefined) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const all = tail === undefined
    ? left
    : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return new Uint8Array(all.flatMap((g) => [g >> 8, g & 0xff]));
}
