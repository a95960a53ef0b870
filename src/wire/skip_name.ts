/**
 * Skips a possibly compressed name in a resource record starting at `offset`
 * and returns the offset just past it, or -1 when malformed. A pointer ends
 * the name here and is never followed, so a pointer loop cannot hang us; for
 * walking prepared fragments and messages already vetted. Queries are read
 * strictly, pointers followed and checked, by `readName` (parse_query.ts).
 */
export function skipName(message: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    if (at >= message.length) return -1;
    const length = message[at];
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2 <= message.length ? at + 2 : -1;
    if (length > 63) return -1;
    at += length + 1;
    if (at - offset > 255) return -1;
  }
}
