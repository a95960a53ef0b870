/** DS records (RFC 4034 §5): the digest of the DNSKEY a parent zone publishes. */
import { sha256 } from "@noble/hashes/sha2.js";
import { concatBytes } from "../wire/bytes.ts";
import { nameToWire } from "../wire/names.ts";
import type { SigningKey } from "./keys.ts";

/**
 * DS RDATA (RFC 4034 §5.1, RFC 4509) for `key` as the DNSKEY at `owner`:
 * key tag, algorithm, digest type 2 and SHA-256(owner wire | DNSKEY RDATA).
 * Digest type 2 (SHA-256) is the only one offered (RFC 8624: MUST).
 */
export function dsRdata(owner: string, key: SigningKey, digestType = 2): Uint8Array {
  if (digestType !== 2) {
    throw new RangeError(`DS digest type ${digestType} is not supported (only 2, SHA-256)`);
  }
  const digest = sha256(concatBytes(nameToWire(owner), key.dnskeyRdata));
  const head = new Uint8Array([key.keyTag >> 8, key.keyTag & 0xff, key.algorithm, digestType]);
  return concatBytes(head, digest);
}
