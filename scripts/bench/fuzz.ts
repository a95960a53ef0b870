/**
 * scripts/bench/fuzz.ts: throws random and mutated DNS packets at the real server
 * binary over UDP and TCP on loopback and reports crashes, hangs and invalid
 * replies (issue "Hardening"). Run it through `scripts/bench/fuzz` (Bun) or
 * `deno run -A scripts/bench/fuzz.ts`:
 *
 *   scripts/bench/fuzz [--packets 100000] [--tcp-share 0.1] [--seed 1] [--binary dist/healthy-dns]
 *                [--port 0] [--out FILE] [--rate-limit N]
 *
 * The server serves a signed zone (Ed25519) with an alias zone, rate limiting
 * off (every packet comes from 127.0.0.1). With `--rate-limit N` it is on at
 * N responses a second with nothing exempt (not even loopback) and slip 1, so
 * every limited UDP reply goes out slipped (shortened) rather than dropped
 * and is checked like any other; the summary then gives the server's limited
 * and slipped counts (from /metrics). Packets: a third random bytes, the
 * rest valid queries (every kind of answer, EDNS, DO, cookies) mutated 1-4
 * times; each gets a unique ID so its reply can be matched. Every 64 packets
 * a canary query must be answered within 5 s (else: a hang). Each reply is
 * checked (scripts/bench/harness/dns_fuzz.ts): parseable with no octet after its last
 * counted record (counted apart in the summary), ID copied, within the size
 * allowed, no data for a malformed query, errors no larger than the query.
 * TCP: connections carrying pipelined framed packets, some closed mid-message
 * or fed a garbage length. Prints a Markdown summary; exits 1 on any crash,
 * hang or invalid reply. Loopback only; bounded in packets and time.
 */
import { spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  droppable,
  fuzzSeeds,
  mutate,
  type Mutation,
  responseProblem,
} from "./harness/dns_fuzz.ts";
import { makeQuery } from "./harness/zone_fixture.ts";
import { freePort, REPO_ROOT } from "./harness/server_harness.ts";
import { flag, rssMiB } from "./script_helpers.ts";

const PACKETS = Number(flag("--packets", "100000"));
const TCP_SHARE = Number(flag("--tcp-share", "0.1"));
const SEED = Number(flag("--seed", "1"));
const BINARY = flag("--binary", join(REPO_ROOT, "dist", "healthy-dns"));
const OUT = flag("--out", "");
const RATE_LIMIT = Number(flag("--rate-limit", "0"));
const BATCH = 128;
const CANARY_TIMEOUT_MS = 5_000;
/** Give up after this long whatever the packet count (a bound on the loop). */
const MAX_RUN_MS = Number(flag("--max-seconds", "3600")) * 1000;

/** xorshift32: reproducible packets for a seed. */
let state = SEED >>> 0 || 1;
function random(): number {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x100000000;
}
const int = (n: number) => Math.floor(random() * n);
const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));

const SEEDS = fuzzSeeds();
function mutation(): Mutation {
  switch (int(7)) {
    case 0:
      return { kind: "set", at: int(1 << 16), value: int(256) };
    case 1:
      return { kind: "flip", at: int(1 << 16), bit: int(8) };
    case 2:
      return { kind: "insert", at: int(1 << 16), bytes: bytes(1 + int(8)) };
    case 3:
      return { kind: "delete", at: int(1 << 16), count: 1 + int(8) };
    case 4:
      return { kind: "truncate", at: int(1 << 16) };
    case 5:
      return { kind: "append", bytes: bytes(1 + int(64)) };
    default:
      return { kind: "count", field: 2 + int(4), value: int(4) };
  }
}
/** One fuzz packet: random bytes (a third) or a mutated seed; IDs are ours, to match replies. */
function packet(id: number): Uint8Array {
  const query = int(3) === 0
    ? bytes(int(600))
    : mutate(SEEDS[int(SEEDS.length)], Array.from({ length: 1 + int(4) }, mutation));
  if (query.length >= 2) {
    query[0] = (id >> 8) & 0xff;
    query[1] = id & 0xff;
  }
  return query;
}

interface Tally {
  udp: number;
  tcp: number;
  tcpConnections: number;
  replies: number;
  /** Replies checked (matched to a query that must be answered). */
  checked: number;
  /** Of those, with octets after the last counted record. */
  trailing: number;
  dropped: number;
  invalid: number;
  hangs: number;
  crashed: string | null;
  examples: string[];
}
const tally: Tally = {
  udp: 0,
  tcp: 0,
  tcpConnections: 0,
  replies: 0,
  checked: 0,
  trailing: 0,
  dropped: 0,
  invalid: 0,
  hangs: 0,
  crashed: null,
  examples: [],
};
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
function invalid(what: string, query: Uint8Array, response: Uint8Array | null): void {
  tally.invalid++;
  if (what.endsWith("after the last section") || what === "a counted entry missing") {
    tally.trailing++;
  }
  if (tally.examples.length < 10) {
    tally.examples.push(`${what}: query ${hex(query)}${response ? ` reply ${hex(response)}` : ""}`);
  }
}

/** Starts the binary on `port` with a signed zone (HTTP on `httpPort` when rate limiting); resolves once it answers. */
async function startServer(dir: string, port: number, httpPort: number) {
  const key = join(dir, "key.pem");
  const keygen = spawnSync(BINARY, ["keygen", "--algorithm", "ED25519", "--out", key], {
    encoding: "utf8",
  });
  if (keygen.status !== 0) throw new Error(`keygen failed: ${keygen.stderr}`);
  const yaml = join(dir, "fuzz.yaml");
  writeFileSync(
    yaml,
    [
      "zone: example.test",
      "alias_zones: [example.net]",
      "name_servers: [ns1.example.test]",
      `listen: ["127.0.0.1:${port}"]`,
      "log_level: error",
      "dnssec: { key: key.pem, algorithm: ED25519 }",
      RATE_LIMIT > 0
        ? `rate_limit: { responses_per_second: ${RATE_LIMIT}, slip: 1, exempt: [] }\nhttp: { listen: "127.0.0.1:${httpPort}" }`
        : "rate_limit: { responses_per_second: 0 }",
      "records:",
      '  www: [192.0.2.1, 192.0.2.2, "2001:db8::1"]',
      "  static: [192.0.2.10]",
      "  a.b.c: [192.0.2.20]",
      "",
    ].join("\n"),
  );
  const child = spawn(BINARY, ["--config", yaml], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr += chunk.toString()));
  const exited = new Promise<string>((resolve) =>
    child.on(
      "exit",
      (code, signal) =>
        resolve(`exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`),
    )
  );
  const probe = makeQuery("www.example.test", "A", { id: 1 });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server did not start: ${await exited}`);
    if ((await udpAsk(port, probe, 200)) !== null) return { child, exited };
  }
  child.kill("SIGKILL");
  throw new Error("server did not answer within 60 s");
}

function udpAsk(port: number, query: Uint8Array, timeoutMs: number): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(new Uint8Array(message));
    });
    socket.on("error", () => {});
    socket.send(query, port, "127.0.0.1");
  });
}

/** The ID of the canary in flight, and what to call when its reply arrives. */
let currentCanary = -1;
let waiting: () => void = () => {};

/** The UDP side: batches of packets with unique IDs, each batch closed by a canary. */
async function udpBatch(
  socket: dgram.Socket,
  port: number,
  count: number,
  firstId: number,
  replies: Map<number, Uint8Array[]>,
) {
  const sent = new Map<number, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const id = (firstId + i) & 0xffff;
    const query = packet(id);
    sent.set(id, query);
    socket.send(query, port, "127.0.0.1");
    tally.udp++;
  }
  // The canary: a fresh valid query; the server answers in arrival order, so once its reply is in,
  // every reply to this batch is in too.
  const canaryId = (firstId + count) & 0xffff;
  currentCanary = canaryId;
  const canary = makeQuery("www.example.test", "A", { id: canaryId });
  for (let attempt = 0; attempt < 3; attempt++) {
    const arrived = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CANARY_TIMEOUT_MS);
      waiting = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    socket.send(canary, port, "127.0.0.1");
    if (replies.has(canaryId) || (await arrived)) break;
    tally.hangs++;
  }
  replies.delete(canaryId);
  for (const [id, query] of sent) {
    const got = replies.get(id) ?? [];
    replies.delete(id);
    if (got.length === 0) {
      // A short datagram has no full ID; others may be dropped only if droppable.
      if (query.length >= 12 && !droppable(query)) {
        invalid("no reply to a query with a readable header", query, null);
      } else tally.dropped++;
      continue;
    }
    if (got.length > 1) invalid(`${got.length} replies`, query, got[1]);
    tally.replies++;
    if (droppable(query)) {
      invalid("a reply to a packet that must be dropped", query, got[0]);
      continue;
    }
    tally.checked++;
    const problem = responseProblem(query, got[0], "udp", true);
    if (problem !== null) invalid(problem, query, got[0]);
  }
  replies.clear();
}

/** One TCP connection: a few framed packets (sometimes a broken frame), then read until done. */
async function tcpConnection(port: number, firstId: number): Promise<number> {
  const socket = net.connect(port, "127.0.0.1");
  tally.tcpConnections++;
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  }).catch(() => {});
  const sent = new Map<number, Uint8Array>();
  const count = 1 + int(8);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const id = (firstId + i) & 0xffff;
    const query = packet(id);
    sent.set(id, query);
    chunks.push(Uint8Array.from([query.length >> 8, query.length & 0xff]), query);
    tally.tcp++;
  }
  const ending = int(10); // 0: half a frame, then FIN; 1: an empty frame, then FIN; else nothing more
  if (ending === 0) chunks.push(Uint8Array.from([1, 0]), bytes(int(200)));
  if (ending === 1) chunks.push(Uint8Array.from([0, 0]));
  // Every query with a readable header in a complete frame gets its reply before anything after it.
  const expected = [...sent.values()].filter((q) => q.length >= 12 && !droppable(q)).length;
  let buffer = new Uint8Array(0);
  const got = new Map<number, Uint8Array>();
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      tally.hangs++;
      resolve();
    }, CANARY_TIMEOUT_MS);
    socket.on("data", (chunk: Buffer) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      while (buffer.length >= 2 && buffer.length >= 2 + ((buffer[0] << 8) | buffer[1])) {
        const length = (buffer[0] << 8) | buffer[1];
        const message = buffer.slice(2, 2 + length);
        buffer = buffer.slice(2 + length);
        const id = message.length >= 2 ? (message[0] << 8) | message[1] : -1;
        const query = sent.get(id);
        if (query === undefined) {
          invalid("a TCP reply matching no query", new Uint8Array(0), message);
        } else {
          if (got.has(id)) invalid("two TCP replies", query, message);
          got.set(id, message);
          tally.replies++;
          if (!droppable(query)) tally.checked++;
          const problem = droppable(query)
            ? "a reply to a message that must be dropped"
            : responseProblem(query, message, "tcp", true);
          if (problem !== null) invalid(problem, query, message);
        }
      }
      if (got.size >= expected) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on("close", () => {
      // Closed before every reply came: the server gave up on this client (it may, for garbage).
      clearTimeout(timer);
      resolve();
    });
    if (expected === 0) {
      clearTimeout(timer);
      setTimeout(resolve, 5); // nothing to wait for; let the server read the bytes
    }
    socket.on("error", () => {});
  });
  for (const chunk of chunks) socket.write(chunk);
  if (ending <= 1) socket.end();
  await done;
  socket.destroy();
  return count;
}

/** The server's rate-limit counters, as a summary line. */
async function rateLimitCounts(httpPort: number): Promise<string> {
  const text = await fetch(`http://127.0.0.1:${httpPort}/metrics`).then((r) => r.text()).catch(() =>
    ""
  );
  const value = (name: string) => text.match(new RegExp(`^${name} (\\d+)$`, "m"))?.[1] ?? "?";
  return `rate limit ${RATE_LIMIT}/s (slip 1, nothing exempt): ${
    value("healthy_dns_rrl_limited_total")
  } UDP responses limited, ${value("healthy_dns_rrl_slipped_total")} slipped`;
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-fuzz-"));
  const portFlag = Number(flag("--port", "0"));
  const port = portFlag > 0 ? portFlag : await freePort();
  const httpPort = RATE_LIMIT > 0 ? await freePort() : 0;
  const { child, exited } = await startServer(dir, port, httpPort);
  exited.then((why) => (tally.crashed ??= why));
  const rssStart = rssMiB(child.pid!);
  let rssPeak = rssStart;
  const startedAt = performance.now();
  const socket = dgram.createSocket("udp4");
  const replies = new Map<number, Uint8Array[]>();
  socket.on("message", (message) => {
    const reply = new Uint8Array(message);
    const id = reply.length >= 2 ? (reply[0] << 8) | reply[1] : -1;
    const list = replies.get(id);
    if (list) list.push(reply);
    else replies.set(id, [reply]);
    if (id === currentCanary) waiting();
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  let id = 2;
  let nextReport = 0;
  try {
    while (
      tally.udp + tally.tcp < PACKETS && tally.crashed === null &&
      performance.now() - startedAt < MAX_RUN_MS
    ) {
      if (tally.tcp < TCP_SHARE * (tally.udp + tally.tcp + 1)) {
        id += await tcpConnection(port, id);
      } else {
        const count = Math.min(BATCH, PACKETS - tally.udp - tally.tcp);
        await udpBatch(socket, port, count, id, replies);
        id += count + 1;
      }
      if (id > 60_000) id = 2;
      rssPeak = Math.max(rssPeak, rssMiB(child.pid!));
      if (tally.udp + tally.tcp >= nextReport) {
        console.error(
          `[${((performance.now() - startedAt) / 1000).toFixed(0)} s] ${
            tally.udp + tally.tcp
          } packets, ${tally.invalid} invalid, ${tally.hangs} hangs`,
        );
        nextReport += Math.max(10_000, PACKETS / 20);
      }
    }
  } finally {
    socket.close();
    // Still alive at the end?
    const alive = tally.crashed === null &&
      (await udpAsk(port, makeQuery("www.example.test", "A", { id: 7 }), 2_000)) !== null;
    if (!alive && tally.crashed === null) tally.hangs++;
    const rssEnd = rssMiB(child.pid!);
    const limiting = RATE_LIMIT > 0 ? await rateLimitCounts(httpPort) : "";
    process.kill(child.pid!, "SIGTERM");
    const seconds = (performance.now() - startedAt) / 1000;
    rmSync(dir, { recursive: true, force: true });
    const lines = [
      `| packets | UDP | TCP (connections) | replies | dropped | invalid replies | hangs | crashes | seconds | server RSS MiB start / peak / end |`,
      `|---|---|---|---|---|---|---|---|---|---|`,
      `| ${
        tally.udp + tally.tcp
      } | ${tally.udp} | ${tally.tcp} (${tally.tcpConnections}) | ${tally.replies} | ${tally.dropped} | ${tally.invalid} | ${tally.hangs} | ${
        tally.crashed === null ? 0 : 1
      } | ${seconds.toFixed(0)} | ${rssStart.toFixed(1)} / ${rssPeak.toFixed(1)} / ${
        rssEnd.toFixed(1)
      } |`,
      "",
      `seed ${SEED}, TCP share ${TCP_SHARE}, binary ${BINARY.replace(`${REPO_ROOT}/`, "")}`,
      `${tally.checked} replies checked, ${tally.trailing} with octets after the last counted record`,
      ...(RATE_LIMIT > 0 ? [limiting] : []),
      ...(tally.crashed === null ? [] : [`crash: ${tally.crashed}`]),
      ...tally.examples.map((e) => `- ${e}`),
    ];
    console.log(lines.join("\n"));
    if (OUT !== "") writeFileSync(OUT, lines.join("\n") + "\n");
    const failed = tally.crashed !== null || tally.hangs > 0 || tally.invalid > 0;
    console.log(failed ? "fuzz: FAILED" : "fuzz: ok");
    globalThis.process.exit(failed ? 1 : 0);
  }
}

await main();
