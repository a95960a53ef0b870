import { answerQuery } from "../../src/answer/answer_query.ts";
import type { Config } from "../../src/config/config.ts";
import type { SigningKey } from "../../src/dnssec/signing_key.ts";
import { ALL_HEALTHY, type HealthView } from "../../src/health/health_view.ts";
import { buildSnapshot } from "../../src/zone/build_snapshot.ts";

/** Sends one query and returns the response bytes, or null when none came (dropped). */
export type Exchange = (query: Uint8Array, transport: "udp" | "tcp") => Promise<Uint8Array | null>;

/** What a conformance test serves. */
export interface ExchangeSetup {
  readonly config: Config;
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
 * The one place conformance tests get their `Exchange` from. For now it
 * builds a snapshot and answers with `answerQuery` directly; it is meant to be
 * switched to real UDP and TCP sockets through tests/helpers/server_harness.ts
 * without touching the tests.
 */
export async function openExchange(setup: ExchangeSetup): Promise<OpenExchange> {
  const snapshot = await buildSnapshot({
    config: setup.config,
    health: setup.health ?? ALL_HEALTHY,
    now: Date.now(),
    previous: null,
    key: setup.key,
  });
  return {
    exchange: (query, transport) => Promise.resolve(answerQuery(query, snapshot, transport)),
    close: () => Promise.resolve(),
  };
}
