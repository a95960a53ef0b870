/**
 * Runs Debian's unbound as a validating resolver on loopback for end-to-end
 * DNSSEC tests: one stub zone per served zone, all pointing at our server,
 * each with its own trust anchor (a DS record), and nothing reachable beyond
 * them (every other name is refused locally, so unbound never leaves loopback).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endProcess } from "../../scripts/bench/harness/end_process.ts";
import { freePort, udpExchange } from "../../scripts/bench/harness/server_harness.ts";
import {
  decode,
  type Decoded,
  makeQuery,
  type QueryOptions,
} from "../../scripts/bench/harness/zone_fixture.ts";

/** Where Debian installs unbound; `UNBOUND` overrides it. */
export const UNBOUND_BINARY = process.env.UNBOUND ?? "/usr/sbin/unbound";
/** How long unbound may take to start answering. */
const START_TIMEOUT_MS = 10_000;
/** How long one resolution through unbound may take (it fetches DNSKEYs first). */
const QUERY_TIMEOUT_MS = 5_000;
const CLASS_CH = 3;

/** One zone unbound sends to our server, and the anchor it validates it with. */
export interface StubZone {
  /** Zone apex without the trailing dot, e.g. `example.test`. */
  readonly name: string;
  /** A DS record in presentation format (`example.test. IN DS 1234 15 2 AB…`). */
  readonly trustAnchor: string;
}

/** Options of `startUnbound`. */
export interface UnboundOptions {
  /** The port of the authoritative server (ours, or a secondary of ours). */
  readonly serverPort: number;
  /** Its loopback address; default 127.0.0.1. */
  readonly serverHost?: string;
  readonly zones: readonly StubZone[];
  /** Extra `server:` lines, e.g. `cache-max-ttl: 0`. */
  readonly extraServerLines?: readonly string[];
}

/** A running unbound. */
export interface Unbound {
  /** Its DNS port on 127.0.0.1. */
  readonly port: number;
  /** Resolves `name`/`type` through unbound (RD and DO set) and decodes the response. */
  resolve(name: string, type: string, options?: QueryOptions): Promise<Decoded>;
  /** unbound's log so far (validation failures are explained at val-log-level 2). */
  log(): string;
  /** Ends the process (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

/** The `unbound.conf` text for `options`, unbound listening on `port` with its files in `dir`. */
function unboundConfig(options: UnboundOptions, port: number, dir: string): string {
  const zones = options.zones.map((zone) => zone.name.toLowerCase().replace(/\.$/, ""));
  return [
    "server:",
    `  interface: 127.0.0.1@${port}`,
    `  port: ${port}`,
    "  do-ip6: no",
    "  num-threads: 1",
    "  do-not-query-localhost: no",
    '  username: ""',
    '  chroot: ""',
    `  directory: "${dir}"`,
    `  pidfile: "${join(dir, "unbound.pid")}"`,
    "  use-syslog: no",
    `  logfile: "${join(dir, "unbound.log")}"`,
    "  verbosity: 1",
    "  val-log-level: 2",
    '  module-config: "validator iterator"',
    "  qname-minimisation: no",
    // 0x20: random letter case in every query to our server; the echo must match.
    "  use-caps-for-id: yes",
    // No RFC 8145 key-tag queries: they would be extra queries to our server.
    "  trust-anchor-signaling: no",
    "  access-control: 127.0.0.0/8 allow",
    // Everything outside the stub zones is refused locally (no root priming, no
    // Internet); unbound's built-in local zones (test., invalid., …) give way.
    '  local-zone: "." refuse',
    ...zones.map((zone) => `  local-zone: "${zone}." transparent`),
    ...options.zones.map((zone) => `  trust-anchor: "${zone.trustAnchor}"`),
    ...(options.extraServerLines ?? []).map((line) => `  ${line}`),
    ...zones.flatMap((
      zone,
    ) => [
      "stub-zone:",
      `  name: "${zone}."`,
      `  stub-addr: ${options.serverHost ?? "127.0.0.1"}@${options.serverPort}`,
    ]),
    "",
  ].join("\n");
}

/**
 * Starts `unbound -d` with a fresh config in a temporary directory and waits
 * (at most 10 s) until it answers a `id.server CH TXT` query.
 */
export async function startUnbound(options: UnboundOptions): Promise<Unbound> {
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-unbound-"));
  const port = await freePort();
  const configPath = join(dir, "unbound.conf");
  writeFileSync(configPath, unboundConfig(options, port, dir));
  const child = spawn(UNBOUND_BINARY, ["-d", "-c", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => {
    child.on("error", (error) => {
      output += `spawn failed: ${error.message}\n`;
      resolve();
    });
    child.on("close", () => resolve());
  });
  let done = false;
  void exited.then(() => (done = true));
  const log = () => {
    let file = "";
    try {
      file = readFileSync(join(dir, "unbound.log"), "utf8");
    } catch {
      // Not written yet.
    }
    return output + file;
  };
  const stop = async () => {
    await endProcess(child, exited, () => done);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswering(port, () => done, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    port,
    log,
    stop,
    async resolve(name, type, queryOptions = {}) {
      const query = makeQuery(name, type, { rd: true, edns: { dnssecOk: true }, ...queryOptions });
      const response = await udpExchange(port, query, QUERY_TIMEOUT_MS);
      if (response === null) {
        throw new Error(
          `unbound gave no answer for ${name} ${type} within ${QUERY_TIMEOUT_MS} ms; log:\n${log()}`,
        );
      }
      return decode(response);
    },
  };
}

/** Polls unbound with `id.server CH TXT` until it answers, it exits, or the deadline passes. */
async function waitUntilAnswering(
  port: number,
  exited: () => boolean,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new Error(`unbound exited during start-up:\n${log()}`);
    const response = await udpExchange(
      port,
      makeQuery("id.server", "TXT", { qclass: CLASS_CH }),
      200,
    );
    if (response !== null) return;
    if (Date.now() > deadline) {
      throw new Error(`unbound did not answer within ${START_TIMEOUT_MS} ms:\n${log()}`);
    }
  }
}
