/**
 * Query-path benchmark (issue "Performance"), three sections:
 *   query    gdnsd, our compiled Bun binary and our server on Deno (from source), all running at
 *            once, measured with dnsperf in interleaved rounds (positive / mixed, DO=0 / DO=1);
 *   flip     loss and correctness while a 10,000-name signed zone is rebuilt every second;
 *   startup  time to first answer and RSS at 10,000 names, each its own health endpoint;
 *   flap     the 10-minute run: 10,000 ECDSA-signed names, one name flipping
 *            every second under dnsperf load; RSS through start-up and the run, queries/s against
 *            steady phases before and after, build latency from the server's "zone built" lines;
 *   big      start-up at 100,000 Ed25519-signed names, each its own health
 *            endpoint: time to first answer, RSS, and a reload (full rebuild) to the new serial;
 *   latency  average latency against the number of outstanding queries, gdnsd and ours.
 *
 * Run through `scripts/bench/all` (which builds the binary and installs the tools), or directly:
 *   npx bun scripts/bench/bench_dns.ts [--rounds 3] [--seconds 8] [--only query,flip,startup,flap,big,latency]
 *                                [--runtimes bun,deno] [--binary dist/healthy-dns] [--out FILE]
 *                                [--flap-minutes 10] [--flap-runtimes bun] [--big-runtimes bun]
 * Prints Markdown tables (progress on stderr); `--out FILE` also writes them there.
 * Only loopback addresses are used; every process started is stopped at the end.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { createSocket } from "node:dgram";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname ?? ".", "..", "..");
const OUT = join(ROOT, "bench-out");
const BUILT_DEFAULT = join(ROOT, "dist", "healthy-dns");
// A private copy: other jobs may rebuild dist/ while the benchmark runs.
const BINARY = join(OUT, "healthy-dns");
const DENO = join(ROOT, "node_modules", ".bin", "deno");

const argv = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1] : fallback;
};
const ROUNDS = Number(flag("--rounds", "3"));
/** The compiled server to measure (copied first). */
const BUILT = flag("--binary", BUILT_DEFAULT);
const SECONDS = Number(flag("--seconds", "8"));
const OUT_FILE = flag("--out", "");
/** Sections to run: query, flip, startup, flap, big, latency (comma-separated). */
const ONLY = new Set(flag("--only", "query,flip,startup,flap,big,latency").split(","));
/** Runtimes of our server to measure: bun (the compiled binary), deno (from source). */
const RUNTIMES = flag("--runtimes", "bun,deno").split(",");
// Fixed ports below Linux's ephemeral range (32768-60999), so no socket of another job can hold them.
const GDNSD_PORT = 25354;
/** Our servers listen from here up, one port each, so all of them run side by side. */
const OUR_PORT = 25360;
const HEALTH_PORT = 28080;
const FLIP_PORT = 28081;
const NAMES = 100;
const BIG = 10_000;
const HUGE = 100_000;
/** Length of the flapping run, minutes. */
const FLAP_MINUTES = Number(flag("--flap-minutes", "10"));
/** Runtimes for the long sections (each adds their full length). */
const FLAP_RUNTIMES = flag("--flap-runtimes", "bun").split(",");
const BIG_RUNTIMES = flag("--big-runtimes", "bun").split(",");

const lines: string[] = [];
const began = performance.now();
/** Progress on stderr, so a slow step shows where it is. */
function progress(message: string): void {
  console.error(`[${((performance.now() - began) / 1000).toFixed(0)} s] ${message}`);
}
function say(line = ""): void {
  console.log(line);
  lines.push(line);
}

/** Starts a TCP listener on every loopback address (the health target). */
function healthListener(port: number): Promise<Server> {
  return new Promise((ok, fail) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", fail);
    server.listen({ host: "0.0.0.0", port, backlog: 4096 }, () => ok(server));
  });
}

/** Stops listening; resolves at once (Bun may never call close's callback while sockets linger). */
function closeServer(server: Server): Promise<void> {
  server.close();
  return new Promise((ok) => setTimeout(ok, 50));
}

/** One query for `name` (A unless told), as a DNS packet. */
function queryPacket(name: string, type = 1, id = 0x1234): Uint8Array {
  const labels = name.split(".");
  const bytes = [id >> 8, id & 255, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
  for (const label of labels) bytes.push(label.length, ...[...label].map((c) => c.charCodeAt(0)));
  bytes.push(0, 0, type, 0, 1);
  return new Uint8Array(bytes);
}

/** Resolves with true when `name` gets an answer with ≥1 record over UDP before the deadline. */
async function waitForAnswer(port: number, name: string, deadlineMs: number): Promise<boolean> {
  const socket = createSocket("udp4");
  let answered = false;
  socket.on("message", (msg: Uint8Array) => {
    if (msg.length > 12 && ((msg[6] << 8) | msg[7]) > 0) answered = true;
  });
  try {
    const end = Date.now() + deadlineMs;
    while (!answered && Date.now() < end) {
      socket.send(queryPacket(name), port, "127.0.0.1");
      await new Promise((r) => setTimeout(r, 25));
    }
    return answered;
  } finally {
    socket.close();
  }
}

interface Proc {
  child: ChildProcess;
  started: number;
}

/** Starts a process; `onLine` receives each line of its stderr (the server's log). */
function start(command: string, args: string[], onLine?: (line: string) => void): Proc {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  let partial = "";
  child.stderr?.on("data", (d) => {
    err = (err + d).slice(-4000);
    if (onLine === undefined) return;
    const lines = (partial + d).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  child.on("exit", (code) => {
    if (code && code !== 0 && code !== 143) console.error(`${command} exited ${code}: ${err}`);
  });
  child.on("error", (error) => {
    console.error(`${command}: ${error.message}`);
    process.exit(1);
  });
  return { child, started: performance.now() };
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((ok) => proc.child.once("exit", ok));
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

/** CPU seconds (user+system) used so far by a process, from /proc. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak and current resident set size in MiB, from /proc. */
function memory(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peak: kib("VmHWM") / 1024, now: kib("VmRSS") / 1024 };
}

interface PerfResult {
  qps: number;
  latencyMs: number;
  lost: number;
  sent: number;
  rcodes: string;
}

/** Runs dnsperf without blocking the event loop (the flip run toggles listeners meanwhile). */
async function dnsperf(
  port: number,
  file: string,
  dnssecOk: boolean,
  seconds = SECONDS,
  outstanding = 256,
): Promise<PerfResult> {
  const clients = String(Math.min(8, outstanding));
  const args = [
    "-s",
    "127.0.0.1",
    "-p",
    String(port),
    "-d",
    file,
    "-l",
    String(seconds),
    "-c",
    clients,
    "-q",
    String(outstanding),
    "-t",
    "2",
  ];
  if (dnssecOk) args.push("-D");
  progress(`dnsperf port ${port} ${file.slice(file.lastIndexOf("/") + 1)}${dnssecOk ? " DO" : ""}`);
  const child = spawn("dnsperf", args, { stdio: ["ignore", "pipe", "ignore"] });
  let text = "";
  child.stdout?.on("data", (d) => {
    text += d;
  });
  const killer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
  await new Promise((ok) => child.once("close", ok));
  clearTimeout(killer);
  const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    qps: num(/Queries per second:\s+([\d.]+)/),
    latencyMs: num(/Average Latency \(s\):\s+([\d.]+)/) * 1000,
    lost: num(/Queries lost:\s+(\d+)/),
    sent: num(/Queries sent:\s+(\d+)/),
    rcodes: (/Response codes:\s+(.*)/.exec(text)?.[1] ?? "").trim(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

interface ZoneOptions {
  port: number;
  key?: string;
  algorithm?: string;
  intervalS?: number;
  /** Adds the health-checked name `flip` (127.9.0.1, 127.9.0.2) probed on FLIP_PORT. */
  flip?: boolean;
  addressesPerName?: number;
  /** Names without a health check (served as configured, never probed). */
  static?: boolean;
  /**
   * rate_limit.responses_per_second; default 0 (off): dnsperf sends everything
   * from 127.0.0.1, and gdnsd has no RRL. A limit above what dnsperf reaches
   * makes every response pass through the limiter without being limited.
   * "default": no rate_limit key, as a user's config (200/s, loopback exempt).
   */
  rateLimit?: number | "default";
  logLevel?: string;
  /** One distinct address per name (127.1.0.0 up), for more than 65,536 names. */
  distinct?: boolean;
}

function zoneYaml(names: number, opts: ZoneOptions): string {
  const per = opts.addressesPerName ?? 3;
  const out = [
    "zone: example.test",
    "name_servers: [ns1.example.test]",
    `listen: ["127.0.0.1:${opts.port}"]`,
    `log_level: ${opts.logLevel ?? "warning"}`,
    ...(opts.rateLimit === "default"
      ? []
      : [`rate_limit: { responses_per_second: ${opts.rateLimit ?? 0} }`]),
    "health:",
    `  interval: ${opts.intervalS ?? 10}s`,
    "  timeout: 1s",
  ];
  if (opts.key) out.push("dnssec:", `  key: ${opts.key}`, `  algorithm: ${opts.algorithm}`);
  out.push("records:");
  for (let i = 0; i < names; i++) {
    const addrs = opts.distinct
      ? [`127.${1 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`]
      : Array.from({ length: per }, (_, k) => `127.${1 + k}.${(i >> 8) & 255}.${(i & 255) || 1}`);
    if (opts.static) out.push(`  h${i}: [${addrs.join(", ")}]`);
    else {out.push(
        `  h${i}:`,
        `    addresses: [${addrs.join(", ")}]`,
        `    health_port: ${HEALTH_PORT}`,
      );}
  }
  if (opts.flip) {
    out.push("  flip:", "    addresses: [127.9.0.1, 127.9.0.2]", `    health_port: ${FLIP_PORT}`);
  }
  return out.join("\n") + "\n";
}

function gdnsdConfig(dir: string): void {
  mkdirSync(join(dir, "zones"), { recursive: true });
  let config =
    `options => {\n  listen => [ 127.0.0.1 ]\n  dns_port => ${GDNSD_PORT}\n  udp_threads => 1\n  tcp_threads => 1\n}\n`;
  config +=
    `service_types => {\n  hc => { plugin => tcp_connect, port => ${HEALTH_PORT}, interval => 10, timeout => 1 }\n}\n`;
  config += "plugins => {\n  multifo => {\n    service_types => hc\n";
  for (let i = 0; i < NAMES; i++) {
    config += `    h${i} => { a1 => 127.1.0.${i || 1}, a2 => 127.2.0.${i || 1}, a3 => 127.3.0.${
      i || 1
    } }\n`;
  }
  config += "  }\n}\n";
  writeFileSync(join(dir, "config"), config);
  let zone = "$TTL 86400\n@ SOA ns1 hostmaster 1 7200 1800 259200 900\n@ NS ns1\nns1 A 127.0.0.1\n";
  for (let i = 0; i < NAMES; i++) zone += `h${i} 20 DYNA multifo!h${i}\n`;
  writeFileSync(join(dir, "zones", "example.test"), zone);
}

function queryFiles(): { positive: string; mixed: string; flip: string } {
  const positive = join(OUT, "positive.txt");
  const mixed = join(OUT, "mixed.txt");
  const flip = join(OUT, "flip.txt");
  const pos: string[] = [];
  const mix: string[] = [];
  const big: string[] = [];
  for (let i = 0; i < 1000; i++) {
    pos.push(`h${i % NAMES}.example.test A`);
    const r = i % 10;
    if (r === 8) mix.push(`nx${i}.example.test A`);
    else if (r === 9) mix.push(`h${i % NAMES}.example.test AAAA`);
    else mix.push(`h${i % NAMES}.example.test A`);
    big.push(r === 0 ? "flip.example.test A" : `h${(i * 7919) % BIG}.example.test A`);
  }
  writeFileSync(positive, pos.join("\n") + "\n");
  writeFileSync(mixed, mix.join("\n") + "\n");
  writeFileSync(flip, big.join("\n") + "\n");
  return { positive, mixed, flip };
}

function keygen(algorithm: string): string {
  const path = join(OUT, `key-${algorithm}.pem`);
  if (existsSync(path)) return path;
  const run = spawnSync(BINARY, ["keygen", "--algorithm", algorithm, "--out", path], {
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`keygen ${algorithm} failed: ${run.stderr}`);
  return path;
}

/** How to start our server under one runtime. */
function command(runtime: string): string[] {
  return runtime === "bun" ? [BINARY] : [DENO, "run", "-A", join(ROOT, "main.ts")];
}

function label(runtime: string): string {
  return runtime === "bun" ? "healthy-dns (bun binary)" : "healthy-dns (deno source)";
}

async function ours(
  name: string,
  cmd: string[],
  yamlFile: string,
  port: number,
  probe = "h1.example.test",
): Promise<Proc> {
  progress(`starting ${name} with ${yamlFile.slice(yamlFile.lastIndexOf("/") + 1)}`);
  const proc = start(cmd[0], [...cmd.slice(1), "--config", yamlFile]);
  if (!(await waitForAnswer(port, probe, 180_000))) {
    await stop(proc);
    throw new Error(`${name} did not answer within 180 s`);
  }
  return proc;
}

function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

interface Target {
  server: string;
  workload: string;
  proc: Proc;
  port: number;
  file: string;
  dnssecOk: boolean;
  rounds: PerfResult[];
  cpu: number;
}

/** Section 1: every server runs at once; dnsperf rounds are interleaved so load changes hit all alike. */
async function queryPath(
  files: ReturnType<typeof queryFiles>,
  ecdsaKey: string,
  procs: Proc[],
): Promise<void> {
  say(
    `### Query path (${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} × ${
      cpus()[0]?.model ?? "cpu"
    }, ${(totalmem() / 2 ** 30).toFixed(0)} GiB)`,
  );
  say();
  say(
    `dnsperf: ${ROUNDS} rounds × ${SECONDS} s per workload, 8 clients, 256 outstanding; zone: ${NAMES} names × 3 addresses, tcp health checks; positive = A queries, mixed = 80 % A, 10 % AAAA (NODATA), 10 % NXDOMAIN. Every server runs during the whole section; the rounds go server after server, so a change in machine load hits all of them alike.`,
  );
  say();
  const targets: Target[] = [];
  const add = (server: string, proc: Proc, port: number, dnssecOk: boolean) => {
    for (
      const [workload, file] of [["positive", files.positive], ["mixed", files.mixed]] as const
    ) {
      targets.push({
        server,
        workload: `${workload} DO=${dnssecOk ? 1 : 0}`,
        proc,
        port,
        file,
        dnssecOk,
        rounds: [],
        cpu: 0,
      });
    }
  };
  const gdir = join(OUT, "gdnsd");
  gdnsdConfig(gdir);
  const g = start("gdnsd", ["-c", gdir, "-f", "start"]);
  procs.push(g);
  if (!(await waitForAnswer(GDNSD_PORT, "h1.example.test", 30_000))) {
    throw new Error("gdnsd did not answer");
  }
  add("gdnsd", g, GDNSD_PORT, false);
  let port = OUR_PORT;
  for (const runtime of RUNTIMES) {
    for (const signed of [false, true]) {
      const yaml = join(OUT, `${runtime}-${signed ? "signed" : "unsigned"}.yaml`);
      writeFileSync(
        yaml,
        zoneYaml(NAMES, {
          port,
          ...(signed ? { key: ecdsaKey, algorithm: "ECDSAP256SHA256" } : {}),
        }),
      );
      const p = await ours(label(runtime), command(runtime), yaml, port);
      procs.push(p);
      add(label(runtime), p, port, signed);
      port++;
    }
  }
  if (RUNTIMES.includes("bun")) {
    // The cost of response rate limiting: every answer goes through a bucket, none is limited.
    const yaml = join(OUT, "bun-rrl.yaml");
    writeFileSync(yaml, zoneYaml(NAMES, { port, rateLimit: 100_000_000 }));
    const p = await ours(`${label("bun")} RRL on`, command("bun"), yaml, port);
    procs.push(p);
    add(`${label("bun")}, RRL on`, p, port, false);
    port++;
    // No rate_limit key at all: the defaults (200/s, loopback exempt) must cost dnsperf on 127.0.0.1 nothing.
    const plain = join(OUT, "bun-default.yaml");
    writeFileSync(plain, zoneYaml(NAMES, { port, rateLimit: "default" }));
    const d = await ours(`${label("bun")} default config`, command("bun"), plain, port);
    procs.push(d);
    add(`${label("bun")}, default config (no rate_limit key)`, d, port, false);
    port++;
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const before = cpuSeconds(t.proc.child.pid!);
      t.rounds.push(await dnsperf(t.port, t.file, t.dnssecOk));
      t.cpu += cpuSeconds(t.proc.child.pid!) - before;
    }
  }
  const gdnsd = new Map(
    targets.filter((t) => t.server === "gdnsd").map((t) => [
      t.workload,
      median(t.rounds.map((x) => x.qps)),
    ]),
  );
  say(
    "| server | workload | qps median | qps range | avg latency ms | lost | server CPU s per 100k answers | peak RSS MiB | ratio to gdnsd unsigned |",
  );
  say("|---|---|---|---|---|---|---|---|---|");
  for (const t of targets) {
    const qps = t.rounds.map((x) => x.qps);
    const base = gdnsd.get(t.workload.replace(" DO=1", " DO=0"));
    const answered = t.rounds.reduce((a, x) => a + x.sent - x.lost, 0);
    say(
      `| ${t.server} | ${t.workload} | ${fmt(median(qps))} | ${fmt(Math.min(...qps))}–${
        fmt(Math.max(...qps))
      } | ${fmt(median(t.rounds.map((x) => x.latencyMs)), 3)} | ${
        t.rounds.reduce((a, x) => a + x.lost, 0)
      } | ${fmt((t.cpu / answered) * 1e5, 2)} | ${fmt(memory(t.proc.child.pid!).peak, 1)} | ${
        base ? fmt(median(qps) / base, 2) : "—"
      } |`,
    );
  }
  say();
  for (const t of targets) {
    say(`- ${t.server} ${t.workload}: response codes ${t.rounds[0]?.rcodes ?? "?"}`);
  }
  say();
  for (const t of targets) await stop(t.proc); // a process serves two workloads: stop() is idempotent
}

/** Opens and closes the health listener of `flip` every second until `stop()`; counts the toggles. */
function startFlipper(): { readonly toggles: number; stop(): Promise<void> } {
  let listener: Server | null = null;
  let busy = false;
  let toggles = 0;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    if (listener) {
      const s = listener;
      listener = null;
      await closeServer(s);
    } else {
      listener = await healthListener(FLIP_PORT);
    }
    toggles++;
    busy = false;
  }, 1000);
  return {
    get toggles() {
      return toggles;
    },
    async stop() {
      clearInterval(timer);
      if (listener) await closeServer(listener);
    },
  };
}

/** Reads a possibly compressed name; returns the offset after it. */
function skipWireName(msg: Uint8Array, at: number): number {
  while (msg[at] !== 0) {
    if ((msg[at] & 0xc0) === 0xc0) return at + 2;
    at += msg[at] + 1;
  }
  return at + 1;
}

/** Polls `flip` (A), `h1` (A) and the SOA every 20 ms and checks every answer. */
class Poller {
  sent = 0;
  received = 0;
  wrong: string[] = [];
  serials = new Set<number>();
  flipStates: string[] = [];
  #socket = createSocket("udp4");
  #timer: ReturnType<typeof setInterval> | undefined;
  #id = 0;
  constructor(private readonly port: number) {
    this.#socket.on("message", (msg: Uint8Array) => this.#check(msg));
  }
  start(): void {
    this.#timer = setInterval(() => {
      for (
        const [name, type] of [["flip.example.test", 1], ["h1.example.test", 1], [
          "example.test",
          6,
        ]] as const
      ) {
        this.#id = (this.#id + 1) & 0xffff;
        this.sent++;
        this.#socket.send(queryPacket(name, type, this.#id), this.port, "127.0.0.1");
      }
    }, 20);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
  close(): void {
    this.stop();
    this.#socket.close();
  }
  #check(msg: Uint8Array): void {
    this.received++;
    const rcode = msg[3] & 15;
    const answers = (msg[6] << 8) | msg[7];
    const qname = skipWireName(msg, 12);
    const qtype = (msg[qname] << 8) | msg[qname + 1];
    const name = msg[13] === 0x66 ? "flip" : msg[13] === 0x68 ? "h1" : "apex";
    const bad = (why: string) => this.wrong.length < 20 && this.wrong.push(`${name}: ${why}`);
    if (rcode !== 0) return void bad(`rcode ${rcode}`);
    const rr = qname + 4;
    if (qtype === 6) {
      if (answers !== 1) return void bad(`${answers} SOA records`);
      const rdata = rr + 12;
      const serialAt = skipWireName(msg, skipWireName(msg, rdata));
      this.serials.add(
        ((msg[serialAt] << 24) | (msg[serialAt + 1] << 16) | (msg[serialAt + 2] << 8) |
          msg[serialAt + 3]) >>> 0,
      );
    } else if (name === "h1") {
      if (
        answers !== 1 || msg.length < rr + 16 || msg[rr + 12] !== 127 || msg[rr + 13] !== 1 ||
        msg[rr + 15] !== 1
      ) bad(`unexpected answer (${answers} records)`);
    } else {
      // Each address is probed on its own, so 0, 1 or 2 of them may be up.
      const state = `${answers} addresses`;
      if (answers > 2) bad(state);
      if (this.flipStates.at(-1) !== state) this.flipStates.push(state);
    }
  }
}

/** Section 2: loss and correctness while the zone is rebuilt every second (health flips), against a steady run. */
async function flipping(
  files: ReturnType<typeof queryFiles>,
  ecdsaKey: string,
  procs: Proc[],
): Promise<void> {
  say(
    `### Queries while the zone is rebuilt (${
      BIG.toLocaleString("en")
    } static names + one health-checked name, ECDSA, DO=1)`,
  );
  say();
  say(
    `The name \`flip\` is probed every second; its health listener is opened and closed every second, so the zone (${
      BIG.toLocaleString("en")
    } signed names) is rebuilt about once a second. dnsperf asks for 90 % static names, 10 % \`flip\`, ${ROUNDS} × ${SECONDS} s per phase, phases alternating. A poller asks for \`flip\`, \`h1\` and the SOA every 20 ms throughout and checks each answer: \`flip\` must have at most its 2 addresses (each is probed on its own; none is NODATA), \`h1\` its one address; distinct SOA serials count the rebuilds served.`,
  );
  say();
  say(
    "| server | phase | qps median | lost | sent | response codes | rebuilds seen (serials) | flip state changes seen | poller unanswered / wrong | peak RSS MiB |",
  );
  say("|---|---|---|---|---|---|---|---|---|---|");
  let port = OUR_PORT + 10;
  for (const runtime of RUNTIMES) {
    const yaml = join(OUT, `flip-${runtime}.yaml`);
    writeFileSync(
      yaml,
      zoneYaml(BIG, {
        port,
        key: ecdsaKey,
        algorithm: "ECDSAP256SHA256",
        intervalS: 1,
        flip: true,
        static: true,
        addressesPerName: 1,
      }),
    );
    const p = await ours(label(runtime), command(runtime), yaml, port);
    procs.push(p);
    const results = { steady: [] as PerfResult[], flipping: [] as PerfResult[] };
    const seen = {
      steady: { serials: 0, states: 0, sent: 0, received: 0, wrong: [] as string[] },
      flipping: { serials: 0, states: 0, sent: 0, received: 0, wrong: [] as string[] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of ["steady", "flipping"] as const) {
        const poller = new Poller(port);
        poller.start();
        const flipper = phase === "steady" ? null : startFlipper();
        results[phase].push(await dnsperf(port, files.flip, true));
        await flipper?.stop();
        poller.stop();
        await new Promise((r) => setTimeout(r, 1500)); // late answers and the last rebuild
        poller.close();
        seen[phase].serials += poller.serials.size;
        seen[phase].states += Math.max(0, poller.flipStates.length - 1);
        seen[phase].sent += poller.sent;
        seen[phase].received += poller.received;
        seen[phase].wrong.push(...poller.wrong);
      }
    }
    for (const phase of ["steady", "flipping"] as const) {
      const r = results[phase];
      const s = seen[phase];
      say(
        `| ${label(runtime)} | ${phase} | ${fmt(median(r.map((x) => x.qps)))} | ${
          r.reduce((a, x) => a + x.lost, 0)
        } | ${r.reduce((a, x) => a + x.sent, 0)} | ${
          r[0]?.rcodes ?? "?"
        } | ${s.serials} | ${s.states} | ${s.sent - s.received} / ${s.wrong.length} | ${
          fmt(memory(p.child.pid!).peak, 1)
        } |`,
      );
    }
    for (const phase of ["steady", "flipping"] as const) {
      if (seen[phase].wrong.length > 0) {
        say(
          `- ${label(runtime)} ${phase}: wrong answers: ${
            seen[phase].wrong.slice(0, 5).join("; ")
          }`,
        );
      }
    }
    await stop(p);
    port++;
  }
  say();
}

/** Section 3: start-up to first answer and memory at BIG names, each its own health endpoint. */
async function startup(procs: Proc[]): Promise<void> {
  say(
    `### Start-up at ${
      BIG.toLocaleString("en")
    } names (1 address each, each its own health endpoint)`,
  );
  say();
  say(
    "Time from process start to the first answer for the last name (the first health cycle probes all 10,000 endpoints, then the first zone is built and signed); RSS is read 3 s after that.",
  );
  say();
  say("| server | algorithm | time to first answer s | RSS after ready MiB | peak RSS MiB |");
  say("|---|---|---|---|---|");
  const port = OUR_PORT + 20;
  for (const runtime of RUNTIMES) {
    for (const algorithm of ["none", "ECDSAP256SHA256", "ED25519", "RSASHA256"]) {
      const signing = algorithm === "none" ? {} : { key: keygen(algorithm), algorithm };
      const yaml = join(OUT, `big-${runtime}-${algorithm}.yaml`);
      writeFileSync(yaml, zoneYaml(BIG, { port, ...signing, addressesPerName: 1 }));
      progress(`start-up ${runtime} ${algorithm}`);
      const t0 = performance.now();
      const cmd = command(runtime);
      const p = start(cmd[0], [...cmd.slice(1), "--config", yaml]);
      procs.push(p);
      const ok = await waitForAnswer(port, `h${BIG - 1}.example.test`, 180_000);
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 3000));
      const mem = memory(p.child.pid!);
      await stop(p);
      say(
        `| ${label(runtime)} | ${algorithm === "none" ? "unsigned" : algorithm} | ${
          ok ? fmt(seconds, 2) : "no answer in 180 s"
        } | ${fmt(mem.now, 1)} | ${fmt(mem.peak, 1)} |`,
      );
    }
  }
  say();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The SOA serial `port` serves for example.test, or null without an answer within 2 s. */
async function soaSerial(port: number): Promise<number | null> {
  const socket = createSocket("udp4");
  try {
    return await new Promise<number | null>((ok) => {
      const timer = setTimeout(() => ok(null), 2000);
      socket.on("message", (msg: Uint8Array) => {
        if (((msg[6] << 8) | msg[7]) !== 1) return;
        const rdata = skipWireName(msg, 12) + 4 + 12;
        const at = skipWireName(msg, skipWireName(msg, rdata));
        clearTimeout(timer);
        ok(((msg[at] << 24) | (msg[at + 1] << 16) | (msg[at + 2] << 8) | msg[at + 3]) >>> 0);
      });
      socket.send(queryPacket("example.test", 6), port, "127.0.0.1");
    });
  } finally {
    socket.close();
  }
}

/** Samples a process's RSS every `everyMs`; `stop()` returns the highest sample (MiB). */
function rssSampler(pid: number, everyMs: number): { stop(): number } {
  let highest = 0;
  const sample = () => {
    try {
      highest = Math.max(highest, memory(pid).now);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(sample, everyMs);
  sample();
  return {
    stop() {
      clearInterval(timer);
      sample();
      return highest;
    },
  };
}

/** Section 4: the long flapping run (issue "Incremental zone updates"). */
async function flapRun(
  files: ReturnType<typeof queryFiles>,
  ecdsaKey: string,
  procs: Proc[],
): Promise<void> {
  say(
    `### ${FLAP_MINUTES}-minute flapping run (${
      BIG.toLocaleString("en")
    } ECDSA-signed names, one name flipping every second, under load)`,
  );
  say();
  say(
    `One server process from start to end. After start-up, dnsperf (DO=1, 90 % static names, 10 % \`flip\`) runs without pause: 30 s steady, then ${FLAP_MINUTES} minutes in 30-s windows while the health listener of \`flip\` is opened and closed every second (so the zone changes about once a second), then 30 s steady again. The poller of the section above checks \`flip\`, \`h1\` and the SOA every 20 ms throughout. RSS is sampled every second; the peak is the kernel's high-water mark (VmHWM), start-up included. Build latency is what the server logs per new zone: from the health change being known to the new snapshot serving.`,
  );
  say();
  const port = OUR_PORT + 30;
  for (const runtime of FLAP_RUNTIMES) {
    const yaml = join(OUT, `flap-long-${runtime}.yaml`);
    writeFileSync(
      yaml,
      zoneYaml(BIG, {
        port,
        key: ecdsaKey,
        algorithm: "ECDSAP256SHA256",
        intervalS: 1,
        flip: true,
        static: true,
        addressesPerName: 1,
        logLevel: "info",
      }),
    );
    const builds: number[] = [];
    let ready = false;
    const cmd = command(runtime);
    progress(`flap run ${runtime}: starting`);
    const t0 = performance.now();
    const p = start(cmd[0], [...cmd.slice(1), "--config", yaml], (line) => {
      const built = /msg="zone built" .*\bms=([\d.]+)/.exec(line);
      if (built && ready) builds.push(Number(built[1]));
    });
    procs.push(p);
    const pid = p.child.pid!;
    if (!(await waitForAnswer(port, "h1.example.test", 180_000))) {
      throw new Error(`${label(runtime)} did not answer`);
    }
    const startSeconds = (performance.now() - t0) / 1000;
    ready = true;
    await sleep(3000);
    const afterReady = memory(pid);
    const sampler = rssSampler(pid, 1000);
    const poller = new Poller(port);
    poller.start();
    const phase = async (seconds: number) => {
      const cpu = cpuSeconds(pid);
      const result = await dnsperf(port, files.flip, true, seconds);
      return { result, cpu: cpuSeconds(pid) - cpu };
    };
    const before = rssSampler(pid, 1000);
    const steady = [await phase(30)];
    const highestSteady = before.stop();
    const flipper = startFlipper();
    const flipping: Awaited<ReturnType<typeof phase>>[] = [];
    const end = performance.now() + FLAP_MINUTES * 60_000;
    for (let left = end - performance.now(); left > 5000; left = end - performance.now()) {
      progress(
        `flap run ${runtime}: ${
          (left / 60_000).toFixed(1)
        } min left, ${builds.length} builds so far`,
      );
      flipping.push(await phase(Math.min(30, Math.round(left / 1000))));
    }
    await flipper.stop();
    const buildsWhileFlipping = builds.length;
    steady.push(await phase(30));
    poller.stop();
    await sleep(1500);
    poller.close();
    const highest = sampler.stop();
    await sleep(2000);
    const last = memory(pid);
    await stop(p);

    const qps = (xs: typeof steady) => median(xs.map((x) => x.result.qps));
    const row = (name: string, xs: typeof steady) => {
      const sent = xs.reduce((a, x) => a + x.result.sent, 0);
      const lost = xs.reduce((a, x) => a + x.result.lost, 0);
      const cpu = xs.reduce((a, x) => a + x.cpu, 0);
      const values = xs.map((x) => x.result.qps);
      say(
        `| ${label(runtime)} | ${name} | ${xs.length} | ${fmt(qps(xs))} | ${
          fmt(Math.min(...values))
        }–${fmt(Math.max(...values))} | ${
          fmt(median(xs.map((x) => x.result.latencyMs)), 3)
        } | ${lost} / ${sent} | ${fmt((cpu / (sent - lost)) * 1e5, 2)} |`,
      );
    };
    say(
      "| server | phase | dnsperf windows | qps median | qps range | avg latency ms | lost / sent | server CPU s per 100k answers |",
    );
    say("|---|---|---|---|---|---|---|---|");
    row("steady (before and after)", steady);
    row("flipping", flipping);
    say();
    const sorted = [...builds].sort((a, b) => a - b);
    const q = (x: number) =>
      sorted.length === 0
        ? NaN
        : sorted[Math.min(sorted.length - 1, Math.floor(x * sorted.length))];
    say(
      `- ${label(runtime)}: start-up ${fmt(startSeconds, 2)} s; RSS 3 s after ready ${
        fmt(afterReady.now, 1)
      } MiB (peak so far ${
        fmt(afterReady.peak, 1)
      }); highest sampled in the first steady phase (load, no flips) ${
        fmt(highestSteady, 1)
      } MiB, during the whole run ${fmt(highest, 1)} MiB; at the end ${
        fmt(last.now, 1)
      } MiB; peak (VmHWM, start-up included) ${fmt(last.peak, 1)} MiB.`,
    );
    say(
      `- queries/s flipping ÷ steady: ${
        fmt(qps(flipping) / qps(steady), 3)
      }; listener toggles ${flipper.toggles}; zones built while flipping ${buildsWhileFlipping} (${builds.length} in all after ready); build latency, change known → serving: median ${
        fmt(q(0.5), 2)
      } ms, p99 ${fmt(q(0.99), 2)} ms, max ${fmt(sorted.at(-1) ?? NaN, 2)} ms.`,
    );
    say(
      `- poller: ${poller.sent} queries, ${
        poller.sent - poller.received
      } unanswered, ${poller.wrong.length} wrong${
        poller.wrong.length ? ` (${poller.wrong.slice(0, 3).join("; ")})` : ""
      }; ${poller.serials.size} SOA serials and ${
        Math.max(0, poller.flipStates.length - 1)
      } \`flip\` state changes seen.`,
    );
    say();
  }
}

/** Section 5: start-up and a reload at 100,000 Ed25519-signed names, each its own health endpoint. */
async function bigStartup(procs: Proc[]): Promise<void> {
  say(
    `### Start-up at ${
      HUGE.toLocaleString("en")
    } names (ED25519, 1 address each, each its own health endpoint)`,
  );
  say();
  say(
    `Time from process start to the first answer for the last name (the first health cycle connects to all ${
      HUGE.toLocaleString("en")
    } endpoints, 1,000 at a time, then the first zone is built and signed); RSS sampled every 250 ms (highest) and read 3 s after ready. Then one record's address is changed in the file and SIGHUP sent: reload time is until the SOA serial changes (config read, full rebuild keeping every unchanged answer and signature).`,
  );
  say();
  say(
    "| server | time to first answer s | highest RSS during start-up MiB | RSS after ready MiB | reload to new serial s | RSS after reload MiB | peak RSS (VmHWM) MiB |",
  );
  say("|---|---|---|---|---|---|---|");
  const port = OUR_PORT + 40;
  const key = keygen("ED25519");
  for (const runtime of BIG_RUNTIMES) {
    const yaml = join(OUT, `huge-${runtime}.yaml`);
    const opts: ZoneOptions = {
      port,
      key,
      algorithm: "ED25519",
      addressesPerName: 1,
      distinct: true,
      intervalS: 60,
    };
    writeFileSync(yaml, zoneYaml(HUGE, opts));
    progress(`start-up ${runtime} ${HUGE} names`);
    const t0 = performance.now();
    const cmd = command(runtime);
    const p = start(cmd[0], [...cmd.slice(1), "--config", yaml]);
    procs.push(p);
    const sampler = rssSampler(p.child.pid!, 250);
    const ok = await waitForAnswer(port, `h${HUGE - 1}.example.test`, 300_000);
    const seconds = (performance.now() - t0) / 1000;
    const highest = sampler.stop();
    await sleep(3000);
    const ready = memory(p.child.pid!);
    let reload = NaN;
    const before = ok ? await soaSerial(port) : null;
    if (before !== null) {
      writeFileSync(
        yaml,
        zoneYaml(HUGE, opts).replace(
          "h0:\n    addresses: [127.1.0.0]",
          "h0:\n    addresses: [127.250.0.1]",
        ),
      );
      const t1 = performance.now();
      p.child.kill("SIGHUP");
      for (const deadline = t1 + 300_000; performance.now() < deadline; await sleep(50)) {
        const serial = await soaSerial(port);
        if (serial !== null && serial !== before) {
          reload = (performance.now() - t1) / 1000;
          break;
        }
      }
    }
    await sleep(3000);
    const after = memory(p.child.pid!);
    await stop(p);
    say(
      `| ${label(runtime)} | ${ok ? fmt(seconds, 2) : "no answer in 300 s"} | ${
        fmt(highest, 1)
      } | ${fmt(ready.now, 1)} | ${fmt(reload, 2)} | ${fmt(after.now, 1)} | ${
        fmt(after.peak, 1)
      } |`,
    );
  }
  say();
}

/**
 * Section 6: average latency against the number of queries dnsperf keeps outstanding, gdnsd and
 * our compiled binary side by side (unsigned positive workload), rounds interleaved.
 */
async function latency(files: ReturnType<typeof queryFiles>, procs: Proc[]): Promise<void> {
  const levels = [1, 10, 100, 256];
  say(
    "### Latency against outstanding queries (positive DO=0, gdnsd and the Bun binary side by side)",
  );
  say();
  say(
    `dnsperf keeps N queries outstanding (up to 8 clients); ${ROUNDS} rounds × ${SECONDS} s per level and server, interleaved. A closed loop: once a server is saturated, average latency ≈ outstanding ÷ queries/s, so it measures the queue, not the work per query; at 1 and 10 outstanding it is the round trip itself.`,
  );
  say();
  const gdir = join(OUT, "gdnsd-latency");
  gdnsdConfig(gdir);
  const g = start("gdnsd", ["-c", gdir, "-f", "start"]);
  procs.push(g);
  if (!(await waitForAnswer(GDNSD_PORT, "h1.example.test", 30_000))) {
    throw new Error("gdnsd did not answer");
  }
  const port = OUR_PORT + 50;
  const yaml = join(OUT, "latency.yaml");
  writeFileSync(yaml, zoneYaml(NAMES, { port }));
  const ourProc = await ours(label("bun"), command("bun"), yaml, port);
  procs.push(ourProc);
  const servers = [["gdnsd", GDNSD_PORT], [label("bun"), port]] as const;
  const results = new Map<string, PerfResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const outstanding of levels) {
      for (const [name, at] of servers) {
        const key = `${name}|${outstanding}`;
        results.set(key, [
          ...(results.get(key) ?? []),
          await dnsperf(at, files.positive, false, SECONDS, outstanding),
        ]);
      }
    }
  }
  say(
    "| outstanding | gdnsd qps | gdnsd avg latency ms | gdnsd lost | ours qps | ours avg latency ms | ours lost | latency ours ÷ gdnsd |",
  );
  say("|---|---|---|---|---|---|---|---|");
  for (const outstanding of levels) {
    const [gd, us] = servers.map(([name]) => results.get(`${name}|${outstanding}`) ?? []);
    const lat = (xs: PerfResult[]) => median(xs.map((x) => x.latencyMs));
    const qps = (xs: PerfResult[]) => median(xs.map((x) => x.qps));
    const lost = (xs: PerfResult[]) => xs.reduce((a, x) => a + x.lost, 0);
    say(
      `| ${outstanding} | ${fmt(qps(gd))} | ${fmt(lat(gd), 3)} | ${lost(gd)} | ${fmt(qps(us))} | ${
        fmt(lat(us), 3)
      } | ${lost(us)} | ${fmt(lat(us) / lat(gd), 2)} |`,
    );
  }
  say();
  await stop(ourProc);
  await stop(g);
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  copyFileSync(BUILT, BINARY);
  chmodSync(BINARY, 0o755);
  const health = await healthListener(HEALTH_PORT);
  const procs: Proc[] = [];
  try {
    const files = queryFiles();
    const ecdsaKey = keygen("ECDSAP256SHA256");
    if (ONLY.has("query")) await queryPath(files, ecdsaKey, procs);
    if (ONLY.has("flip")) await flipping(files, ecdsaKey, procs);
    if (ONLY.has("startup")) await startup(procs);
    if (ONLY.has("flap")) await flapRun(files, ecdsaKey, procs);
    if (ONLY.has("big")) await bigStartup(procs);
    if (ONLY.has("latency")) await latency(files, procs);
  } finally {
    for (const p of procs) await stop(p);
    await closeServer(health);
    if (OUT_FILE) writeFileSync(OUT_FILE, lines.join("\n") + "\n");
  }
}

await main();
process.exit(0);
