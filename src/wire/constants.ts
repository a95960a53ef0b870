/**
 * The vocabulary of the DNS wire format every layer shares: header layout and
 * flags (RFC 1035 §4.1.1, RFC 4035 §3.2), RR types, classes and response
 * codes, reading a response's full RCODE, the DNSSEC algorithms we sign
 * with, and the transports a query arrives over.
 */
export const DNS = Object.freeze({
  HEADER_LENGTH: 12,
  /** Byte 2 of the header. */
  FLAG_QR: 0x80,
  OPCODE_MASK: 0x78,
  FLAG_AA: 0x04,
  FLAG_TC: 0x02,
  FLAG_RD: 0x01,
  /** Byte 3 of the header. */
  FLAG_RA: 0x80,
  FLAG_Z: 0x40,
  FLAG_AD: 0x20,
  FLAG_CD: 0x10,
  RCODE_MASK: 0x0f,

  TYPE_A: 1,
  TYPE_NS: 2,
  TYPE_SOA: 6,
  TYPE_HINFO: 13,
  TYPE_MX: 15,
  TYPE_TXT: 16,
  TYPE_AAAA: 28,
  TYPE_SRV: 33,
  TYPE_OPT: 41,
  TYPE_RRSIG: 46,
  TYPE_NSEC: 47,
  TYPE_DNSKEY: 48,
  TYPE_TSIG: 250,
  TYPE_IXFR: 251,
  TYPE_AXFR: 252,
  TYPE_ANY: 255,
  TYPE_CAA: 257,

  CLASS_IN: 1,
  CLASS_ANY: 255,

  RCODE_NOERROR: 0,
  RCODE_FORMERR: 1,
  RCODE_SERVFAIL: 2,
  RCODE_NXDOMAIN: 3,
  RCODE_NOTIMP: 4,
  RCODE_REFUSED: 5,
  RCODE_NOTAUTH: 9,
  /** Extended RCODE 23 (RFC 7873 §8): upper 8 bits 1 in the OPT TTL, header RCODE 7. */
  RCODE_BADCOOKIE: 23,
  /** The EDNS COOKIE option (RFC 7873 §4). */
  OPTION_COOKIE: 10,
  /** Extended RCODE 16 (RFC 6891 §6.1.3): upper 8 bits 1 in the OPT TTL, header RCODE 0. */
  RCODE_BADVERS: 16,
  /** TSIG error (RFC 8945 §5.2): the key is not known. */
  TSIG_BADKEY: 17,

  /** The UDP payload size we advertise and never exceed (DNS flag day 2020). */
  EDNS_UDP_SIZE: 1232,
  /** A UDP response without EDNS, or with a smaller advertised size, fits this. */
  CLASSIC_UDP_SIZE: 512,
  MAX_TCP_MESSAGE: 65535,
});

/**
 * The full RCODE of a response this server wrote: the header's 4 bits plus,
 * for a response without answer and authority records, the upper 8 bits from
 * an OPT that is the first additional record (RFC 6891 §6.1.3: BADVERS is
 * 16). Responses with records are never extended errors, so the common case
 * reads only the header.
 *
 * @example responseRcode(badversReply) // 16
 */
export function responseRcode(response: Uint8Array): number {
  const rcode = response[3] & DNS.RCODE_MASK;
  if ((response[6] | response[7] | response[8] | response[9]) !== 0) return rcode;
  if (response[10] === 0 && response[11] === 0) return rcode;
  let at: number = DNS.HEADER_LENGTH;
  if (response[5] === 1) {
    while (at < response.length && response[at] !== 0) at += response[at] + 1;
    at += 5; // root label, QTYPE, QCLASS
  }
  if (at + 11 > response.length || response[at] !== 0) return rcode;
  if (response[at + 1] !== 0 || response[at + 2] !== DNS.TYPE_OPT) return rcode;
  return (response[at + 5] << 4) | rcode;
}

/** DNSSEC algorithms we sign with, by their mnemonic (RFC 8624); the config names them, src/dnssec numbers them. */
export type DnssecAlgorithmName = "RSASHA256" | "ECDSAP256SHA256" | "ED25519";

/** Every `DnssecAlgorithmName`, in the order messages list them. */
export const DNSSEC_ALGORITHMS: readonly DnssecAlgorithmName[] = Object.freeze([
  "RSASHA256",
  "ECDSAP256SHA256",
  "ED25519",
]);

/** The transport a query arrived over and its response leaves by. */
export type Transport = "udp" | "tcp";
