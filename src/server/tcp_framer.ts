import { concatBytes } from "../wire/bytes.ts";

/**
 * Splits one connection's byte stream into DNS messages (RFC 1035 §4.2.2:
 * each message preceded by its length as a 2-byte big-endian integer), one
 * message at a time, so the caller decides how many to answer now. Chunk
 * boundaries are arbitrary: a prefix may be split across chunks and one chunk
 * may carry many pipelined messages (RFC 7766 §6.2.1). Pure: no I/O, no clock.
 */
export interface TcpFramer {
  /** Appends the next chunk as it arrived; the framer keeps it (callers pass a fresh array). */
  push(chunk: Uint8Array): void;
  /** The next complete message (a copy), or null when none is complete (or the stream is broken). */
  next(): Uint8Array | null;
  /** True once a zero length prefix arrived: nothing after it can be framed. */
  readonly broken: boolean;
  /** True while the next message has begun to arrive (at least one octet) but is not complete. */
  readonly partial: boolean;
  /** Octets received and not yet returned as messages. */
  readonly buffered: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Creates a framer. Every length from 1 to 65,535 is accepted (RFC 7766
 * §8 allows any DNS message); memory is bounded by the caller, which stops
 * reading while messages wait (src/server/tcp_sessions.ts).
 *
 * @example
 * const framer = createTcpFramer();
 * framer.push(new Uint8Array([0, 2, 0xab]));
 * framer.next(); // null: one octet missing
 * framer.push(new Uint8Array([0xcd]));
 * framer.next(); // ab cd
 */
export function createTcpFramer(): TcpFramer {
  // Unread octets are buffer[start, buffer.length).
  let buffer: Uint8Array = EMPTY;
  let start = 0;
  let broken = false;

  return {
    push(chunk) {
      if (broken || chunk.length === 0) return;
      if (start === buffer.length) buffer = chunk;
      else buffer = concatBytes(buffer.subarray(start), chunk);
      start = 0;
    },
    next() {
      const available = buffer.length - start;
      if (broken || available < 2) return null;
      const length = (buffer[start] << 8) | buffer[start + 1];
      if (length === 0) {
        broken = true;
        buffer = EMPTY;
        start = 0;
        return null;
      }
      if (available < 2 + length) return null;
      // A copy, so the message never keeps a large chunk alive.
      const message = buffer.slice(start + 2, start + 2 + length);
      start += 2 + length;
      if (start === buffer.length) {
        buffer = EMPTY;
        start = 0;
      }
      return message;
    },
    get broken() {
      return broken;
    },
    get partial() {
      const available = buffer.length - start;
      if (broken || available === 0) return false;
      return available < 2 || available < 2 + ((buffer[start] << 8) | buffer[start + 1]);
    },
    get buffered() {
      return buffer.length - start;
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
