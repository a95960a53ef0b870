import type { Fragment } from "../wire/fragment.ts";
import { skipName } from "../wire/skip_name.ts";

/**
 * The RRSIG RDATA of a signed one-RRset answer fragment: the record right
 * after its plain part (owner name, 10 bytes of type, class, TTL and
 * RDLENGTH, then RDATA). A view into the fragment, not a copy: signatures
 * live only inside the answers that carry them, and the builder reads them
 * back from there to reuse them.
 */
export function fragmentSignature(fragment: Fragment): Uint8Array {
  const bytes = fragment.bytes;
  const at = skipName(bytes, fragment.plainLength);
  if (at < 0 || at + 10 > bytes.length) {
    throw new RangeError("fragment has no RRSIG after its plain part");
  }
  return bytes.subarray(at + 10, at + 10 + ((bytes[at + 8] << 8) | bytes[at + 9]));
}

/** The signature expiration field of RRSIG RDATA (u32 seconds, RFC 4034 §3.1.5). */
export function signatureExpiration(rrsig: Uint8Array): number {
  return ((rrsig[8] << 24) | (rrsig[9] << 16) | (rrsig[10] << 8) | rrsig[11]) >>> 0;
}
