/**
 * IP addresses, the one home of their rules: text parsing (strict, for the
 * config; allocation-free, for the addresses a runtime reports), the canonical
 * text form, CIDR ranges and prefixes, IPv4-mapped IPv6 addresses (unmapped
 * by `unmapIpv4` alone) and the per-source keys the server counts by.
 */

/** An address range in CIDR form. */
export interface AddressRange {
  /** Canonical IP address of the network. */
  readonly address: string;
  /** Prefix length in bits. */
  readonly prefix: number;
}

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

/**
 * Reads an IP address or CIDR range ("203.0.113.0/24", "2001:db8::/48"; a
 * bare address is a single host) into its canonical address and prefix
 * length, or null when `text` is neither.
 *
 * @example parseAddressRange("2001:DB8::/32") // { address: "2001:db8::", prefix: 32 }
 */
export function parseAddressRange(text: string): AddressRange | null {
  const [ip, bits, ...rest] = text.split("/");
  const address = rest.length > 0 ? null : canonicalIp(ip);
  const max = address?.includes(":") ? 128 : 32;
  const prefix = bits === undefined ? max : /^[0-9]{1,3}$/.test(bits) ? Number(bits) : NaN;
  return address === null || !(prefix <= max) ? null : { address, prefix };
}

/** RFC 5952: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
function formatIpv6(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    // IPv4-mapped addresses keep the dotted quad (RFC 5952 section 5).
    return `::ffff:${bytes.subarray(12).join(".")}`;
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

/** The canonical text of address octets (4 or 16): a dotted quad, or RFC 5952 IPv6. */
function formatIp(bytes: Uint8Array): string {
  return bytes.length === 4 ? bytes.join(".") : formatIpv6(bytes);
}

/**
 * The canonical text of an IP address, or null when `text` is not one (the
 * forms `parseIpAddress` accepts): IPv4 as its dotted quad, IPv6 in RFC 5952
 * form (an IPv4-mapped address stays mapped: the config keeps what it is given).
 *
 * @example canonicalIp("2001:DB8:0:0::1") // "2001:db8::1"
 */
export function canonicalIp(text: string): string | null {
  const bytes = parseIpAddress(text);
  return bytes === null ? null : formatIp(bytes);
}

/** Whether 16 octets are an IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2). */
function isIpv4Mapped(bytes: Uint8Array): boolean {
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * The IPv4 address inside an IPv4-mapped IPv6 address (what a dual-stack
 * socket reports for an IPv4 peer), as a view of its last 4 octets; any other
 * address as given. Every comparison of a peer with the config goes through it.
 */
export function unmapIpv4(bytes: Uint8Array): Uint8Array {
  return bytes.length === 16 && isIpv4Mapped(bytes) ? bytes.subarray(12) : bytes;
}

/** A CIDR range as octets (4 or 16, IPv4-mapped ranges as IPv4) and a prefix length. */
export interface AddressPrefix {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * An `AddressRange` (validated by the config) as octets and a prefix length.
 * An IPv4-mapped range ("::ffff:192.0.2.0/120") becomes IPv4: its prefix loses
 * the 96 bits before.
 */
export function addressPrefix(range: AddressRange): AddressPrefix {
  const bytes = parseIpAddress(range.address);
  if (bytes === null) throw new RangeError(`range "${range.address}" is not an address`);
  const unmapped = unmapIpv4(bytes);
  const bits = unmapped.length < bytes.length ? range.prefix - 96 : range.prefix;
  return { bytes: unmapped.slice(), bits: Math.max(0, bits) };
}

/**
 * Whether `address[0, length)` (4 or 16 octets, unmapped) lies in `prefix`:
 * the families agree and the first `prefix.bits` bits, a partial octet masked.
 */
export function inPrefix(address: Uint8Array, length: number, prefix: AddressPrefix): boolean {
  if (prefix.bytes.length !== length) return false;
  const whole = prefix.bits >> 3;
  for (let i = 0; i < whole; i++) if (address[i] !== prefix.bytes[i]) return false;
  const rest = prefix.bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (address[whole] & mask) === (prefix.bytes[whole] & mask);
}

/** Whether the address `text` lies in `range` (IPv4-mapped counts as IPv4; not an address: false). */
export function inRange(text: string, range: AddressRange): boolean {
  const bytes = parseIpAddress(text);
  if (bytes === null) return false;
  const address = unmapIpv4(bytes);
  return inPrefix(address, address.length, addressPrefix(range));
}

/**
 * Reads the source address a runtime reports for a datagram ("192.0.2.7",
 * "2001:db8::1", "::ffff:192.0.2.7" on a dual-stack socket) into `out` and
 * returns 4 for IPv4 (IPv4-mapped IPv6 counts as IPv4: it is an IPv4 client),
 * 16 for IPv6, or 0 when the text is neither. Runs for every UDP response
 * (rate limiting) and every cookie, so it reads character codes into the
 * caller's buffer and allocates nothing; it trusts the runtime's formatting
 * less than it might (it still rejects what it cannot read) but, unlike the
 * config's `canonicalIp`, does not police style such as leading zeros.
 * A zone suffix ("%eth0") ends the address.
 */
export function readSourceAddress(text: string, out: Uint8Array): 0 | 4 | 16 {
  const end = zoneStart(text);
  let colon = false;
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 0x3a) {
      colon = true;
      break;
    }
  }
  if (!colon) return readIpv4(text, 0, end, out, 0) ? 4 : 0;
  if (!readIpv6(text, end, out)) return 0;
  if (!isIpv4Mapped(out)) return 16;
  // ::ffff:a.b.c.d: the client is an IPv4 one.
  out[0] = out[12];
  out[1] = out[13];
  out[2] = out[14];
  out[3] = out[15];
  return 4;
}

function zoneStart(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x25) return i;
  return text.length;
}

/** A dotted quad in text[start, end) into out[at, at + 4). */
function readIpv4(text: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const c = i === end ? 0x2e : text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || parts === 4) return false;
      out[at + parts++] = octet;
      octet = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      octet = octet * 10 + c - 0x30;
      digits++;
      if (octet > 255) return false;
    } else {
      return false;
    }
  }
  return parts === 4;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** IPv6 text in text[0, end) into out[0, 16). */
function readIpv6(text: string, end: number, out: Uint8Array): boolean {
  out.fill(0);
  let groups = 0; // groups written so far (before the gap, then after it)
  let gapAt = -1; // group index where "::" stands
  let i = 0;
  if (end >= 2 && text.charCodeAt(0) === 0x3a) {
    if (text.charCodeAt(1) !== 0x3a) return false;
    gapAt = 0;
    i = 2;
    if (i === end) return true; // "::"
  }
  for (;;) {
    // One group (or a trailing dotted quad) starting at i.
    let value = 0;
    let digits = 0;
    let j = i;
    for (; j < end; j++) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = (value << 4) | h;
      digits++;
    }
    if (j < end && text.charCodeAt(j) === 0x2e) {
      // Dotted quad: the last 32 bits.
      if (groups > 6 || !readIpv4(text, i, end, out, 2 * groups)) return false;
      groups += 2;
      break;
    }
    if (digits === 0 || digits > 4 || groups === 8) return false;
    out[2 * groups] = value >> 8;
    out[2 * groups + 1] = value & 0xff;
    groups++;
    if (j === end) break;
    if (text.charCodeAt(j) !== 0x3a) return false;
    if (j + 1 < end && text.charCodeAt(j + 1) === 0x3a) {
      if (gapAt >= 0) return false;
      gapAt = groups;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return false;
    }
  }
  if (gapAt < 0) return groups === 8;
  if (groups > 7) return false;
  // Move the groups after the gap to the end.
  const tail = groups - gapAt;
  for (let k = tail - 1; k >= 0; k--) {
    const from = 2 * (gapAt + k);
    const to = 2 * (8 - tail + k);
    out[to] = out[from];
    out[to + 1] = out[from + 1];
    if (from !== to) {
      out[from] = 0;
      out[from + 1] = 0;
    }
  }
  return true;
}

/**
 * A peer's address in canonical form, an IPv4-mapped IPv6 address (what a
 * dual-stack socket reports for IPv4 peers) as plain IPv4; text that is no
 * address as given.
 */
export function peerAddress(hostname: string): string {
  const bytes = parseIpAddress(hostname);
  return bytes === null ? hostname : formatIp(unmapIpv4(bytes));
}

/**
 * The key under which TCP connections are counted per source: the IPv4
 * address, or the /64 of an IPv6 address (one host usually holds a whole
 * /64, so counting single IPv6 addresses would be no cap at all).
 * IPv4-mapped IPv6 (`::ffff:192.0.2.1`, from a dual-stack socket) counts as
 * the IPv4 address. Text that is no address is its own key.
 *
 * @example tcpSourceKey("2001:db8::1") === tcpSourceKey("2001:db8::2") // true
 */
export function tcpSourceKey(hostname: string): string {
  const bytes = parseIpAddress(hostname);
  if (bytes === null) return hostname;
  const address = unmapIpv4(bytes);
  if (address.length === 4) return address.join(".");
  let key = "";
  for (let i = 0; i < 8; i++) key += address[i].toString(16).padStart(2, "0");
  return `${key}::/64`;
}
