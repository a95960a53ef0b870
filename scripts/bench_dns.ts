/**
 * Query-path benchmark (issue "Performance"), three sections:
 *   query    gdnsd, our compiled Bun binary and our server on Deno (from source), all running at
 *            once, measured with dnsperf in interleaved rounds (positive / mixed, DO=0 / DO=1);
 *   flip     loss and correctness while a 10,000-name signed zone is rebuilt every second;
 *   startup  time to first answer and RSS at 10,000 names, each its own health endpoint.
 *
 * Run through `scripts/bench` (which builds the binary and installs the tools), or directly:
 *   npx bun scripts/bench_dns.ts [--rounds 3] [--seconds 8] [--only query,flip,startup]
 *                                [--runtimes bun,deno] [--binary dist/healthy-dns] [--out FILE]
 * Prints Markdown tables (progress on stderr); `--out FILE` also writes them there.
 * Only loopback addresses are used; every process started is stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { createSocket } from "node:dgram";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname ?? ".", "..");
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
/** Sections to run: query, flip, startup (comma-separated). */
const ONLY = new Set(flag("--only", "query,flip,startup").split(","));
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

function start(command: string, args: string[]): Proc {
  const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  child.stderr?.on("data", (d) => {
    err = (err + d).slice(-4000);
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
async function dnsperf(port: number, file: string, dnssecOk: boolean, seconds = SECONDS): Promise<PerfResult> {
  const args = ["-s", "127.0.0.1", "-p", String(port), "-d", file, "-l", String(seconds), "-c", "8", "-q", "256", "-t", "2"];
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
   */
  rateLimit?: number;
}

function zoneYaml(names: number, opts: ZoneOptions): string {
  const per = opts.addressesPerName ?? 3;
  const out = [
    "zone: example.test",
    "name_servers: [ns1.example.test]",
    `listen: ["127.0.0.1:${opts.port}"]`,
    "log_level: warning",
    `rate_limit: { responses_per_second: ${opts.rateLimit ?? 0} }`,
    "health:",
    `  interval: ${opts.intervalS ?? 10}s`,
    "  timeout: 1s",
  ];
  if (opts.key) out.push("dnssec:", `  key: ${opts.key}`, `  algorithm: ${opts.algorithm}`);
  out.push("records:");
  for (let i = 0; i < names; i++) {
    const addrs = Array.from({ length: per }, (_, k) => `127.${1 + k}.${(i >> 8) & 255}.${(i & 255) || 1}`);
    if (opts.static) out.push(`  h${i}: [${addrs.join(", ")}]`);
    else out.push(`  h${i}:`, `    addresses: [${addrs.join(", ")}]`, `    health_port: ${HEALTH_PORT}`);
  }
  if (opts.flip) out.push("  flip:", "    addresses: [127.9.0.1, 127.9.0.2]", `    health_port: ${FLIP_PORT}`);
  return out.join("\n") + "\n";
}

function gdnsdConfig(dir: string): void {
  mkdirSync(join(dir, "zones"), { recursive: true });
  let config = `options => {\n  listen => [ 127.0.0.1 ]\n  dns_port => ${GDNSD_PORT}\n  udp_threads => 1\n  tcp_threads => 1\n}\n`;
  config += `service_types => {\n  hc => { plugin => tcp_connect, port => ${HEALTH_PORT}, interval => 10, timeout => 1 }\n}\n`;
  config += "plugins => {\n  multifo => {\n    service_types => hc\n";
  for (let i = 0; i < NAMES; i++) {
    config += `    h${i} => { a1 => 127.1.0.${i || 1}, a2 => 127.2.0.${i || 1}, a3 => 127.3.0.${i || 1} }\n`;
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
  const run = spawnSync(BINARY, ["keygen", "--algorithm", algorithm, "--out", path], { encoding: "utf8" });
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

async function ours(name: string, cmd: string[], yamlFile: string, port: number, probe = "h1.example.test"): Promise<Proc> {
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
async function queryPath(files: ReturnType<typeof queryFiles>, ecdsaKey: string, procs: Proc[]): Promise<void> {
  say(`### Query path (${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB)`);
  say();
  say(`dnsperf: ${ROUNDS} rounds × ${SECONDS} s per workload, 8 clients, 256 outstanding; zone: ${NAMES} names × 3 addresses, tcp health checks; positive = A queries, mixed = 80 % A, 10 % AAAA (NODATA), 10 % NXDOMAIN. Every server runs during the whole section; the rounds go server after server, so a change in machine load hits all of them alike.`);
  say();
  const targets: Target[] = [];
  const add = (server: string, proc: Proc, port: number, dnssecOk: boolean) => {
    for (const [workload, file] of [["positive", files.positive], ["mixed", files.mixed]] as const) {
      targets.push({ server, workload: `${workload} DO=${dnssecOk ? 1 : 0}`, proc, port, file, dnssecOk, rounds: [], cpu: 0 });
    }
  };
  const gdir = join(OUT, "gdnsd");
  gdnsdConfig(gdir);
  const g = start("gdnsd", ["-c", gdir, "-f", "start"]);
  procs.push(g);
  if (!(await waitForAnswer(GDNSD_PORT, "h1.example.test", 30_000))) throw new Error("gdnsd did not answer");
  add("gdnsd", g, GDNSD_PORT, false);
  let port = OUR_PORT;
  for (const runtime of RUNTIMES) {
    for (const signed of [false, true]) {
      const yaml = join(OUT, `${runtime}-${signed ? "signed" : "unsigned"}.yaml`);
      writeFileSync(yaml, zoneYaml(NAMES, { port, ...(signed ? { key: ecdsaKey, algorithm: "ECDSAP256SHA256" } : {}) }));
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
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of targets) {
      const before = cpuSeconds(t.proc.child.pid!);
      t.rounds.push(await dnsperf(t.port, t.file, t.dnssecOk));
      t.cpu += cpuSeconds(t.proc.child.pid!) - before;
    }
  }
  const gdnsd = new Map(targets.filter((t) => t.server === "gdnsd").map((t) => [t.workload, median(t.rounds.map((x) => x.qps))]));
  say("| server | workload | qps median | qps range | avg latency ms | lost | server CPU s per 100k answers | peak RSS MiB | ratio to gdnsd unsigned |");
  say("|---|---|---|---|---|---|---|---|---|");
  for (const t of targets) {
    const qps = t.rounds.map((x) => x.qps);
    const base = gdnsd.get(t.workload.replace(" DO=1", " DO=0"));
    const answered = t.rounds.reduce((a, x) => a + x.sent - x.lost, 0);
    say(`| ${t.server} | ${t.workload} | ${fmt(median(qps))} | ${fmt(Math.min(...qps))}–${fmt(Math.max(...qps))} | ${fmt(median(t.rounds.map((x) => x.latencyMs)), 3)} | ${t.rounds.reduce((a, x) => a + x.lost, 0)} | ${fmt((t.cpu / answered) * 1e5, 2)} | ${fmt(memory(t.proc.child.pid!).peak, 1)} | ${base ? fmt(median(qps) / base, 2) : "—"} |`);
  }
  say();
  for (const t of targets) say(`- ${t.server} ${t.workload}: response codes ${t.rounds[0]?.rcodes ?? "?"}`);
  say();
  for (const t of targets) await stop(t.proc); // a process serves two workloads: stop() is idempotent
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
      for (const [name, type] of [["flip.example.test", 1], ["h1.example.test", 1], ["example.test", 6]] as const) {
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
      this.serials.add(((msg[serialAt] << 24) | (msg[serialAt + 1] << 16) | (msg[serialAt + 2] << 8) | msg[serialAt + 3]) >>> 0);
    } else if (name === "h1") {
      if (answers !== 1 || msg.length < rr + 16 || msg[rr + 12] !== 127 || msg[rr + 13] !== 1 || msg[rr + 15] !== 1) bad(`unexpected answer (${answers} records)`);
    } else {
      // Each address is probed on its own, so 0, 1 or 2 of them may be up.
      const state = `${answers} addresses`;
      if (answers > 2) bad(state);
      if (this.flipStates.at(-1) !== state) this.flipStates.push(state);
    }
  }
}

/** Section 2: loss and correctness while the zone is rebuilt every second (health flips), against a steady run. */
async function flipping(files: ReturnType<typeof queryFiles>, ecdsaKey: string, procs: Proc[]): Promise<void> {
  say(`### Queries while the zone is rebuilt (${BIG.toLocaleString("en")} static names + one health-checked name, ECDSA, DO=1)`);
  say();
  say(`The name \`flip\` is probed every second; its health listener is opened and closed every second, so the zone (${BIG.toLocaleString("en")} signed names) is rebuilt about once a second. dnsperf asks for 90 % static names, 10 % \`flip\`, ${ROUNDS} × ${SECONDS} s per phase, phases alternating. A poller asks for \`flip\`, \`h1\` and the SOA every 20 ms throughout and checks each answer: \`flip\` must have at most its 2 addresses (each is probed on its own; none is NODATA), \`h1\` its one address; distinct SOA serials count the rebuilds served.`);
  say();
  say("| server | phase | qps median | lost | sent | response codes | rebuilds seen (serials) | flip state changes seen | poller unanswered / wrong | peak RSS MiB |");
  say("|---|---|---|---|---|---|---|---|---|---|");
  let port = OUR_PORT + 10;
  for (const runtime of RUNTIMES) {
    const yaml = join(OUT, `flip-${runtime}.yaml`);
    writeFileSync(yaml, zoneYaml(BIG, { port, key: ecdsaKey, algorithm: "ECDSAP256SHA256", intervalS: 1, flip: true, static: true, addressesPerName: 1 }));
    const p = await ours(label(runtime), command(runtime), yaml, port);
    procs.push(p);
    const results = { steady: [] as PerfResult[], flipping: [] as PerfResult[] };
    const seen = { steady: { serials: 0, states: 0, sent: 0, received: 0, wrong: [] as string[] }, flipping: { serials: 0, states: 0, sent: 0, received: 0, wrong: [] as string[] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of ["steady", "flipping"] as const) {
        const poller = new Poller(port);
        poller.start();
        let listener: Server | null = null;
        let busy = false;
        const flipper = phase === "steady" ? undefined : setInterval(async () => {
          if (busy) return;
          busy = true;
          if (listener) {
            const s = listener;
            listener = null;
            await closeServer(s);
          } else {
            listener = await healthListener(FLIP_PORT);
          }
          busy = false;
        }, 1000);
        results[phase].push(await dnsperf(port, files.flip, true));
        clearInterval(flipper);
        if (listener) await closeServer(listener);
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
      say(`| ${label(runtime)} | ${phase} | ${fmt(median(r.map((x) => x.qps)))} | ${r.reduce((a, x) => a + x.lost, 0)} | ${r.reduce((a, x) => a + x.sent, 0)} | ${r[0]?.rcodes ?? "?"} | ${s.serials} | ${s.states} | ${s.sent - s.received} / ${s.wrong.length} | ${fmt(memory(p.child.pid!).peak, 1)} |`);
    }
    for (const phase of ["steady", "flipping"] as const) {
      if (seen[phase].wrong.length > 0) say(`- ${label(runtime)} ${phase}: wrong answers: ${seen[phase].wrong.slice(0, 5).join("; ")}`);
    }
    await stop(p);
    port++;
  }
  say();
}

/** Section 3: start-up to first answer and memory at BIG names, each its own health endpoint. */
async function startup(procs: Proc[]): Promise<void> {
  say(`### Start-up at ${BIG.toLocaleString("en")} names (1 address each, each its own health endpoint)`);
  say();
  say("Time from process start to the first answer for the last name (the first health cycle probes all 10,000 endpoints, then the first zone is built and signed); RSS is read 3 s after that.");
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
      say(`| ${label(runtime)} | ${algorithm === "none" ? "unsigned" : algorithm} | ${ok ? fmt(seconds, 2) : "no answer in 180 s"} | ${fmt(mem.now, 1)} | ${fmt(mem.peak, 1)} |`);
    }
  }
  say();
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
  } finally {
    for (const p of procs) await stop(p);
    await closeServer(health);
    if (OUT_FILE) writeFileSync(OUT_FILE, lines.join("\n") + "\n");
  }
}

await main();
process.exit(0);
