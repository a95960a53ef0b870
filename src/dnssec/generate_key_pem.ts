import type { DnssecAlgorithmName } from "../config/config.ts";
import { bytesToBase64 } from "./base64.ts";

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
