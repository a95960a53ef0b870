/**
 * Shared fixtures for zone, answer and conformance tests: a small config with
 * every kind of record, health views, a real signing key, and a query encoder.
 */
import dnsPacket from "dns-packet";
import { answerQuery } from "../../../src/answer/answer_query.ts";
import { baseConfig } from "./base_config.ts";
import type { Exchange } from "./exchange.ts";
import type { Config, RecordConfig } from "../../../src/config/config.ts";
import type { DnssecAlgorithmName } from "../../../src/wire/constants.ts";
import { generateKeyPem, loadSigningKey, type SigningKey } from "../../../src/dnssec/keys.ts";
import { ALL_HEALTHY, type HealthView } from "../../../src/health/health_state.ts";
import { buildSnapshot } from "../../../src/zone/build_snapshot.ts";
import type { Snapshot } from "../../../src/zone/snapshot.ts";

const checked = (port: number) => ({ port, timeoutMs: 1_000 });

/** Records of the fixture zone: checked, static, ENT-making, every all-down policy. */
const FIXTURE_RECORDS: readonly RecordConfig[] = [
  {
    name: "www",
    addresses: ["192.0.2.1", "192.0.2.2", "2001:db8::1"],
    check: checked(80),
    whenAllDown: { kind: "none" },
  },
  { name: "api.eu", addresses: ["192.0.2.10"], check: checked(443), whenAllDown: { kind: "none" } },
  { name: "static", addresses: ["198.51.100.7"], check: null, whenAllDown: { kind: "none" } },
  {
    name: "all",
    addresses: ["192.0.2.20", "192.0.2.21"],
    check: checked(80),
    whenAllDown: { kind: "all" },
  },
  {
    name: "fb",
    addresses: ["192.0.2.30"],
    check: checked(80),
    whenAllDown: { kind: "fallback", addresses: ["203.0.113.5"] },
  },
  { name: "ns1", addresses: ["192.0.2.53"], check: null, whenAllDown: { kind: "none" } },
];

/** The fixture config: hosted zone example.test, alias example.net. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return baseConfig({
    aliasZones: ["example.net"],
    nameServers: ["ns1.example.test", "ns2.example.org"],
    records: FIXTURE_RECORDS,
    logLevel: "error",
    ...overrides,
  });
}

/** A health view in which the listed addresses (any port) are down. */
export function healthWithDown(...down: string[]): HealthView {
  return { isHealthy: (address) => !down.includes(address) };
}

const keys = new Map<DnssecAlgorithmName, Promise<SigningKey>>();
const sources = new WeakMap<SigningKey, { pem: string; algorithm: DnssecAlgorithmName }>();

/** A real signing key (generated once per algorithm per test run). */
export function testKey(algorithm: DnssecAlgorithmName = "ED25519"): Promise<SigningKey> {
  let key = keys.get(algorithm);
  if (key === undefined) {
    key = generateKeyPem(algorithm).then(async (pem) => {
      const loaded = await loadSigningKey(pem, algorithm);
      sources.set(loaded, { pem, algorithm });
      return loaded;
    });
    keys.set(algorithm, key);
  }
  return key;
}

/** The PEM and algorithm a `testKey` was loaded from (for servers that read a key file). */
export function testKeySource(key: SigningKey): { pem: string; algorithm: DnssecAlgorithmName } {
  const source = sources.get(key);
  if (source === undefined) throw new Error("not a key made by testKey()");
  return source;
}

/** Fixed build time: 2026-11-26T00:00:00Z. */
export const NOW = Date.UTC(2026, 10, 26);

/** Builds a snapshot of the fixture (everything healthy unless given). */
export async function fixtureSnapshot(
  options: { signed?: boolean; health?: HealthView; config?: Config } = {},
): Promise<Snapshot> {
  return buildSnapshot({
    config: options.config ?? testConfig(),
    health: options.health ?? ALL_HEALTHY,
    now: NOW,
    previous: null,
    key: options.signed ? await testKey() : null,
  });
}

/** Query options for `makeQuery`. */
export interface QueryOptions {
  id?: number;
  /** EDNS: omit for no OPT. */
  edns?: { udpSize?: number; dnssecOk?: boolean; version?: number };
  qclass?: number;
  rd?: boolean;
  cd?: boolean;
}

/** Encodes a query with dns-packet. */
export function makeQuery(name: string, type: string, options: QueryOptions = {}): Uint8Array {
  const flags = (options.rd ? dnsPacket.RECURSION_DESIRED : 0) |
    (options.cd ? dnsPacket.CHECKING_DISABLED : 0);
  const packet: dnsPacket.Packet = {
    type: "query",
    id: options.id ?? 0x1234,
    flags,
    questions: [{ name, type: type as dnsPacket.RecordType, class: "IN" }],
  };
  if (options.edns !== undefined) {
    packet.additionals = [{
      type: "OPT",
      name: ".",
      udpPayloadSize: options.edns.udpSize ?? 1232,
      flags: options.edns.dnssecOk ? dnsPacket.DNSSEC_OK : 0,
    } as dnsPacket.Answer];
  }
  const bytes = new Uint8Array(dnsPacket.encode(packet));
  if (options.qclass !== undefined) {
    const at = bytes.length - (options.edns !== undefined ? 11 : 0) - 2;
    bytes[at] = options.qclass >> 8;
    bytes[at + 1] = options.qclass & 0xff;
  }
  if (options.edns?.version !== undefined) bytes[bytes.length - 5] = options.edns.version;
  return bytes;
}

/** One decoded record, loosely typed (dns-packet's union makes OPT lack a TTL). */
export interface DecodedRecord {
  name: string;
  type: string;
  ttl: number;
  class?: string;
  data: unknown;
}

/** What dns-packet's decode returns (its typings omit the header fields). */
export type Decoded = Omit<dnsPacket.DecodedPacket, "answers" | "authorities" | "additionals"> & {
  answers: DecodedRecord[];
  authorities: DecodedRecord[];
  additionals: DecodedRecord[];
  rcode: string;
  opcode: string;
  flag_qr: boolean;
  flag_aa: boolean;
  flag_tc: boolean;
  flag_rd: boolean;
  flag_ra: boolean;
  flag_z: boolean;
  flag_ad: boolean;
  flag_cd: boolean;
};

/** Decodes a response with dns-packet (fails the test on null). */
export function decode(response: Uint8Array | null): Decoded {
  if (response === null) throw new Error("expected a response, got none (dropped)");
  return dnsPacket.decode(Buffer.from(response)) as unknown as Decoded;
}

/** Answers `name`/`type` from a snapshot (UDP, EDNS, DO as given) and decodes the response. */
export function ask(snapshot: Snapshot, name: string, type: string, dnssecOk = false): Decoded {
  return decode(answerQuery(makeQuery(name, type, { edns: { dnssecOk } }), snapshot, "udp"));
}

/** Sends `name`/`type` through an exchange (UDP unless told) and decodes the response. */
export async function query(
  exchange: Exchange,
  name: string,
  type: string,
  options: QueryOptions = {},
  transport: "udp" | "tcp" = "udp",
): Promise<Decoded> {
  return decode(await exchange(makeQuery(name, type, options), transport));
}
