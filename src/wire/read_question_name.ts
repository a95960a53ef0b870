/**
 * Reads the uncompressed name that starts a question at `offset` and returns
 * the offset just past its root label, or -1 when it is malformed: a
 * compression pointer or reserved label type (nothing precedes the question a
 * pointer could sensibly reference, so there is no loop to follow), a name
 * longer than 255 octets, or the message ending first.
 */
export function readQuestionName(message: Uint8Array, offset: number): number {
  let at = offset;
  for (;;) {
    if (at >= message.length) return -1;
    const length = message[at];
    if (length === 0) return at + 1 - offset > 255 ? -1 : at + 1;
    if (length > 63) return -1;
    at += length + 1;
    if (at - offset > 254) return -1;
  }
}
