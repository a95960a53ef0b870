/**
 * TSIG (RFC 8945): shared-secret signatures on DNS messages, for zone
 * transfers and NOTIFY. HMACs come from @noble/hashes, synchronous, so a
 * multi-message transfer is signed in order without awaiting between
 * messages, and so that hmac-sha224 works too (Web Crypto has no SHA-224).
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha1 } from "@noble/hashes/legacy.js";
import { sha224, sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import type { TsigAlgorithmName, TsigKeyConfig } from "../config/config.ts";
import { base64ToBytes, concatBytes } from "../wire/bytes.ts";
import { DNS } from "../wire/constants.ts";
import { nameToWire, skipName } from "../wire/names.ts";

/** RR type TSIG and class ANY. */
export const TYPE_TSIG = 250;
const CLASS_ANY = 255;
/** RCODE NOTAUTH, which carries TSIG errors in the header (RFC 8945 §5.2). */
export const RCODE_NOTAUTH = 9;
/** TSIG error codes (RFC 8945 §3). */
export const TSIG_ERROR = Object.freeze({ NOERROR: 0, BADSIG: 16, BADKEY: 17, BADTIME: 18 });
/** Allowed clock difference, seconds (RFC 8945 §10 recommends 300). */
export const FUDGE = 300;

const HASHES = {
  "hmac-sha1": sha1,
  "hmac-sha224": sha224,
  "hmac-sha256": sha256,
  "hmac-sha384": sha384,
  "hmac-sha512": sha512,
} as const;

/** A TSIG key ready to use. */
export interface TsigKey {
  /** Dotted lowercase, no trailing dot. */
  readonly name: string;
  /** Canonical (lowercase, uncompressed) wire form of the name. */
  readonly nameWire: Uint8Array;
  readonly algorithm: TsigAlgorithmName;
  readonly algorithmWire: Uint8Array;
  readonly secret: Uint8Array;
  /** Full MAC length in bytes. */
  readonly macLength: number;
}

/** Keys by name, from the configuration (secrets decoded). */
export function tsigKeyTable(keys: readonly TsigKeyConfig[]): ReadonlyMap<string, TsigKey> {
  return new Map(keys.map((key) => [key.name, {
    name: key.name,
    nameWire: nameToWire(key.name),
    algorithm: key.algorithm,
    algorithmWire: nameToWire(key.algorithm),
    secret: base64ToBytes(key.secret),
    macLength: HASHES[key.algorithm].outputLen,
  }]));
}

/** A TSIG record as read from a message. */
export interface TsigRecord {
  /** Offset of the record in the message: the message without it is `message.subarray(0, start)`. */
  readonly start: number;
  /** Key name, dotted lowercase. */
  readonly keyName: string;
  /** Algorithm name, dotted lowercase. */
  readonly algorithm: string;
  /** Seconds since the epoch (48 bits). */
  readonly timeSigned: number;
  readonly fudge: number;
  readonly mac: Uint8Array;
  readonly originalId: number;
  readonly error: number;
  readonly other: Uint8Array;
}

/** Reads a possibly compressed name as dotted lowercase text, or null when malformed. */
function readName(message: Uint8Array, offset: number): string | null {
  const labels: string[] = [];
  let at = offset;
  for (let hops = 0; hops < 128; hops++) {
    if (at >= message.length) return null;
    const length = message[at];
    if (length === 0) return labels.join(".").toLowerCase();
    if ((length & 0xc0) === 0xc0) {
      if (at + 1 >= message.length) return null;
      at = ((length & 0x3f) << 8) | message[at + 1];
      continue;
    }
    if (length > 63 || at + 1 + length > message.length) return null;
    labels.push(String.fromCharCode(...message.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  return null;
}

const u16 = (m: Uint8Array, at: number) => (m[at] << 8) | m[at + 1];

/**
 * Finds the TSIG record of a message. Returns null when there is none, and
 * "formerr" when the message is malformed or a TSIG record is anywhere but
 * last in the additional section (RFC 8945 §5.1).
 */
export function readTsig(message: Uint8Array): TsigRecord | null | "formerr" {
  if (message.length < DNS.HEADER_LENGTH) return "formerr";
  const questions = u16(message, 4);
  const records = u16(message, 6) + u16(message, 8) + u16(message, 10);
  let at: number = DNS.HEADER_LENGTH;
  for (let i = 0; i < questions; i++) {
    at = skipName(message, at);
    if (at < 0 || at + 4 > message.length) return "formerr";
    at += 4;
  }
  for (let i = 0; i < records; i++) {
    const start = at;
    at = skipName(message, at);
    if (at < 0 || at + 10 > message.length) return "formerr";
    const type = u16(message, at);
    const end = at + 10 + u16(message, at + 8);
    if (end > message.length) return "formerr";
    if (type === TYPE_TSIG) {
      // Last in the additional section, class ANY (RFC 8945 §4.2, §5.1).
      if (i !== records - 1 || u16(message, 10) === 0 || u16(message, at + 2) !== CLASS_ANY) {
        return "formerr";
      }
      return parseTsigRdata(message, start, at + 10, end);
    }
    at = end;
  }
  return null;
}

function parseTsigRdata(
  message: Uint8Array,
  start: number,
  rdata: number,
  end: number,
): TsigRecord | "formerr" {
  const keyName = readName(message, start);
  const algorithm = readName(message, rdata);
  let at = skipName(message, rdata);
  if (keyName === null || algorithm === null || at < 0 || at + 10 > end) return "formerr";
  const timeSigned = u16(message, at) * 2 ** 32 +
      ((u16(message, at + 2) << 16) | u16(message, at + 4)) >>> 0;
  const fudge = u16(message, at + 6);
  const macSize = u16(message, at + 8);
  at += 10;
  if (at + macSize + 6 > end) return "formerr";
  const mac = message.slice(at, at + macSize);
  at += macSize;
  const originalId = u16(message, at);
  const error = u16(message, at + 2);
  const otherLength = u16(message, at + 4);
  at += 6;
  if (at + otherLength !== end) return "formerr";
  const other = message.slice(at, end);
  return { start, keyName, algorithm, timeSigned, fudge, mac, originalId, error, other };
}

function time48(seconds: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(6);
  const view = new DataView(out.buffer);
  view.setUint16(0, Math.floor(seconds / 2 ** 32));
  view.setUint32(2, seconds >>> 0);
  return out;
}

function u16Bytes(value: number): Uint8Array {
  return new Uint8Array([value >> 8, value & 0xff]);
}

/** Length of the TSIG record `key` signs with (RFC 8945 §4.2), for fitting a response. */
export function tsigLength(key: TsigKey): number {
  return key.nameWire.length + 10 + key.algorithmWire.length + 16 + key.macLength;
}

/** What a TSIG record carries besides the MAC. */
export interface TsigFields {
  readonly timeSigned: number;
  readonly fudge: number;
  readonly originalId: number;
  readonly error: number;
  readonly other: Uint8Array;
}

/**
 * The digest components after the message (RFC 8945 §4.3.3): every TSIG
 * variable, or only the timers for the second and later messages of a
 * multi-message response (§5.3.1).
 */
function variables(key: TsigKey, fields: TsigFields, timersOnly: boolean): Uint8Array[] {
  const timers = [time48(fields.timeSigned), u16Bytes(fields.fudge)];
  if (timersOnly) return timers;
  return [
    key.nameWire,
    u16Bytes(CLASS_ANY),
    new Uint8Array(4),
    key.algorithmWire,
    ...timers,
    u16Bytes(fields.error),
    u16Bytes(fields.other.length),
    fields.other,
  ];
}

/** The MAC over `priorMac` (length-prefixed, when given), `message` and the TSIG variables. */
function computeMac(
  key: TsigKey,
  priorMac: Uint8Array | null,
  message: Uint8Array,
  fields: TsigFields,
  timersOnly: boolean,
): Uint8Array {
  const mac = hmac.create(HASHES[key.algorithm], key.secret);
  if (priorMac !== null) mac.update(u16Bytes(priorMac.length)).update(priorMac);
  mac.update(message);
  for (const part of variables(key, fields, timersOnly)) mac.update(part);
  return mac.digest();
}

/** The message as it was before `tsig` was appended: TSIG cut, ARCOUNT − 1, ID = original ID. */
function unsignedPart(message: Uint8Array, tsig: TsigRecord): Uint8Array {
  const out = message.slice(0, tsig.start);
  const arcount = u16(out, 10) - 1;
  out[0] = tsig.originalId >> 8;
  out[1] = tsig.originalId & 0xff;
  out[10] = arcount >> 8;
  out[11] = arcount & 0xff;
  return out;
}

/** Outcome of checking a TSIG record with its key. */
export type TsigCheck = "ok" | "formerr" | "badsig" | "badtime";

/**
 * Checks a signed message with `key` (the caller has matched its name and
 * algorithm): MAC length (a truncated MAC must keep at least half the hash
 * and 10 bytes, RFC 8945 §5.2.2.1), MAC, then time within the fudge (the
 * message's, capped at `FUDGE`). A
 * response is checked against the request's MAC as `priorMac`; the second and
 * later messages of a transfer against the previous message's MAC, with
 * `timersOnly` (§5.3.1).
 */
export function verifyTsig(
  message: Uint8Array,
  tsig: TsigRecord,
  key: TsigKey,
  priorMac: Uint8Array | null,
  nowSeconds: number,
  timersOnly = false,
): TsigCheck {
  const size = tsig.mac.length;
  if (size > key.macLength || size < Math.max(10, key.macLength / 2)) return "formerr";
  const expected = computeMac(key, priorMac, unsignedPart(message, tsig), tsig, timersOnly);
  let difference = 0;
  for (let i = 0; i < size; i++) difference |= expected[i] ^ tsig.mac[i];
  if (difference !== 0) return "badsig";
  // The window is the sender's fudge, but never wider than ours: a request saying
  // fudge 65535 would otherwise be replayable for 18 hours (RFC 8945 §5.2.3 leaves it to policy).
  if (Math.abs(nowSeconds - tsig.timeSigned) > Math.min(tsig.fudge, FUDGE)) return "badtime";
  return "ok";
}

function tsigRecord(
  key: Pick<TsigKey, "nameWire" | "algorithmWire">,
  fields: TsigFields,
  mac: Uint8Array,
): Uint8Array {
  const rdata = [
    key.algorithmWire,
    time48(fields.timeSigned),
    u16Bytes(fields.fudge),
    u16Bytes(mac.length),
    mac,
    u16Bytes(fields.originalId),
    u16Bytes(fields.error),
    u16Bytes(fields.other.length),
    fields.other,
  ];
  const rdataLength = rdata.reduce((sum, part) => sum + part.length, 0);
  const parts = [
    key.nameWire,
    u16Bytes(TYPE_TSIG),
    u16Bytes(CLASS_ANY),
    new Uint8Array(4),
    u16Bytes(rdataLength),
    ...rdata,
  ];
  return concatBytes(...parts);
}

function appendRecord(message: Uint8Array, record: Uint8Array): Uint8Array {
  const out = concatBytes(message, record);
  const arcount = u16(out, 10) + 1;
  out[10] = arcount >> 8;
  out[11] = arcount & 0xff;
  return out;
}

/** A signed message and its MAC (the prior MAC of the next message or the response). */
export interface Signed {
  readonly message: Uint8Array;
  readonly mac: Uint8Array;
}

/**
 * Signs `message` with `key`: appends the TSIG record and increments
 * ARCOUNT. `priorMac` is the request's MAC for a response, the previous
 * message's for the later messages of a transfer (then `timersOnly`), or
 * null for a request.
 */
export function signMessage(
  message: Uint8Array,
  key: TsigKey,
  priorMac: Uint8Array | null,
  fields: TsigFields,
  timersOnly = false,
): Signed {
  const mac = computeMac(key, priorMac, message, fields, timersOnly);
  return { message: appendRecord(message, tsigRecord(key, fields, mac)), mac };
}

/**
 * Appends an unsigned TSIG record (empty MAC) carrying `error`: the answer
 * to a request whose key is unknown (BADKEY) or whose MAC is wrong (BADSIG),
 * which must not be signed (RFC 8945 §5.2). The record names the request's
 * key and algorithm.
 */
export function appendUnsignedTsig(message: Uint8Array, request: TsigRecord, error: number) {
  const key = {
    nameWire: nameToWire(request.keyName),
    algorithmWire: nameToWire(request.algorithm),
  };
  const fields = { ...request, error, other: new Uint8Array(0) };
  return appendRecord(message, tsigRecord(key, fields, new Uint8Array(0)));
}

/** The Other Data of a BADTIME answer: the server's time, 48 bits (RFC 8945 §5.2.3). */
export function serverTimeOther(nowSeconds: number): Uint8Array {
  return time48(nowSeconds);
}
