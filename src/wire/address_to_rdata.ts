/**
 * The RDATA of an address record: 4 octets (A) for an IPv4 dotted quad, 16
 * (AAAA) for IPv6 text (RFC 4291 §2.2 forms, including "::" and a trailing
 * dotted quad). Throws a RangeError naming the address when it is neither.
 *
 * @example addressToRdata("2001:db8::1").length // 16
 */
export function addressToRdata(address: string): Uint8Array {
  const bytes = address.includes(":") ? ipv6(address) : ipv4(address);
  if (bytes === null) throw new RangeError(`address "${address}" is not an IPv4 or IPv6 address`);
  return bytes;
}

function ipv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255)) {
    return null;
  }
  return new Uint8Array(parts.map(Number));
}

function groups(text: string): number[] | null {
  if (text === "") return [];
  const out: number[] = [];
  const pieces = text.split(":");
  for (const [i, piece] of pieces.entries()) {
    if (i === pieces.length - 1 && piece.includes(".")) {
      const quad = ipv4(piece);
      if (quad === null) return null;
      out.push((quad[0] << 8) | quad[1], (quad[2] << 8) | quad[3]);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
      out.push(parseInt(piece, 16));
    } else {
      return null;
    }
  }
  return out;
}

function ipv6(text: string): Uint8Array | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === null || tail === null) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((group, i) => {
    out[2 * i] = group >> 8;
    out[2 * i + 1] = group & 0xff;
  });
  return out;
}
