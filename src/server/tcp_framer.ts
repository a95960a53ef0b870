import { concatBytes } from "../wire/bytes.ts";

/**
 * What one chunk of TCP bytes produced: the DNS messages it completed, in
 * arrival order, and whether the connection must now be closed (a zero or
 * over-limit length prefix; the messages completed before it still count).
 */
export interface FramerResult {
  readonly messages: readonly Uint8Array[];
  readonly close: boolean;
}

/** Splits one connection's byte stream into DNS messages. */
export interface TcpFramer {
  /** Feeds the next chunk, of any size, as it arrived from the socket. */
  push(chunk: Uint8Array): FramerResult;
}

/**
 * Creates a framer for RFC 1035 §4.2.2 framing: every message is preceded by
 * its length as a 2-byte big-endian integer. Chunk boundaries are arbitrary:
 * a prefix may be split across chunks and one chunk may carry several
 * pipelined messages (RFC 7766 §6.2.1). Pure: no I/O, no clock.
 *
 * @param maxLength longest message accepted; a longer prefix closes the connection.
 *
 * @example
 * const framer = createTcpFramer(4096);
 * framer.push(new Uint8Array([0, 2, 0xab])); // { messages: [], close: false }
 * framer.push(new Uint8Array([0xcd]));       // { messages: [ab cd], close: false }
 */
export function createTcpFramer(maxLength: number): TcpFramer {
  // Bytes received but not yet part of a complete message; never longer than
  // 2 + maxLength, so a client cannot make us buffer without bound.
  let pending: Uint8Array = new Uint8Array(0);
  let closed = false;

  return {
    push(chunk: Uint8Array): FramerResult {
      if (closed) return { messages: [], close: true };
      const buffer = pending.length === 0 ? chunk : concatBytes(pending, chunk);
      const messages: Uint8Array[] = [];
      let at = 0;
      while (buffer.length - at >= 2) {
        const length = (buffer[at] << 8) | buffer[at + 1];
        if (length === 0 || length > maxLength) {
          closed = true;
          pending = new Uint8Array(0);
          return { messages, close: true };
        }
        if (buffer.length - at - 2 < length) break;
        // Copy, so a message never aliases a socket buffer the runtime may reuse.
        messages.push(buffer.slice(at + 2, at + 2 + length));
        at += 2 + length;
      }
      pending = buffer.slice(at);
      return { messages, close: false };
    },
  };
}

/** Prefixes `message` with its 2-byte length, ready to write on a TCP connection. */
export function frameTcpMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff) {
    throw new RangeError(`DNS message of ${message.length} bytes exceeds 65535`);
  }
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}
