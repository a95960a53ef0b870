/**
 * The DNSSEC signing key: the one combined key (flags 257) that signs every
 * served zone, loaded from or generated as a PEM private key, with its
 * DNSKEY RDATA, key tag and algorithm number.
 */
import type { DnssecAlgorithmName } from "../wire/constants.ts";
import { base64ToBytes, bytesToBase64 } from "../wire/bytes.ts";
import { parsePrivateKey } from "./private_key.ts";

/** DNSSEC algorithm numbers (RFC 8624) for the algorithms we sign with. */
export const ALGORITHM_NUMBER: Readonly<Record<DnssecAlgorithmName, 8 | 13 | 15>> = Object.freeze({
  RSASHA256: 8,
  ECDSAP256SHA256: 13,
  ED25519: 15,
});

/** The mnemonic of a DNSSEC algorithm number we sign with. */
export function algorithmName(number: 8 | 13 | 15): DnssecAlgorithmName {
  return (Object.keys(ALGORITHM_NUMBER) as DnssecAlgorithmName[])
    .find((name) => ALGORITHM_NUMBER[name] === number)!;
}

/**
 * A loaded private key, ready to sign. One combined signing key (flags 257,
 * protocol 3) signs every served zone.
 */
export interface SigningKey {
  readonly algorithm: 8 | 13 | 15;
  /** DNSKEY RDATA: flags (257), protocol (3), algorithm, public key. */
  readonly dnskeyRdata: Uint8Array;
  /** RFC 4034 appendix B key tag of `dnskeyRdata`. */
  readonly keyTag: number;
  /** Key size: the RSA modulus in bits; 256 for ECDSA P-256 and Ed25519. */
  readonly bits: number;
  /**
   * Signs `data` and returns the signature in DNSSEC wire form: RSASSA-PKCS1-v1_5
   * (RFC 5702), r||s for ECDSA (RFC 6605), raw Ed25519 (RFC 8080).
   */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** DNSKEY flags of our one combined signing key: Zone Key + Secure Entry Point. */
const DNSKEY_FLAGS = 257;
const DNSKEY_PROTOCOL = 3;
/** RFC 3110 §2 / RFC 5702 §2: RSA moduli DNSSEC allows, in bits. */
const RSA_MIN_BITS = 1024;
const RSA_MAX_BITS = 4096;

/** How each algorithm reaches Web Crypto, and the key kind it needs. */
const ALGORITHMS: Readonly<
  Record<
    DnssecAlgorithmName,
    {
      kind: string;
      importParams: RsaHashedImportParams | EcKeyImportParams | Algorithm;
      signParams: AlgorithmIdentifier | EcdsaParams;
    }
  >
> = {
  RSASHA256: {
    kind: "RSA",
    importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    signParams: "RSASSA-PKCS1-v1_5",
  },
  ECDSAP256SHA256: {
    kind: "EC P-256",
    importParams: { name: "ECDSA", namedCurve: "P-256" },
    signParams: { name: "ECDSA", hash: "SHA-256" },
  },
  ED25519: { kind: "Ed25519", importParams: { name: "Ed25519" }, signParams: "Ed25519" },
};

/**
 * Loads a PEM private key (PKCS#8, PKCS#1 `RSA PRIVATE KEY` or SEC1
 * `EC PRIVATE KEY`) and derives its DNSKEY and key tag. The algorithm is the
 * key's own (RSA → RSASHA256, EC P-256 → ECDSAP256SHA256, Ed25519 → ED25519)
 * unless `algorithm` names one, which must fit the key. All three algorithms
 * sign through Web Crypto (Deno and Bun both support Ed25519).
 * Throws an Error with a one-line message (no file name: the caller adds it)
 * when the key cannot be parsed or does not fit the algorithm; `givenAs`
 * names where a given algorithm came from (`--priv-key-alg`, a YAML path).
 *
 * @example
 * const key = await loadSigningKey(pemText, null);
 * key.algorithm; // 13 for an EC P-256 key
 */
export async function loadSigningKey(
  pem: string,
  algorithm: DnssecAlgorithmName | null,
  givenAs = "--priv-key-alg",
): Promise<SigningKey> {
  const parsed = parsePrivateKey(pem);
  const own = (Object.keys(ALGORITHMS) as DnssecAlgorithmName[])
    .find((name) => ALGORITHMS[name].kind === parsed.kind);
  if (own === undefined) {
    throw new Error(
      `key is ${
        article(parsed.kind)
      } ${parsed.kind} key; DNSSEC signing takes RSA, EC P-256 or Ed25519`,
    );
  }
  if (algorithm !== null && algorithm !== own) {
    throw new Error(
      `key is ${article(parsed.kind)} ${parsed.kind} key (${own}) but ${givenAs} is ${algorithm}`,
    );
  }
  const spec = ALGORITHMS[own];
  let jwk: JsonWebKey;
  let privateKey: CryptoKey;
  try {
    // Import once extractable, only to read the public half, then keep a non-extractable copy.
    const exportable = await crypto.subtle.importKey(
      "pkcs8",
      parsed.pkcs8,
      spec.importParams,
      true,
      ["sign"],
    );
    jwk = await crypto.subtle.exportKey("jwk", exportable);
    privateKey = await crypto.subtle.importKey("pkcs8", parsed.pkcs8, spec.importParams, false, [
      "sign",
    ]);
  } catch (error) {
    throw new Error(`${parsed.kind} key cannot be read: ${(error as Error).message}`);
  }
  const { publicKey, bits } = dnskeyPublicKey(own, jwk);
  const number = ALGORITHM_NUMBER[own];
  const dnskeyRdata = new Uint8Array(4 + publicKey.length);
  dnskeyRdata.set([DNSKEY_FLAGS >> 8, DNSKEY_FLAGS & 0xff, DNSKEY_PROTOCOL, number]);
  dnskeyRdata.set(publicKey, 4);
  const signParams = spec.signParams;
  return Object.freeze({
    algorithm: number,
    dnskeyRdata,
    keyTag: keyTag(dnskeyRdata),
    bits,
    async sign(data: Uint8Array): Promise<Uint8Array> {
      return new Uint8Array(
        await crypto.subtle.sign(signParams, privateKey, data as Uint8Array<ArrayBuffer>),
      );
    },
  });
}

/**
 * The DNSKEY public-key field, RFC 3110 (RSA), RFC 6605 x||y (ECDSA) or
 * RFC 8080 (Ed25519), and the key size in bits.
 */
function dnskeyPublicKey(
  algorithm: DnssecAlgorithmName,
  jwk: JsonWebKey,
): { publicKey: Uint8Array; bits: number } {
  if (algorithm === "RSASHA256") {
    const exponent = stripLeadingZeros(base64ToBytes(jwk.e ?? ""));
    const modulus = stripLeadingZeros(base64ToBytes(jwk.n ?? ""));
    const bits = modulus.length * 8 - Math.clz32(modulus[0]) + 24;
    if (bits < RSA_MIN_BITS || bits > RSA_MAX_BITS) {
      throw new Error(
        `RSA key has ${bits} bits; DNSSEC needs ${RSA_MIN_BITS} to ${RSA_MAX_BITS} (2048 recommended)`,
      );
    }
    // Exponent length: one byte, or a zero byte then two bytes when longer than 255.
    const lengthField = exponent.length <= 255
      ? [exponent.length]
      : [0, exponent.length >> 8, exponent.length & 0xff];
    return { publicKey: new Uint8Array([...lengthField, ...exponent, ...modulus]), bits };
  }
  if (algorithm === "ECDSAP256SHA256") {
    const xy = [...base64ToBytes(jwk.x ?? ""), ...base64ToBytes(jwk.y ?? "")];
    return { publicKey: new Uint8Array(xy), bits: 256 };
  }
  return { publicKey: base64ToBytes(jwk.x ?? ""), bits: 256 };
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.subarray(start);
}

/** "an RSA", "an EC P-384", "a DSA": the article as the kind is spoken. */
function article(kind: string): string {
  return /^[AEFHILMNORSX]/.test(kind) ? "an" : "a";
}

/**
 * The key tag of a DNSKEY RDATA (RFC 4034 Appendix B): the ones'-complement-
 * style sum of its 16-bit words. (Algorithm 1 is never used here.)
 */
export function keyTag(dnskeyRdata: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < dnskeyRdata.length; i++) sum += i & 1 ? dnskeyRdata[i] : dnskeyRdata[i] << 8;
  sum += (sum >>> 16) & 0xffff;
  return sum & 0xffff;
}

/** Web Crypto key-generation parameters per algorithm (RSA: 2048 bits, e = 65537). */
const GENERATE: Readonly<
  Record<DnssecAlgorithmName, RsaHashedKeyGenParams | EcKeyGenParams | Algorithm>
> = {
  RSASHA256: {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  ECDSAP256SHA256: { name: "ECDSA", namedCurve: "P-256" },
  ED25519: { name: "Ed25519" },
};

/**
 * Generates a new private key for `algorithm` and returns it as PKCS#8 PEM
 * (`-----BEGIN PRIVATE KEY-----`), the form `openssl genpkey` writes and
 * `loadSigningKey` reads.
 */
export async function generateKeyPem(algorithm: DnssecAlgorithmName): Promise<string> {
  const params = GENERATE[algorithm];
  if (!params) throw new Error(`unknown DNSSEC algorithm "${algorithm}"`);
  const pair = await crypto.subtle.generateKey(params, true, ["sign", "verify"]) as CryptoKeyPair;
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return ["-----BEGIN PRIVATE KEY-----", ...lines, "-----END PRIVATE KEY-----", ""].join("\n");
}
