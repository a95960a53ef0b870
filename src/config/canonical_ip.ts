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

/** RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
function formatIpv6(groups: readonly number[]): string {
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    // IPv4-mapped addresses keep the dotted quad (RFC 5952 section 5).
    return `::ffff:${groups[6] >> 8}.${groups[6] & 0xff}.${groups[7] >> 8}.${groups[7] & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * The canonical text of an IP address, or null when `text` is not one.
 * IPv4: a dotted quad of decimal octets without leading zeros (so "01.2.3.4"
 * is rejected rather than guessed at). IPv6: any RFC 4291 text form (zone IDs
 * such as "%eth0" are rejected), returned in RFC 5952 form.
 *
 * @example canonicalIp("2001:DB8:0:0::1") // "2001:db8::1"
 */
export function canonicalIp(text: string): string | null {
  if (!text.includes(":")) return parseIpv4(text)?.join(".") ?? null;
  const groups = parseIpv6(text);
  return groups === null ? null : formatIpv6(groups);
}
