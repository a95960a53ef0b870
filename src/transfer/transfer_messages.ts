import { DNS } from "../wire/constants.ts";

/** Room kept free in every transfer message for the TSIG record (names ≤ 255 + 255, MAC ≤ 64). */
const TSIG_ROOM = 1024;
/** Largest transfer message before its TSIG record: each stays ≤ 64 KiB with it. */
const MAX_TRANSFER_BODY = DNS.MAX_TCP_MESSAGE - TSIG_ROOM;

/** The parts of a query a response repeats. */
export interface QueryHead {
  readonly id: number;
  /** Header byte 2 of the query (opcode and RD are echoed). */
  readonly flags: number;
  /** The question section as sent (name, type, class). */
  readonly question: Uint8Array;
  readonly qtype: number;
  readonly qclass: number;
  /** Question name, dotted lowercase. */
  readonly qname: string;
  /** Offset just past the question. */
  readonly questionEnd: number;
}

/** Reads header and single question of a query, or null when malformed. */
export function readQueryHead(query: Uint8Array): QueryHead | null {
  if (query.length < DNS.HEADER_LENGTH || query[4] !== 0 || query[5] !== 1) return null;
  const labels: string[] = [];
  let at = DNS.HEADER_LENGTH;
  for (;;) {
    if (at >= query.length) return null;
    const length = query[at];
    if (length === 0) break;
    if (length > 63 || at + 1 + length > query.length) return null;
    labels.push(String.fromCharCode(...query.subarray(at + 1, at + 1 + length)));
    at += 1 + length;
  }
  const questionEnd = at + 5;
  if (questionEnd > query.length) return null;
  return {
    id: (query[0] << 8) | query[1],
    flags: query[2],
    question: query.slice(DNS.HEADER_LENGTH, questionEnd),
    qtype: (query[at + 1] << 8) | query[at + 2],
    qclass: (query[at + 3] << 8) | query[at + 4],
    qname: labels.join(".").toLowerCase(),
    questionEnd,
  };
}

/** A response header and the question, with `answers` records following, RCODE `rcode`. */
function header(head: QueryHead, rcode: number, answers: number, authoritative: boolean) {
  const out = new Uint8Array(DNS.HEADER_LENGTH + head.question.length);
  out[0] = head.id >> 8;
  out[1] = head.id & 0xff;
  out[2] = DNS.FLAG_QR | (head.flags & (DNS.OPCODE_MASK | DNS.FLAG_RD)) |
    (authoritative ? DNS.FLAG_AA : 0);
  out[3] = rcode;
  out[5] = 1;
  out[6] = answers >> 8;
  out[7] = answers & 0xff;
  out.set(head.question, DNS.HEADER_LENGTH);
  return out;
}

/** A response with no records and `rcode` (the TSIG record, if any, is added by the caller). */
export function emptyResponse(head: QueryHead, rcode: number): Uint8Array {
  return header(head, rcode, 0, false);
}

/**
 * A zone transfer's messages, made one at a time as the connection pulls
 * them, so a transfer holds at most the messages its client has not read
 * yet, never the whole zone.
 */
export interface TransferStream {
  /** The next message (signed when the request was), or null when the transfer is complete. */
  next(): Uint8Array | null;
  /** The connection is gone: frees the transfer's slot (idempotent; done by itself at the end). */
  close(): void;
}

/** One message of a transfer, and whether it is the transfer's last. */
export interface TransferMessage {
  readonly message: Uint8Array;
  readonly last: boolean;
}

/**
 * Packs a transfer's records into as few messages as possible, lazily, each
 * repeating the question and at most `MAX_TRANSFER_BODY` bytes long
 * (RFC 5936 §2.2: many records per message).
 */
export function* packTransfer(
  head: QueryHead,
  records: Iterable<Uint8Array>,
): Generator<TransferMessage, void, undefined> {
  const base = DNS.HEADER_LENGTH + head.question.length;
  const batch: Uint8Array[] = [];
  let size = base;
  const pack = (last: boolean): TransferMessage => {
    const message = new Uint8Array(size);
    message.set(header(head, DNS.RCODE_NOERROR, batch.length, true));
    let at = base;
    for (const record of batch) {
      message.set(record, at);
      at += record.length;
    }
    batch.length = 0;
    size = base;
    return { message, last };
  };
  for (const record of records) {
    if (batch.length > 0 && size + record.length > MAX_TRANSFER_BODY) yield pack(false);
    batch.push(record);
    size += record.length;
  }
  if (batch.length > 0) yield pack(true);
}
