import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { answerQuery } from "../../../src/answer/answer_query.ts";
import type { Config } from "../../../src/config/config.ts";
import type { SigningKey } from "../../../src/dnssec/keys.ts";
import { ALL_HEALTHY, type HealthView } from "../../../src/health/health_state.ts";
import { buildSnapshot } from "../../../src/zone/build_snapshot.ts";
import { testKeySource } from "./zone_fixture.ts";

/** The TC bit in the third header octet. */
const TC = 0x02;

/** Sends one query and returns the response bytes, or null when none came (dropped). */
export type Exchange = (query: Uint8Array, transport: "udp" | "tcp") => Promise<Uint8Array | null>;

/** What a conformance test serves. */
export interface ExchangeSetup {
  readonly config: Config;
  /** A key from `testKey()`, or null for an unsigned zone. */
  readonly key: SigningKey | null;
  /** Endpoint health; everything healthy when omitted. */
  readonly health?: HealthView;
}

/** An open exchange and how to release what it holds (sockets, server). */
export interface OpenExchange {
  readonly exchange: Exchange;
  close(): Promise<void>;
}

/**
 * The one place conformance tests get their `Exchange` from. By default it
 * starts the real server in-process (scripts/bench/harness/server_harness.ts) and
 * every query crosses a real socket on 127.0.0.1; each UDP query that is
 * answered is sent over TCP as well, and the TCP answer must be the same
 * bytes unless the UDP one was truncated — so every contract row is checked
 * on both transports. With HEALTHY_DNS_EXCHANGE=direct it builds a snapshot
 * and calls `answerQuery` (fast, for work on the answer path).
 */
export async function openExchange(setup: ExchangeSetup): Promise<OpenExchange> {
  const health = setup.health ?? ALL_HEALTHY;
  if (process.env.HEALTHY_DNS_EXCHANGE !== "direct") return await serverExchange(setup, health);
  const snapshot = await buildSnapshot({
    config: setup.config,
    health,
    now: Date.now(),
    previous: null,
    key: setup.key,
  });
  return {
    exchange: (query, transport) => Promise.resolve(answerQuery(query, snapshot, transport)),
    close: () => Promise.resolve(),
  };
}

async function serverExchange(setup: ExchangeSetup, health: HealthView): Promise<OpenExchange> {
  // Loaded only in this mode, so the default mode depends on nothing beyond src/answer and src/zone.
  const { startTestServer } = await import("./server_harness.ts");
  const dir = await mkdtemp(join(tmpdir(), "healthy-dns-conformance-"));
  let dnssec: Config["dnssec"] = null;
  if (setup.key !== null) {
    const { pem, algorithm } = testKeySource(setup.key);
    const keyPath = join(dir, "key.pem");
    await writeFile(keyPath, pem);
    dnssec = { keyPath, algorithm };
  }
  const server = await startTestServer({ overrides: { ...setup.config, dnssec }, health });
  const exchange: Exchange = async (query, transport) => {
    const answer = await server.query(query, transport);
    if (transport === "udp" && answer !== null && (answer[2] & TC) === 0) {
      const overTcp = await server.query(query, "tcp");
      assert.deepEqual(
        overTcp && [...overTcp],
        [...answer],
        "the TCP answer differs from the UDP one",
      );
    }
    return answer;
  };
  return {
    exchange,
    close: async () => {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
