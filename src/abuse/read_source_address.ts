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
  // ::ffff:a.b.c.d (IPv4-mapped): the client is an IPv4 one.
  for (let i = 0; i < 10; i++) if (out[i] !== 0) return 16;
  if (out[10] !== 0xff || out[11] !== 0xff) return 16;
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
