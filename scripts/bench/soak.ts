/**
 * scripts/bench/soak.ts: runs the real binary for a while under query load while
 * health flaps, reloads arrive (valid and invalid, by SIGHUP) and TCP clients
 * misbehave, and reports lost and wrong answers and the server's RSS over
 * time (issue "Hardening"). Run it through `scripts/bench/soak` (Bun) or
 * `deno run -A scripts/bench/soak.ts`:
 *
 *   scripts/bench/soak [--minutes 10] [--qps 2000] [--binary dist/healthy-dns] [--out FILE]
 *
 * What runs, all on loopback:
 * - the server: a signed zone (ECDSA) with an alias zone; `flap` has two
 *   health-checked addresses whose backends the script opens and closes every
 *   1-3 s (health interval 1 s), `www` and `static` are static; rate limiting
 *   on with NSD's defaults, 127.0.0.1 exempt;
 * - UDP load from 127.0.0.1 at `--qps` (names and types mixed, DO=0 and 1);
 *   a second client on 127.0.0.2 asks with DNS cookies (not exempt: its valid
 *   server cookie must keep it unlimited); an abuser on 127.0.0.3 floods one
 *   name at 600 queries/s without cookies (it must be limited: its losses are
 *   expected and reported apart);
 * - TCP: genuine clients from 127.0.0.1 (1-10 pipelined queries a
 *   connection) that must always be answered, beside 30 misbehaving
 *   connections from 127.0.0.4 at any time: idle ones, slow-loris clients
 *   (one byte a second) and clients that pipeline queries and never read;
 * - a reload every 15 s (four in a shorter run) by SIGHUP, alternately a valid change (the static
 *   name `extra` comes and goes) and an invalid file (the old config must
 *   keep serving), then the valid file back.
 * An answer is wrong when it does not parse, has another ID, or is not what
 * the zone can say at any moment: `flap` answers a non-empty subset of its
 * two addresses (never an address it does not have) or NODATA when both are
 * down, `www` and `static` exactly their addresses, `extra` its address or
 * NXDOMAIN, `nope` NXDOMAIN. A query is lost when no answer came within 2 s.
 * Prints a Markdown report; exits 1 on a lost or wrong genuine answer, a
 * crash, or RSS growing without bound (last sample > 2 × the one at 1 min + 64 MiB).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { withCookie } from "./harness/dns_fuzz.ts";
import { makeQuery } from "./harness/zone_fixture.ts";
import { freePort, REPO_ROOT } from "./harness/server_harness.ts";
import { flag, rssMiB } from "./script_helpers.ts";

const MINUTES = Number(flag("--minutes", "10"));
const QPS = Number(flag("--qps", "2000"));
const BINARY = flag("--binary", join(REPO_ROOT, "dist", "healthy-dns"));
const OUT = flag("--out", "");
const RUN_MS = MINUTES * 60_000;
const ANSWER_TIMEOUT_MS = 2_000;
/** A reload every 15 s, or four in a short run. */
const RELOAD_EVERY_MS = Math.min(15_000, RUN_MS / 4);
const ABUSE_QPS = 600;

const FLAP = ["127.0.0.1", "127.0.0.2"]; // the addresses `flap` serves; probed on their own ports
const STATIC: Readonly<Record<string, readonly string[]>> = {
  www: ["192.0.2.1", "192.0.2.2"],
  static: ["192.0.2.10"],
};
const EXTRA = "192.0.2.99";

const started = performance.now();
const elapsed = () => performance.now() - started;
function log(message: string): void {
  console.error(`[${(elapsed() / 1000).toFixed(0)} s] ${message}`);
}

/** A health backend that can be switched on and off (a listener opened and closed). */
function backend(host: string, port: number) {
  let server: net.Server | null = null;
  const sockets = new Set<net.Socket>();
  return {
    async up() {
      if (server) return;
      const s = net.createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {});
        socket.end();
      });
      server = s;
      await new Promise<void>((resolve) => s.listen(port, host, resolve)).catch(() => {});
    },
    async down() {
      const s = server;
      server = null;
      if (!s) return;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => s.close(resolve));
    },
  };
}

function configYaml(port: number, healthPort: number, extra: boolean): string {
  return [
    "zone: example.test",
    "alias_zones: [example.net]",
    "name_servers: [ns1.example.test]",
    `listen: ["127.0.0.1:${port}"]`,
    "log_level: warning",
    "dnssec: { key: key.pem, algorithm: ECDSAP256SHA256 }",
    "health: { interval: 1s, timeout: 500ms }",
    "tcp: { idle_timeout: 5s }",
    // The load generator's own address is exempt; the cookie client and the abuser are not.
    "rate_limit: { exempt: [127.0.0.1/32] }",
    "records:",
    `  flap: { addresses: [${FLAP.join(", ")}], health_port: ${healthPort} }`,
    `  www: [${STATIC.www.join(", ")}]`,
    `  static: [${STATIC.static.join(", ")}]`,
    ...(extra ? [`  extra: [${EXTRA}]`] : []),
    "",
  ].join("\n");
}

// ---- answer checking ---------------------------------------------------------------------------

interface Question {
  readonly name: string;
  readonly type: "A" | "AAAA" | "SOA";
}
const QUESTIONS: readonly Question[] = [
  { name: "flap.example.test", type: "A" },
  { name: "flap.example.net", type: "A" },
  { name: "www.example.test", type: "A" },
  { name: "static.example.net", type: "A" },
  { name: "extra.example.test", type: "A" },
  { name: "nope.example.test", type: "A" },
  { name: "www.example.test", type: "AAAA" },
  { name: "example.test", type: "SOA" },
];

/** What is wrong with `response` to `question`, or null. */
function wrong(question: Question, id: number, response: Uint8Array): string | null {
  let packet: dnsPacket.Packet & { rcode?: string };
  try {
    packet = dnsPacket.decode(Buffer.from(response));
  } catch (error) {
    return `unparsable: ${String(error)}`;
  }
  if (packet.id !== id) return `ID ${packet.id}, expected ${id}`;
  if ((response[2] & 0x02) !== 0) return "truncated";
  const label = question.name.split(".")[0];
  const addresses = (packet.answers ?? []).filter((a) => a.type === "A")
    .map((a) => String((a as { data: unknown }).data));
  const rcode = packet.rcode;
  if (question.type === "SOA") {
    return rcode === "NOERROR" && (packet.answers ?? []).some((a) => a.type === "SOA")
      ? null
      : `SOA: ${rcode}`;
  }
  if (question.type === "AAAA") {
    return rcode === "NOERROR" && addresses.length === 0 ? null : `AAAA: ${rcode}, ${addresses}`;
  }
  if (label === "nope") return rcode === "NXDOMAIN" ? null : `nope: ${rcode}`;
  if (label === "extra") {
    if (rcode === "NXDOMAIN") return null;
    return rcode === "NOERROR" && addresses.join() === EXTRA
      ? null
      : `extra: ${rcode} ${addresses}`;
  }
  if (label === "flap") {
    if (rcode !== "NOERROR") return `flap: ${rcode}`;
    if (addresses.some((a) => !FLAP.includes(a))) return `flap: foreign address in ${addresses}`;
    if (new Set(addresses).size !== addresses.length) {
      return `flap: repeated address in ${addresses}`;
    }
    return null; // 0 (all down: NODATA), 1 or 2 addresses
  }
  const expected = STATIC[label];
  return rcode === "NOERROR" && addresses.slice().sort().join() === [...expected].sort().join()
    ? null
    : `${label}: ${rcode} ${addresses}`;
}

interface Counts {
  sent: number;
  answered: number;
  lost: number;
  wrong: number;
}
const counts = {
  udp: { sent: 0, answered: 0, lost: 0, wrong: 0 } as Counts,
  cookie: { sent: 0, answered: 0, lost: 0, wrong: 0 } as Counts,
  tcp: { sent: 0, answered: 0, lost: 0, wrong: 0 } as Counts,
  abuse: { sent: 0, answered: 0, truncated: 0 },
};
const examples: string[] = [];
function note(kind: string, problem: string): void {
  if (examples.length < 20) examples.push(`${(elapsed() / 1000).toFixed(0)} s ${kind}: ${problem}`);
}

/** Local ports of the UDP clients that count losses (their sockets' kernel drops are reported). */
const clientPorts: number[] = [];

/**
 * Datagrams the kernel dropped at the UDP sockets on these local ports
 * because their receive buffers were full (the `drops` column of
 * /proc/net/udp): at the server's socket this means the server fell behind;
 * at a client's, the client did. Linux only; 0 elsewhere.
 */
function kernelDrops(ports: readonly number[]): number {
  try {
    let drops = 0;
    for (const line of readFileSync("/proc/net/udp", "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 13) continue;
      const port = parseInt(fields[1].split(":")[1], 16);
      if (ports.includes(port)) drops += Number(fields[fields.length - 1]);
    }
    return drops;
  } catch {
    return 0;
  }
}

/** A UDP client on `host`: sends questions at `qps`, checks every answer, counts losses. */
async function udpClient(
  host: string,
  port: number,
  qps: number,
  tally: Counts,
  cookies: boolean,
  until: () => boolean,
) {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  clientPorts.push(socket.address().port);
  const pending = new Map<number, { question: Question; at: number }>();
  let serverCookie: Uint8Array | null = null; // client cookie + server cookie, as last received
  const clientCookie = Uint8Array.from({ length: 8 }, (_, i) => 0x50 + i);
  socket.on("message", (message) => {
    const response = new Uint8Array(message);
    const id = (response[0] << 8) | response[1];
    const entry = pending.get(id);
    if (entry === undefined) return; // already counted lost
    pending.delete(id);
    tally.answered++;
    const problem = wrong(entry.question, id, response);
    if (problem !== null) {
      tally.wrong++;
      note(`${host} udp`, problem);
    }
    if (cookies) {
      const opt = dnsPacket.decode(Buffer.from(response)).additionals?.find((r) =>
        r.type === "OPT"
      ) as
        | { options?: { code: number; data: Buffer }[] }
        | undefined;
      const option = opt?.options?.find((o) => o.code === 10);
      if (option && option.data.length === 24) serverCookie = new Uint8Array(option.data);
      else {
        tally.wrong++;
        note(`${host} udp`, "no server cookie in the answer");
      }
    }
  });
  socket.on("error", () => {});
  let id = 0;
  const interval = 10; // ms: send qps/100 queries per tick
  let next = performance.now();
  let owed = 0; // queries due but not yet sent: low rates send one every few ticks
  while (until()) {
    owed += (qps * interval) / 1000;
    const perTick = Math.floor(owed);
    owed -= perTick;
    for (let i = 0; i < perTick; i++) {
      id = (id + 1) & 0xffff;
      if (pending.has(id)) {
        tally.lost++;
        note(`${host} udp`, `no answer to ${JSON.stringify(pending.get(id)!.question)}`);
        pending.delete(id);
      }
      const question = QUESTIONS[id % QUESTIONS.length];
      let query = makeQuery(question.name, question.type, { id, edns: { dnssecOk: id % 2 === 0 } });
      if (cookies) {
        query = withCookie(query, serverCookie === null ? 8 : 24);
        const cookie = serverCookie ?? clientCookie;
        query.set(
          cookie.subarray(0, serverCookie === null ? 8 : 24),
          query.length - (serverCookie === null ? 8 : 24),
        );
      }
      pending.set(id, { question, at: performance.now() });
      tally.sent++;
      socket.send(query, port, "127.0.0.1");
    }
    const now = performance.now();
    for (const [pid, entry] of pending) {
      if (now - entry.at > ANSWER_TIMEOUT_MS) {
        tally.lost++;
        note(`${host} udp`, `no answer within 2 s to ${JSON.stringify(entry.question)}`);
        pending.delete(pid);
      }
    }
    next += interval;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  // Let the last answers arrive.
  const deadline = performance.now() + ANSWER_TIMEOUT_MS;
  while (pending.size > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  tally.lost += pending.size;
  socket.close();
}

/** The abuser: one name, no cookies, from 127.0.0.3; answers past the limit must be dropped or slipped. */
async function abuser(port: number, until: () => boolean) {
  const socket = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.3", resolve));
  socket.on("message", (message) => {
    counts.abuse.answered++;
    if ((message[2] & 0x02) !== 0) counts.abuse.truncated++;
  });
  socket.on("error", () => {});
  const query = makeQuery("www.example.test", "A", { id: 9, edns: { dnssecOk: true } });
  while (until()) {
    for (let i = 0; i < ABUSE_QPS / 100; i++) {
      socket.send(query, port, "127.0.0.1");
      counts.abuse.sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  socket.close();
}

// ---- TCP clients ---------------------------------------------------------------------------------

function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/** A genuine TCP client: `count` pipelined questions on one connection, all to be answered. */
async function tcpGenuine(port: number, count: number): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  const pending = new Map<number, Question>();
  let buffer = Buffer.alloc(0);
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ANSWER_TIMEOUT_MS + 3_000);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const message = new Uint8Array(buffer.subarray(2, 2 + buffer.readUInt16BE(0)));
        buffer = buffer.subarray(2 + message.length);
        const id = (message[0] << 8) | message[1];
        const question = pending.get(id);
        if (question === undefined) continue;
        pending.delete(id);
        counts.tcp.answered++;
        const problem = wrong(question, id, message);
        if (problem !== null && problem !== "truncated") {
          counts.tcp.wrong++;
          note("tcp", problem);
        }
      }
      if (pending.size === 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  for (let i = 0; i < count; i++) {
    const id = 1 + Math.floor(Math.random() * 60000);
    if (pending.has(id)) continue;
    const question = QUESTIONS[id % QUESTIONS.length];
    pending.set(id, question);
    counts.tcp.sent++;
    socket.write(frame(makeQuery(question.name, question.type, { id, edns: { dnssecOk: true } })));
  }
  await done;
  for (const question of pending.values()) {
    counts.tcp.lost++;
    note("tcp", `no answer to ${JSON.stringify(question)}`);
  }
  socket.destroy();
}

/** Misbehaving TCP clients, kept at a steady number; each lives a few seconds. */
function tcpMisbehaviour(port: number, until: () => boolean) {
  const open = new Set<net.Socket>();
  const timers = new Set<ReturnType<typeof setInterval>>();
  let opened = 0;
  const spawnOne = () => {
    const kind = opened++ % 3;
    // From 127.0.0.4: a per-address TCP cap may refuse these, never the genuine clients.
    const socket = net.connect({ port, host: "127.0.0.1", localAddress: "127.0.0.4" });
    open.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => open.delete(socket));
    if (kind === 1) {
      // Slow loris: one byte of a query a second.
      const bytes = frame(makeQuery("www.example.test", "A", { id: 1 }));
      let at = 0;
      const timer = setInterval(() => {
        if (socket.destroyed || at >= bytes.length) return;
        socket.write(bytes.subarray(at, ++at));
      }, 1_000);
      timers.add(timer);
      socket.on("close", () => {
        clearInterval(timer);
        timers.delete(timer);
      });
    } else if (kind === 2) {
      // Never reads: pipelines queries whose answers pile up, and pauses its own receiving.
      socket.on("connect", () => {
        socket.pause();
        const query = frame(
          makeQuery("example.test", "DNSKEY", { id: 2, edns: { dnssecOk: true } }),
        );
        for (let i = 0; i < 2_000 && !socket.destroyed; i++) socket.write(query);
      });
    }
    // kind 0: idle, says nothing.
    setTimeout(() => socket.destroy(), 3_000 + Math.random() * 7_000);
  };
  const timer = setInterval(() => {
    if (!until()) return;
    while (open.size < 30) spawnOne();
  }, 500);
  return {
    opened: () => opened,
    stop() {
      clearInterval(timer);
      for (const t of timers) clearInterval(t);
      for (const socket of open) socket.destroy();
    },
  };
}

// ---- the run -------------------------------------------------------------------------------------

async function scrape(httpPort: number): Promise<string> {
  try {
    const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`);
    return await response.text();
  } catch {
    return "";
  }
}
function metric(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function main(): Promise<void> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} not found: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-soak-"));
  const keygen = spawnSync(BINARY, [
    "keygen",
    "--algorithm",
    "ECDSAP256SHA256",
    "--out",
    join(dir, "key.pem"),
  ], { encoding: "utf8" });
  if (keygen.status !== 0) throw new Error(`keygen failed: ${keygen.stderr}`);
  const port = await freePort();
  const httpPort = await freePort();
  const healthPort = await freePort();
  const backends = FLAP.map((host) => backend(host, healthPort));
  for (const b of backends) await b.up();
  const yaml = join(dir, "soak.yaml");
  writeFileSync(yaml, configYaml(port, healthPort, false));
  const child: ChildProcess = spawn(BINARY, ["--config", yaml, "--http", `127.0.0.1:${httpPort}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let crashed: string | null = null;
  child.on(
    "exit",
    (
      code,
      signal,
    ) => (crashed = `exit ${code ?? signal}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`),
  );
  // Ready: /healthz answers 200 once the first health round's zone serves. The SOA answers
  // earlier, from the pending zone, where `flap` is SERVFAIL: the soak would count that wrong.
  for (let i = 0;; i++) {
    if (crashed !== null) throw new Error(`server did not start: ${crashed}`);
    if (i > 600) throw new Error("server not serving within 60 s");
    const ok = await fetch(`http://127.0.0.1:${httpPort}/healthz`, {
      signal: AbortSignal.timeout(100),
    }).then((response) => response.text().then(() => response.ok), () => false);
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`server up on port ${port}; soaking for ${MINUTES} min at ${QPS} queries/s`);
  const soakStart = performance.now();
  const running = () => crashed === null && performance.now() - soakStart < RUN_MS;

  // Health flapping: each backend toggles every 1-3 s.
  let flaps = 0;
  const flapTimers = backends.map((b) => {
    let up = true;
    const tick = async () => {
      if (!running()) return;
      up = !up;
      flaps++;
      await (up ? b.up() : b.down());
      timer = setTimeout(tick, 1_000 + Math.random() * 2_000);
    };
    let timer = setTimeout(tick, 1_000 + Math.random() * 2_000);
    return () => clearTimeout(timer);
  });

  // Reloads: valid (extra comes and goes) and invalid, by SIGHUP.
  let reloads = 0;
  let invalidReloads = 0;
  // process.kill, not child.kill: under Deno, child.kill marks the child as killed and ignores later signals.
  const reloadTimer = setInterval(() => {
    if (!running()) return;
    reloads++;
    if (reloads % 3 === 0) {
      invalidReloads++;
      writeFileSync(yaml, "zone: [this is not\n");
      process.kill(child.pid!, "SIGHUP");
      // Put the valid file back for the next reload (the server keeps the old config meanwhile).
      setTimeout(() => writeFileSync(yaml, configYaml(port, healthPort, reloads % 2 === 0)), 2_000);
    } else {
      writeFileSync(yaml, configYaml(port, healthPort, reloads % 2 === 0));
      process.kill(child.pid!, "SIGHUP");
    }
  }, RELOAD_EVERY_MS);

  // RSS over time.
  const rss: { seconds: number; mib: number }[] = [{ seconds: 0, mib: rssMiB(child.pid!) }];
  const rssTimer = setInterval(
    () => rss.push({ seconds: (performance.now() - soakStart) / 1000, mib: rssMiB(child.pid!) }),
    10_000,
  );

  const misbehaving = tcpMisbehaviour(port, running);
  const tcpLoop = (async () => {
    while (running()) {
      await tcpGenuine(port, 1 + Math.floor(Math.random() * 10));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const progress = setInterval(() => {
    log(
      `udp ${counts.udp.answered}/${counts.udp.sent} lost ${counts.udp.lost} wrong ${counts.udp.wrong}; cookie ${counts.cookie.answered}/${counts.cookie.sent}; tcp ${counts.tcp.answered}/${counts.tcp.sent}; RSS ${
        rss[rss.length - 1].mib.toFixed(0)
      } MiB`,
    );
  }, 60_000);

  await Promise.all([
    udpClient("127.0.0.1", port, QPS, counts.udp, false, running),
    udpClient("127.0.0.2", port, Math.max(10, QPS / 20), counts.cookie, true, running),
    abuser(port, running),
    tcpLoop,
  ]);
  clearInterval(progress);
  clearInterval(reloadTimer);
  clearInterval(rssTimer);
  flapTimers.forEach((stop) => stop());
  misbehaving.stop();
  rss.push({ seconds: (performance.now() - soakStart) / 1000, mib: rssMiB(child.pid!) });
  const metrics = await scrape(httpPort);
  const serverDrops = kernelDrops([port]);
  const clientDrops = kernelDrops(clientPorts);
  const alive = crashed === null;
  process.kill(child.pid!, "SIGTERM");
  for (const b of backends) await b.down();
  rmSync(dir, { recursive: true, force: true });

  const reloadOk = metric(metrics, /^healthy_dns_reloads_total\{outcome="ok"\} (\d+)$/gm);
  const reloadFailed = metric(metrics, /^healthy_dns_reloads_total\{outcome="failed"\} (\d+)$/gm);
  const limited = metric(metrics, /^healthy_dns_rrl_limited_total (\d+)$/gm);
  const slipped = metric(metrics, /^healthy_dns_rrl_slipped_total (\d+)$/gm);
  const cookiesValid = metric(metrics, /^healthy_dns_cookies_total\{result="valid"\} (\d+)$/gm);
  const tcpRejected = metric(metrics, /^healthy_dns_tcp_rejected_total (\d+)$/gm);
  const atMinute = rss.find((r) => r.seconds >= 60) ?? rss[0];
  const last = rss[rss.length - 1];
  const bounded = !(last.mib > 2 * atMinute.mib + 64);
  const row = (name: string, c: Counts) =>
    `| ${name} | ${c.sent} | ${c.answered} | ${c.lost} | ${c.wrong} |`;
  const lines = [
    `${MINUTES} min, ${QPS} UDP queries/s from 127.0.0.1 (exempt), ${
      Math.max(10, QPS / 20)
    }/s with DNS cookies from 127.0.0.2, an abuser at ${ABUSE_QPS}/s from 127.0.0.3; health flips: ${flaps}; reloads: ${reloads} (${invalidReloads} invalid), server counted ${reloadOk} ok / ${reloadFailed} failed; misbehaving TCP connections: ${misbehaving.opened()} (idle, slow-loris, never reading); server alive at the end: ${
      alive ? "yes" : `no (${crashed})`
    }.`,
    "",
    "| client | queries | answered | lost | wrong |",
    "|---|---|---|---|---|",
    row("UDP (127.0.0.1)", counts.udp),
    row("UDP with cookies (127.0.0.2)", counts.cookie),
    row("TCP (genuine)", counts.tcp),
    `| abuser UDP (127.0.0.3) | ${counts.abuse.sent} | ${counts.abuse.answered} (${counts.abuse.truncated} truncated) | (limited: expected) | |`,
    "",
    `Kernel receive-buffer drops (/proc/net/udp): ${serverDrops} at the server's socket, ${clientDrops} at the load clients' sockets.`,
    "",
    `Server: ${limited} responses rate-limited, ${slipped} slipped; ${cookiesValid} queries with a valid cookie; ${tcpRejected} TCP connections refused at the cap.`,
    "",
    "| minute | RSS MiB |",
    "|---|---|",
    ...rss.filter((r, i) => i === 0 || i === rss.length - 1 || Math.round(r.seconds) % 60 === 0)
      .map((r) => `| ${(r.seconds / 60).toFixed(1)} | ${r.mib.toFixed(1)} |`),
    ...examples.map((e) => `- ${e}`),
  ];
  console.log(lines.join("\n"));
  if (OUT !== "") writeFileSync(OUT, lines.join("\n") + "\n");
  const genuineLost = counts.udp.lost + counts.cookie.lost + counts.tcp.lost;
  const genuineWrong = counts.udp.wrong + counts.cookie.wrong + counts.tcp.wrong;
  const failed = !alive || genuineLost > 0 || genuineWrong > 0 || !bounded;
  console.log(
    failed
      ? `soak: FAILED (lost ${genuineLost}, wrong ${genuineWrong}, alive ${alive}, RSS bounded ${bounded})`
      : "soak: ok",
  );
  globalThis.process.exit(failed ? 1 : 0);
}

await main();
