import type { Config, SecondaryConfig } from "../config/config.ts";
import type { Logger } from "../observe/logger.ts";
import type { Metrics, SecondaryMetrics } from "../observe/metrics.ts";
import type { Clock, RemoteAddress, Runtime } from "../runtime/runtime.ts";
import { DNS, type Transport } from "../wire/constants.ts";
import { readQuestionName, skipName } from "../wire/names.ts";
import type { ZoneRecords } from "../zone/snapshot.ts";
import { allRecords } from "../zone/zone_records.ts";
import { inRange, peerAddress } from "../wire/ip_address.ts";
import { createJournal, soaSerial, type ZoneChange } from "./journal.ts";
import { createNotifier } from "./notifier.ts";
import {
  emptyResponse,
  packTransfer,
  type QueryHead,
  readQueryHead,
  type TransferStream,
} from "./transfer_messages.ts";
import {
  appendUnsignedTsig,
  FUDGE,
  RCODE_NOTAUTH,
  readTsig,
  serverTimeOther,
  signMessage,
  TSIG_ERROR,
  type TsigKey,
  tsigKeyTable,
  tsigLength,
  type TsigRecord,
  verifyTsig,
} from "./tsig.ts";

/** Changes kept per zone for IXFR, and changed records kept in all per zone. */
const JOURNAL_CHANGES = 1_000;
const JOURNAL_RECORDS = 200_000;
/** A refused source is logged at most once in this long (scanners probe AXFR all day). */
const REFUSAL_LOG_EVERY_MS = 60_000;
/** Sources remembered for that; beyond this many the memory starts afresh. */
const REFUSAL_LOG_SOURCES = 1_024;
/** Changes landing within this long share one NOTIFY. */
const NOTIFY_COALESCE_MS = 20;

/** What a transfer or signed query resolved to, for metrics. */
export type TransferKind = "axfr" | "ixfr" | "ixfr_full" | "ixfr_current" | "ixfr_udp";

/** What the transfer service reads from a zone snapshot (src/zone/snapshot.ts). */
export interface TransferSnapshot {
  readonly serial: number;
  /** Every record of each served zone, or null/absent when built without a `transfer` config. */
  readonly transfer?: readonly ZoneRecords[] | null;
}

/** The server-side part of zone transfer: TSIG, AXFR, IXFR, NOTIFY. */
export interface TransferService<S extends TransferSnapshot> {
  /**
   * Whether `query` takes the transfer path: only with a `transfer` config,
   * and only an AXFR/IXFR or a TSIG-signed message. Everything else stays on
   * the plain answer path, untouched.
   */
  wants(query: Uint8Array): boolean;
  /**
   * Answers a query `wants` took: one message, a transfer's messages as a
   * stream (TCP only; the caller pulls them as the client reads and closes
   * the stream if the connection goes first), or null to drop.
   */
  answer(
    query: Uint8Array,
    transport: Transport,
    from: RemoteAddress,
  ): Uint8Array | TransferStream | null;
  /** A new snapshot now serves (`before` the one it replaced): journal the change, send NOTIFY. */
  published(before: S | null, after: S): void;
  /** Per configured secondary: NOTIFY acknowledged, serial transferred, lag. */
  status(): readonly SecondaryMetrics[];
  stop(): void;
}

/** What the transfer service needs from the server. */
export interface TransferDeps<S extends TransferSnapshot> {
  readonly config: () => Config;
  readonly current: () => S | null;
  readonly answerQuery: (
    query: Uint8Array,
    snapshot: S,
    transport: Transport,
  ) => Uint8Array | null;
  readonly bindUdp: Runtime["bindUdp"];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

interface Tracked {
  notifyAckedSerial: number | null;
  notifyAckedAt: number | null;
  transferredSerial: number | null;
}

const u16 = (m: Uint8Array, at: number) => (m[at] << 8) | m[at + 1];

/** Whether a message carries records and its last one is a TSIG (walks only when ARCOUNT > 0). */
function hasTsig(query: Uint8Array): boolean {
  return u16(query, 10) > 0 && readTsig(query) !== null;
}

/** The client's serial from the SOA in an IXFR request's authority section, or null. */
function ixfrClientSerial(query: Uint8Array, head: QueryHead): number | null {
  if (u16(query, 6) !== 0 || u16(query, 8) < 1) return null;
  let at = skipName(query, head.questionEnd);
  if (at < 0 || at + 10 > query.length || u16(query, at) !== DNS.TYPE_SOA) return null;
  at += 10;
  at = skipName(query, at);
  if (at >= 0) at = skipName(query, at);
  if (at < 0 || at + 4 > query.length) return null;
  return new DataView(query.buffer, query.byteOffset + at, 4).getUint32(0);
}

/**
 * The largest UDP response the client takes: its EDNS payload size between
 * 512 and our 1232 (as the answer path computes it), or 512 without EDNS.
 */
function udpLimit(query: Uint8Array, head: QueryHead): number {
  let at = head.questionEnd;
  const records = u16(query, 6) + u16(query, 8) + u16(query, 10);
  for (let i = 0; i < records && at >= 0 && at + 10 <= query.length; i++) {
    at = skipName(query, at);
    if (at < 0 || at + 10 > query.length) break;
    if (u16(query, at) === DNS.TYPE_OPT) {
      return Math.min(Math.max(u16(query, at + 2), DNS.CLASSIC_UDP_SIZE), DNS.EDNS_UDP_SIZE);
    }
    at += 10 + u16(query, at + 8);
  }
  return DNS.CLASSIC_UDP_SIZE;
}

/** What AXFR sends, and IXFR for a client older than the journal: SOA, every record, SOA. */
function* wholeZone(zone: ZoneRecords): Generator<Uint8Array, void, undefined> {
  yield zone.soa;
  yield* allRecords(zone);
  yield zone.soa;
}

/** An IXFR answer (RFC 1995 §4): SOA(new), per change SOA(old), deleted, SOA(next), added; SOA(new). */
function* journalDiff(
  zone: ZoneRecords,
  changes: readonly ZoneChange[],
): Generator<Uint8Array, void, undefined> {
  yield zone.soa;
  for (const change of changes) {
    yield change.fromSoa;
    yield* change.deleted;
    yield change.toSoa;
    yield* change.added;
  }
  yield zone.soa;
}

/** The number of records in a message (ANCOUNT). */
const answerCount = (message: Uint8Array) => u16(message, 6);

/** The response cut to header and question with TC set, for a signature that would not fit. */
function truncated(response: Uint8Array, head: QueryHead): Uint8Array {
  const out = response.slice(0, DNS.HEADER_LENGTH + head.question.length);
  out[2] |= DNS.FLAG_TC;
  out.fill(0, 6, 12);
  return out;
}

/** The query without its TSIG record (ARCOUNT − 1), as the answer path expects it. */
function withoutTsig(query: Uint8Array, tsig: TsigRecord): Uint8Array {
  const out = query.slice(0, tsig.start);
  const arcount = u16(out, 10) - 1;
  out[10] = arcount >> 8;
  out[11] = arcount & 0xff;
  return out;
}

/**
 * Creates the transfer service. It keeps the journal of exact differences
 * between consecutive served versions (for IXFR), answers AXFR/IXFR over TCP
 * to secondaries holding a valid TSIG key (and to `allow` ranges with any
 * configured key), at most `maxTransfers` at once in all and
 * `maxTransfersPerSource` per source address (more are refused), makes a
 * transfer's messages one at a time as the connection pulls them and signs
 * every one (RFC 8945 §5.3.1: each MAC chained to the previous one),
 * answers other TSIG-signed queries through the plain answer path and signs
 * the response, and sends NOTIFY on every new serial.
 */
export function createTransferService<S extends TransferSnapshot>(
  deps: TransferDeps<S>,
): TransferService<S> {
  const { logger, metrics, clock } = deps;
  const journal = createJournal(JOURNAL_CHANGES, JOURNAL_RECORDS);
  const tracked = new Map<string, Tracked>();
  let keysFor: Config["transfer"] = null;
  let keys: ReadonlyMap<string, TsigKey> = new Map();
  let publishedAt = clock.now();
  let notifyTimer: ReturnType<typeof setTimeout> | undefined;

  const currentKeys = () => {
    const transfer = deps.config().transfer;
    if (transfer !== keysFor) {
      keysFor = transfer;
      keys = tsigKeyTable(transfer?.tsigKeys ?? []);
    }
    return keys;
  };
  const track = (secondary: SecondaryConfig): Tracked => {
    const id = `${secondary.address}:${secondary.port}`;
    let entry = tracked.get(id);
    if (entry === undefined) {
      tracked.set(
        id,
        entry = { notifyAckedSerial: null, notifyAckedAt: null, transferredSerial: null },
      );
    }
    return entry;
  };
  const notifier = createNotifier({
    bindUdp: deps.bindUdp,
    clock,
    logger,
    keys: currentKeys,
    acknowledged(secondary, _apex, serial) {
      const entry = track(secondary);
      entry.notifyAckedSerial = serial;
      entry.notifyAckedAt = clock.now();
    },
  });
  const secondariesAt = (address: string) =>
    (deps.config().transfer?.secondaries ?? []).filter((s) => s.address === address);

  /** Whether `address` may transfer with `key`: a secondary listed with it, or an `allow` range. */
  const allowed = (address: string, key: TsigKey) => {
    const transfer = deps.config().transfer;
    if (transfer === null) return false;
    return transfer.secondaries.some((s) => s.address === address && s.key === key.name) ||
      transfer.allow.some((range) => inRange(address, range));
  };

  const nowSeconds = () => Math.floor(clock.now() / 1000);
  const fields = (request: TsigRecord, error = 0, other: Uint8Array = new Uint8Array(0)) => ({
    timeSigned: nowSeconds(),
    fudge: FUDGE,
    originalId: request.originalId,
    error,
    other,
  });
  /** Signs one response to a signed request, or returns it as is for an unsigned one. */
  const sign = (
    message: Uint8Array,
    key: TsigKey | null,
    request: TsigRecord | null,
  ): Uint8Array =>
    key === null || request === null
      ? message
      : signMessage(message, key, request.mac, fields(request)).message;
  /** Transfers in progress, in all and per source address (their streams not yet done or closed). */
  let active = 0;
  const activeFrom = new Map<string, number>();

  const lastLogged = new Map<string, number>();
  /** Logs a rejection at most once a minute per source (scanners and forgers must not flood the log). */
  const logRejection = (from: string, message: string, logged: Record<string, unknown>) => {
    const now = clock.monotonic();
    const last = lastLogged.get(from);
    if (last !== undefined && now - last < REFUSAL_LOG_EVERY_MS) return;
    if (lastLogged.size >= REFUSAL_LOG_SOURCES) lastLogged.clear();
    lastLogged.set(from, now);
    logger.warning(message, { from, ...logged });
  };
  const refuse = (
    head: QueryHead,
    kind: TransferKind,
    from: string,
    reason: string,
    key: TsigKey | null,
    request: TsigRecord | null,
    rcode: number = DNS.RCODE_REFUSED,
    outcome: string = rcode === DNS.RCODE_REFUSED ? "refused" : "notauth",
  ) => {
    metrics.countTransfer(kind, outcome);
    logRejection(from, "zone transfer refused", { zone: head.qname, type: kind, reason });
    return sign(emptyResponse(head, rcode), key, request);
  };

  /**
   * A transfer's messages made as they are pulled, each signed with the MAC
   * of the one before (RFC 8945 §5.3.1): the chain only needs the last MAC,
   * so it holds however long the client takes. Takes a transfer slot, which
   * the end of the messages or `close()` gives back.
   */
  const stream = (
    head: QueryHead,
    kind: TransferKind,
    from: string,
    zone: ZoneRecords,
    serial: number,
    records: Iterable<Uint8Array>,
    key: TsigKey | null,
    request: TsigRecord | null,
  ): TransferStream => {
    metrics.setTransfersInProgress(++active);
    activeFrom.set(from, (activeFrom.get(from) ?? 0) + 1);
    const messages = packTransfer(head, records);
    const startedAt = clock.monotonic();
    let prior = request?.mac ?? null;
    let sent = 0;
    let recordsSent = 0;
    let open = true;
    /** Gives the slot back once; false when it already was. */
    const release = () => {
      if (!open) return false;
      open = false;
      metrics.setTransfersInProgress(--active);
      const left = (activeFrom.get(from) ?? 1) - 1;
      if (left > 0) activeFrom.set(from, left);
      else activeFrom.delete(from);
      return true;
    };
    const done = { to: from, zone: zone.apex, type: kind, serial };
    return {
      next() {
        if (!open) return null;
        try {
          const step = messages.next();
          if (step.done) {
            release(); // not reached: the last message finished it
            return null;
          }
          const { message, last } = step.value;
          recordsSent += answerCount(message);
          sent++;
          let out = message;
          if (key !== null && request !== null) {
            const signed = signMessage(message, key, prior, fields(request), sent > 1);
            prior = signed.mac;
            out = signed.message;
          }
          if (last) {
            // Done once the last message is handed over, so the log and the secondary's
            // serial are there before the client has it.
            release();
            metrics.countTransfer(kind, "ok");
            for (const secondary of secondariesAt(from)) {
              track(secondary).transferredSerial = serial;
            }
            logger.info("zone transfer", {
              ...done,
              records: recordsSent,
              messages: sent,
              ms: Math.round(clock.monotonic() - startedAt),
            });
          }
          return out;
        } catch (error) {
          // A bug: the client gets a transfer without its end and gives up; the slot comes back.
          release();
          metrics.countTransfer(kind, "error");
          logger.error("zone transfer failed", { ...done, error: String(error) });
          return null;
        }
      },
      close() {
        if (!release()) return;
        metrics.countTransfer(kind, "aborted");
        logger.info("zone transfer not completed: the connection closed", {
          ...done,
          records: recordsSent,
          messages: sent,
        });
      },
    };
  };

  const transfer = (
    query: Uint8Array,
    head: QueryHead,
    transport: Transport,
    from: string,
    key: TsigKey | null,
    request: TsigRecord | null,
  ): Uint8Array | TransferStream | null => {
    const ixfr = head.qtype === DNS.TYPE_IXFR;
    let kind: TransferKind = ixfr ? (transport === "udp" ? "ixfr_udp" : "ixfr") : "axfr";
    if (!ixfr && transport === "udp") {
      // AXFR is TCP only (RFC 5936 §4.2): as without a transfer config.
      return sign(emptyResponse(head, DNS.RCODE_NOTIMP), key, request);
    }
    if (key === null) return refuse(head, kind, from, "no TSIG key", null, null);
    if (head.qclass !== DNS.CLASS_IN) {
      return refuse(head, kind, from, `class ${head.qclass} is not IN`, key, request);
    }
    if (!allowed(from, key)) {
      return refuse(head, kind, from, `key ${key.name} not allowed from here`, key, request);
    }
    const snapshot = deps.current();
    if (snapshot === null) return null;
    const zone: ZoneRecords | undefined = snapshot.transfer?.find((z) => z.apex === head.qname);
    if (zone === undefined) {
      return refuse(head, kind, from, "not a served zone", key, request, RCODE_NOTAUTH);
    }
    let records: Iterable<Uint8Array>;
    if (ixfr) {
      const clientSerial = ixfrClientSerial(query, head);
      if (clientSerial === null) {
        metrics.countTransfer(kind, "formerr");
        return sign(emptyResponse(head, DNS.RCODE_FORMERR), key, request);
      }
      for (const secondary of secondariesAt(from)) {
        track(secondary).transferredSerial = clientSerial;
      }
      const changes = journal.changesSince(zone.apex, clientSerial);
      if (transport === "udp" || ((clientSerial - snapshot.serial) | 0) >= 0) {
        kind = transport === "udp" ? kind : "ixfr_current";
        records = [zone.soa]; // current (or ahead): the SOA alone (RFC 1995 §2, §4)
      } else if (changes === null || soaSerial(changes.at(-1)!.toSoa) !== snapshot.serial) {
        kind = "ixfr_full"; // older than the journal: the whole zone, AXFR-style
        records = wholeZone(zone);
      } else {
        records = journalDiff(zone, changes);
      }
    } else {
      records = wholeZone(zone);
    }
    if (transport === "udp") {
      metrics.countTransfer(kind, "ok");
      logger.info("zone transfer", {
        to: from,
        zone: zone.apex,
        type: kind,
        serial: snapshot.serial,
      });
      return sign(packTransfer(head, records).next().value!.message, key, request);
    }
    const { maxTransfers, maxTransfersPerSource } = deps.config().transfer!;
    const fromHere = activeFrom.get(from) ?? 0;
    if (active >= maxTransfers || fromHere >= maxTransfersPerSource) {
      const reason = active >= maxTransfers
        ? `${active} transfers in progress (transfer.max_transfers)`
        : `${fromHere} transfers in progress from here (transfer.max_transfers_per_source)`;
      return refuse(head, kind, from, reason, key, request, DNS.RCODE_REFUSED, "busy");
    }
    return stream(head, kind, from, zone, snapshot.serial, records, key, request);
  };

  return {
    wants(query) {
      if (deps.config().transfer === null || query.length < DNS.HEADER_LENGTH) return false;
      // Every query passes here when transfer is configured: read in place, allocate nothing.
      const nameEnd = readQuestionName(query, DNS.HEADER_LENGTH);
      if (nameEnd >= 0 && nameEnd + 2 <= query.length) {
        const qtype = u16(query, nameEnd);
        if (qtype === DNS.TYPE_AXFR || qtype === DNS.TYPE_IXFR) return true;
      }
      return hasTsig(query);
    },
    answer(query, transport, remote) {
      const from = peerAddress(remote.hostname);
      const head = readQueryHead(query);
      if (head === null || (query[2] & DNS.FLAG_QR) !== 0) {
        // Not one question: the plain answer path knows what to answer.
        const snapshot = deps.current();
        return snapshot === null ? null : deps.answerQuery(query, snapshot, transport);
      }
      const tsig = readTsig(query);
      if (tsig === "formerr") return emptyResponse(head, DNS.RCODE_FORMERR);
      let key: TsigKey | null = null;
      let plain = query;
      if (tsig !== null) {
        const found = currentKeys().get(tsig.keyName);
        if (found === undefined || found.algorithm !== tsig.algorithm) {
          logRejection(from, "TSIG: unknown key", { key: tsig.keyName, algorithm: tsig.algorithm });
          metrics.countTsigRejected("badkey");
          // The answer path answers a key it does not know (NOTAUTH, BADKEY, unsigned).
          const snapshot = deps.current();
          return snapshot === null ? null : deps.answerQuery(query, snapshot, transport);
        }
        const check = verifyTsig(query, tsig, found, null, nowSeconds());
        if (check === "formerr") return emptyResponse(head, DNS.RCODE_FORMERR);
        if (check === "badsig") {
          logRejection(from, "TSIG: bad signature", { key: tsig.keyName });
          metrics.countTsigRejected("badsig");
          return appendUnsignedTsig(emptyResponse(head, RCODE_NOTAUTH), tsig, TSIG_ERROR.BADSIG);
        }
        if (check === "badtime") {
          logRejection(from, "TSIG: time outside the fudge", {
            key: tsig.keyName,
            signed: tsig.timeSigned,
          });
          metrics.countTsigRejected("badtime");
          return signMessage(
            emptyResponse(head, RCODE_NOTAUTH),
            found,
            tsig.mac,
            {
              ...fields(tsig, TSIG_ERROR.BADTIME, serverTimeOther(nowSeconds())),
              timeSigned: tsig.timeSigned,
            },
          ).message;
        }
        key = found;
        plain = withoutTsig(query, tsig);
      }
      if (head.qtype === DNS.TYPE_AXFR || head.qtype === DNS.TYPE_IXFR) {
        return transfer(plain, head, transport, from, key, tsig);
      }
      const snapshot = deps.current();
      if (snapshot === null) return null;
      const response = deps.answerQuery(plain, snapshot, transport);
      if (response === null || key === null) return response;
      // The answer path sized the response without our signature; over UDP it must still fit.
      const fits = transport === "tcp" ||
        response.length + tsigLength(key) <= udpLimit(plain, head);
      return sign(fits ? response : truncated(response, head), key, tsig);
    },
    published(before, after) {
      publishedAt = clock.now();
      if (before?.transfer && after.transfer) journal.record(before.transfer, after.transfer);
      if (notifyTimer !== undefined) return;
      notifyTimer = setTimeout(() => {
        notifyTimer = undefined;
        const snapshot = deps.current();
        const secondaries = deps.config().transfer?.secondaries ?? [];
        if (snapshot?.transfer == null || secondaries.length === 0) return;
        notifier.notify(
          secondaries,
          snapshot.transfer.map((zone) => ({
            apex: zone.apex,
            soa: zone.soa,
            serial: soaSerial(zone.soa),
          })),
        );
      }, NOTIFY_COALESCE_MS);
    },
    status() {
      const serial = deps.current()?.serial ?? null;
      return (deps.config().transfer?.secondaries ?? []).map((secondary) => {
        const entry = track(secondary);
        return {
          secondary: `${secondary.address}:${secondary.port}`,
          ...entry,
          lagSeconds: entry.transferredSerial === serial ? 0 : (clock.now() - publishedAt) / 1000,
        };
      });
    },
    stop() {
      clearTimeout(notifyTimer);
      notifier.stop();
    },
  };
}
