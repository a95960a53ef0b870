/**
 * A zone transfer client for tests: sends AXFR or IXFR over TCP (TSIG-signed
 * when given a key), reads every message of the answer, checks the TSIG chain
 * of a signed answer, and decodes the records.
 */
import dnsPacket from "dns-packet";
import net from "node:net";
import type { TransferConfig, TsigKeyConfig } from "../../../src/config/config.ts";
import {
  FUDGE,
  readTsig,
  signMessage,
  type TsigKey,
  tsigKeyTable,
  verifyTsig,
} from "../../../src/transfer/tsig.ts";
import { frame, tcpMessages, udpExchange } from "./server_harness.ts";
import { decode, type DecodedRecord } from "./zone_fixture.ts";

/** What a transfer returned. */
export interface TransferResult {
  /** RCODE of the first message. */
  readonly rcode: number;
  /** TSIG error of the first message's TSIG record, or null without one. */
  readonly tsigError: number | null;
  /** Every record of every message, TSIG excluded, in order. */
  readonly records: readonly DecodedRecord[];
  readonly messages: number;
  /** Every message as received. */
  readonly raw: readonly Uint8Array[];
}

/** The key of a config entry, ready for signing. */
export function tsigKey(config: TsigKeyConfig): TsigKey {
  return tsigKeyTable([config]).get(config.name)!;
}

/**
 * The `transfer` config of the transfer tests: `key` known, transfers allowed
 * from 127.0.0.1 and no secondary (unless `parts` says otherwise), at most 10
 * transfers at once and 4 per source.
 */
export function loopbackTransfer(
  key: TsigKeyConfig,
  parts: Partial<TransferConfig> = {},
): TransferConfig {
  return {
    tsigKeys: [key],
    secondaries: [],
    allow: [{ address: "127.0.0.1", prefix: 32 }],
    maxTransfers: 10,
    maxTransfersPerSource: 4,
    ...parts,
  };
}

/** Options of `transfer`. */
export interface TransferOptions {
  readonly host?: string;
  readonly key?: TsigKey;
  /** IXFR: the serial the client holds. */
  readonly serial?: number;
  /** Send over UDP (one answer) instead of TCP. */
  readonly udp?: boolean;
  /** The question's class; default IN. */
  readonly qclass?: "IN" | "CH";
}

/** One record as comparable text: owner, type, TTL and data. */
export function recordText(record: DecodedRecord): string {
  return `${record.name.toLowerCase()} ${record.type} ${record.ttl} ${JSON.stringify(record.data)}`;
}

/**
 * A transfer request for `zone`, TSIG-signed when `options.key` is given (then
 * `prior` is its MAC, which the answer's first signature chains to).
 */
export function transferQuery(
  zone: string,
  type: "AXFR" | "IXFR",
  options: TransferOptions = {},
): { query: Uint8Array; prior: Uint8Array | null } {
  const id = Math.floor(Math.random() * 0xffff);
  const soa = {
    mname: "ns.invalid",
    rname: "x.invalid",
    serial: options.serial ?? 0,
    refresh: 0,
    retry: 0,
    expire: 0,
    minimum: 0,
  };
  const query: Uint8Array = dnsPacket.encode({
    type: "query",
    id,
    flags: 0,
    questions: [{ type, name: zone, class: options.qclass ?? "IN" }],
    authorities: type === "IXFR" ? [{ type: "SOA", name: zone, ttl: 0, data: soa }] : [],
  });
  if (options.key === undefined) return { query, prior: null };
  const signed = signMessage(query, options.key, null, {
    timeSigned: Math.floor(Date.now() / 1000),
    fudge: FUDGE,
    originalId: id,
    error: 0,
    other: new Uint8Array(0),
  });
  return { query: signed.message, prior: signed.mac };
}

/** Sends `type` for `zone` to `port` and reads the whole answer (10 s at most). */
export async function transfer(
  port: number,
  zone: string,
  type: "AXFR" | "IXFR",
  options: TransferOptions = {},
): Promise<TransferResult> {
  const { query, prior: signedWith } = transferQuery(zone, type, options);
  let prior = signedWith;
  const now = () => Math.floor(Date.now() / 1000);
  if (options.udp) {
    const response = await udpExchange(port, query, 2_000, options.host ?? "127.0.0.1");
    if (response === null) throw new Error(`no UDP answer to ${type} ${zone}`);
    const tsig = readTsig(response);
    return {
      rcode: response[3] & 0x0f,
      tsigError: tsig === null || tsig === "formerr" ? null : tsig.error,
      records: decode(response).answers,
      messages: 1,
      raw: [response],
    };
  }
  const socket = net.connect(port, options.host ?? "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  try {
    const reader = tcpMessages(socket);
    socket.write(frame(query));
    const records: DecodedRecord[] = [];
    const raw: Uint8Array[] = [];
    let rcode = -1;
    let tsigError: number | null = null;
    let messages = 0;
    for (;;) {
      const message = await reader.next(10_000);
      if (message === null) break;
      const tsig = readTsig(message);
      if (messages === 0) {
        rcode = message[3] & 0x0f;
        tsigError = tsig === null || tsig === "formerr" ? null : tsig.error;
      }
      if (options.key !== undefined && prior !== null && rcode === 0) {
        if (tsig === null || tsig === "formerr") {
          throw new Error(`message ${messages} is not signed`);
        }
        const check = verifyTsig(message, tsig, options.key, prior, now(), messages > 0);
        if (check !== "ok") throw new Error(`message ${messages}: TSIG ${check}`);
        prior = tsig.mac;
      }
      messages++;
      raw.push(message);
      const decoded = decode(message);
      records.push(...decoded.answers.filter((record) => record.type !== ("TSIG" as string)));
      const first = records[0];
      const last = records.at(-1);
      const done = rcode !== 0 || records.length === 0 ||
        (records.length === 1 && type === "IXFR") ||
        (records.length > 1 && last?.type === "SOA" && first?.type === "SOA" &&
          (last.data as { serial: number }).serial === (first.data as { serial: number }).serial);
      if (done) break;
    }
    return { rcode, tsigError, records, messages, raw };
  } finally {
    socket.destroy();
  }
}

/**
 * Command-line flags serving example.test (and `aliasZones`) with name
 * server ns1.example.test and `records` (`--zone-resolutions` JSON form).
 */
export function zoneArgs(
  records: Readonly<Record<string, unknown>>,
  aliasZones: readonly string[] = [],
): string[] {
  return [
    "--hosted-zone",
    "example.test",
    ...(aliasZones.length === 0 ? [] : ["--alias-zones", JSON.stringify(aliasZones)]),
    "--ns",
    '["ns1.example.test"]',
    "--zone-resolutions",
    JSON.stringify(records),
  ];
}
