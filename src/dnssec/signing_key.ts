import type { DnssecAlgorithmName } from "../config/config.ts";

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
