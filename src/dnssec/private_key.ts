/**
 * Private key files: PEM blocks holding PKCS#8, PKCS#1 or SEC1 keys, and the
 * little DER (ASN.1) reading and writing it takes to hand them to Web Crypto
 * as PKCS#8.
 */
import { base64ToBytes } from "../wire/bytes.ts";

/** A private key in PKCS#8 DER, with what kind of key it is. */
export interface ParsedPrivateKey {
  /** "RSA", "EC P-256", "Ed25519", or a description of an unsupported kind ("EC P-384", "DSA", …). */
  readonly kind: string;
  /** The key as PKCS#8 PrivateKeyInfo DER, as Web Crypto imports it (as found, for an explicit-curve SEC1 key). */
  readonly pkcs8: Uint8Array<ArrayBuffer>;
}

const OID_RSA = "1.2.840.113549.1.1.1";
const OID_EC = "1.2.840.10045.2.1";
const OID_P256 = "1.2.840.10045.3.1.7";
/** The kind of an EC key that spells out its curve instead of naming it (never P-256 for us). */
const EXPLICIT_CURVE = "EC (explicit curve parameters)";

/** Names for the key and curve OIDs a user may plausibly hand us. */
const OID_NAMES: Readonly<Record<string, string>> = {
  [OID_RSA]: "RSA",
  "1.2.840.113549.1.1.10": "RSA-PSS",
  "1.2.840.10040.4.1": "DSA",
  "1.3.101.110": "X25519",
  "1.3.101.111": "X448",
  "1.3.101.112": "Ed25519",
  "1.3.101.113": "Ed448",
  [OID_P256]: "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
  "1.3.132.0.10": "secp256k1",
};

const TAG_SEQUENCE = 0x30;
const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_NULL = 0x05;
const TAG_OID = 0x06;
const TAG_EC_PARAMETERS = 0xa0;

/**
 * Reads the first private key of a PEM text: PKCS#8 (`PRIVATE KEY`, what
 * `openssl genpkey` writes), PKCS#1 (`RSA PRIVATE KEY`) or SEC1
 * (`EC PRIVATE KEY`); the older two are wrapped into PKCS#8. Throws an Error
 * with a one-line message when there is no usable unencrypted private key.
 */
export function parsePrivateKey(pem: string): ParsedPrivateKey {
  const { label, der } = readPemBlock(pem);
  if (label === "RSA PRIVATE KEY") {
    readDer(der); // validates the outer structure before we wrap it
    return { kind: "RSA", pkcs8: wrapPkcs8(algorithmIdentifier(OID_RSA, null), der) };
  }
  if (label === "EC PRIVATE KEY") return fromSec1(der);
  if (label === "PRIVATE KEY") return { kind: describePkcs8(der), pkcs8: der };
  if (label === "ENCRYPTED PRIVATE KEY") {
    throw new Error("key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)");
  }
  throw new Error(`PEM block "${label}" is not a private key`);
}

/** Finds the first PEM block that holds a private key and decodes its base64. */
function readPemBlock(pem: string): { label: string; der: Uint8Array<ArrayBuffer> } {
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) throw new Error("no PEM block (-----BEGIN … PRIVATE KEY-----) found");
  const block = blocks.find((b) => b[1].endsWith("PRIVATE KEY")) ?? blocks[0];
  const [, label, body] = block;
  if (/Proc-Type:\s*4,ENCRYPTED/.test(body)) {
    throw new Error("key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)");
  }
  try {
    return { label, der: base64ToBytes(body.replace(/\s+/g, "")) };
  } catch {
    throw new Error(`PEM block "${label}" is not valid base64`);
  }
}

/** Describes the key kind named by a PKCS#8 PrivateKeyInfo's AlgorithmIdentifier. */
function describePkcs8(der: Uint8Array): string {
  const [version, algorithm] = readDerChildren(sequenceContent(der, "PKCS#8 PrivateKeyInfo"));
  if (version?.tag !== TAG_INTEGER || algorithm?.tag !== TAG_SEQUENCE) {
    throw new Error("key is not a valid PKCS#8 PrivateKeyInfo");
  }
  const [oid, parameters] = readDerChildren(algorithm.content);
  if (oid?.tag !== TAG_OID) throw new Error("key is not a valid PKCS#8 PrivateKeyInfo");
  const keyOid = decodeOid(oid.content);
  if (keyOid !== OID_EC) return OID_NAMES[keyOid] ?? `OID ${keyOid}`;
  if (parameters?.tag !== TAG_OID) return EXPLICIT_CURVE;
  return `EC ${describeCurve(parameters.content)}`;
}

/** Wraps a SEC1 ECPrivateKey into PKCS#8, taking the (named) curve from its parameters. */
function fromSec1(der: Uint8Array<ArrayBuffer>): ParsedPrivateKey {
  const fields = readDerChildren(sequenceContent(der, "SEC1 ECPrivateKey"));
  const parameters = fields.find((f) => f.tag === TAG_EC_PARAMETERS);
  if (!parameters) throw new Error("EC key does not name its curve");
  const curve = readDer(parameters.content);
  if (curve.tag !== TAG_OID) return { kind: EXPLICIT_CURVE, pkcs8: der };
  return {
    kind: `EC ${describeCurve(curve.content)}`,
    pkcs8: wrapPkcs8(algorithmIdentifier(OID_EC, curve.content), der),
  };
}

function describeCurve(oidContent: Uint8Array): string {
  const curveOid = decodeOid(oidContent);
  return OID_NAMES[curveOid] ?? `curve ${curveOid}`;
}

function sequenceContent(der: Uint8Array, what: string): Uint8Array {
  const node = readDer(der);
  if (node.tag !== TAG_SEQUENCE) throw new Error(`key is not a valid ${what}`);
  return node.content;
}

/** AlgorithmIdentifier SEQUENCE; `parameters` is an OID content, or null for ASN.1 NULL. */
function algorithmIdentifier(oid: string, parameters: Uint8Array | null): Uint8Array {
  const params = parameters ? encodeDer(TAG_OID, parameters) : encodeDer(TAG_NULL);
  return encodeDer(TAG_SEQUENCE, encodeDer(TAG_OID, encodeOid(oid)), params);
}

function wrapPkcs8(algorithm: Uint8Array, privateKey: Uint8Array): Uint8Array<ArrayBuffer> {
  const version = encodeDer(TAG_INTEGER, new Uint8Array([0]));
  return encodeDer(TAG_SEQUENCE, version, algorithm, encodeDer(TAG_OCTET_STRING, privateKey));
}

function decodeOid(content: Uint8Array): string {
  if (content.length === 0) return "";
  const parts = [Math.min(2, Math.floor(content[0] / 40)), 0];
  parts[1] = content[0] - parts[0] * 40;
  let value = 0;
  for (let i = 1; i < content.length; i++) {
    value = value * 128 + (content[i] & 0x7f);
    if (!(content[i] & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join(".");
}

function encodeOid(oid: string): Uint8Array {
  const [first, second, ...rest] = oid.split(".").map(Number);
  const out = [first * 40 + second];
  for (const part of rest) {
    const groups = [part & 0x7f];
    for (let v = Math.floor(part / 128); v > 0; v = Math.floor(v / 128)) {
      groups.unshift(0x80 | (v & 0x7f));
    }
    out.push(...groups);
  }
  return new Uint8Array(out);
}

/** One DER TLV: its tag byte, its content bytes and where it ends in the input. */
export interface DerNode {
  readonly tag: number;
  readonly content: Uint8Array;
  /** Offset just past this TLV in the buffer it was read from. */
  readonly end: number;
}

/**
 * Reads the DER TLV that starts at `offset` (single-byte tags, definite
 * lengths: all that private-key structures use). Throws on truncated input.
 */
export function readDer(bytes: Uint8Array, offset = 0): DerNode {
  const truncated = (what: string, at: number) =>
    new Error(`key data is truncated (DER): ${what} at offset ${at}, ${bytes.length - at} left`);
  if (offset + 2 > bytes.length) throw truncated("a TLV needs 2 bytes", offset);
  const tag = bytes[offset];
  let length = bytes[offset + 1];
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || at + count > bytes.length) {
      throw new Error(
        `key data has an invalid DER length 0x${length.toString(16)} at offset ${offset + 1}`,
      );
    }
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[at++];
  }
  if (at + length > bytes.length) throw truncated(`${length} content bytes`, at);
  return { tag, content: bytes.subarray(at, at + length), end: at + length };
}

/** Reads every TLV inside a constructed node's content (e.g. a SEQUENCE). */
export function readDerChildren(content: Uint8Array): DerNode[] {
  const children: DerNode[] = [];
  for (let at = 0; at < content.length;) {
    const child = readDer(content, at);
    children.push(child);
    at = child.end;
  }
  return children;
}

/**
 * Encodes one DER TLV with a single-byte tag; `parts` are concatenated as the
 * content. Enough to wrap PKCS#1 / SEC1 keys into PKCS#8 for Web Crypto.
 */
export function encodeDer(tag: number, ...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const lengthBytes: number[] = [];
  if (length < 0x80) {
    lengthBytes.push(length);
  } else {
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
      lengthBytes.unshift(rest & 0xff);
    }
    lengthBytes.unshift(0x80 | lengthBytes.length);
  }
  const out = new Uint8Array(1 + lengthBytes.length + length);
  out[0] = tag;
  out.set(lengthBytes, 1);
  let at = 1 + lengthBytes.length;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
