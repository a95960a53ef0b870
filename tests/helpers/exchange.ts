import { answerQuery } from "../../src/answer/answer_query.ts";
import type { Snapshot } from "../../src/zone/snapshot.ts";

/** Sends one query and returns the response bytes, or null when none came (dropped). */
export type Exchange = (query: Uint8Array, transport: "udp" | "tcp") => Promise<Uint8Array | null>;

/**
 * The one place conformance tests get their `Exchange` from. For now it
 * answers straight from a snapshot with `answerQuery`; it is meant to be
 * switched to real UDP and TCP sockets through tests/helpers/server_harness.ts.
 */
export function snapshotExchange(snapshot: Snapshot): Exchange {
  return (query, transport) => Promise.resolve(answerQuery(query, snapshot, transport));
}
