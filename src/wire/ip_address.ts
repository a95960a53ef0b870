/** A decimal octet without leading zeros ("01" is ambiguous: octal to some parsers). */
const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function parseIpv4(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return null;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : null;
}

/** Parses colon-separated hex groups; the last one may be a dotted quad when `tail`. */
function parseGroups(text: string, tail: boolean): number[] | null {
  if (text === "") return [];
  const pieces = text.split(":");
  const groups: number[] = [];
  for (const [index, piece] of pieces.entries()) {
    if (tail && index === pieces.length - 1 && piece.includes(".")) {
      const quad = parseIpv4(piece);
      if (quad === null) return null;
      groups.push((quad[0] << 8) | quad[1], (quad[2] << 8) | quad[3]);
    } else if (HEX_GROUP.test(piece)) {
      groups.push(parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return groups;
}

function parseIpv6(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  if (halves.length === 1) {
    const groups = parseGroups(text, true);
    return groups !== null && groups.length === 8 ? groups : null;
  }
  const head = parseGroups(halves[0], false);
  const tail = parseGroups(halves[1], true);
  if (head === null || tail === null || head.length + tail.length > 7) return null;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/**
 * The octets of an IP address in text form: 4 for a dotted quad of decimal
 * octets without leading zeros ("01.2.3.4" is rejected rather than guessed
 * at), 16 for any RFC 4291 §2.2 IPv6 form ("::", a trailing dotted quad; zone
 * IDs such as "%eth0" are rejected). Null when `text` is neither. The one IP
 * text parser: the config canonicalises with it, the zone builder encodes.
 *
 * @example parseIpAddress("2001:db8::1")?.length // 16
 */
export function parseIpAddress(text: string): Uint8Array | null {
  if (!text.includes(":")) {
    const octets = parseIpv4(text);
    return octets === null ? null : new Uint8Array(octets);
  }
  const groups = parseIpv6(text);
  if (groups === null) return null;
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  return out;
}

/**
 * The RDATA of an address record (A: 4 octets, AAAA: 16) for an address
 * `parseIpAddress` accepts. Throws a RangeError naming the address otherwise.
 *
 * @example addressToRdata("192.0.2.1") // c0 00 02 01
 */
export function addressToRdata(address: string): Uint8Array {
  const bytes = parseIpAddress(address);
  if (bytes === null) throw new RangeError(`address "${address}" is not an IPv4 or IPv6 address`);
  return bytes;
}
