/**
 * Abuse benchmarks of issue 21 on loopback, against the server from source
 * (main.ts on the runtime running this script; the attackers on Bun): what an
 * attacker's traffic costs other clients.
 *
 *   npx bun scripts/bench/bench_abuse.ts [--only rrl,status] [--names 10000] [--seconds 20] [--interval 30s]
 *   npx deno run -A scripts/bench/bench_abuse.ts [same options]
 *
 * - rrl: one /24 (127.0.0.1) sends 2,000 queries a second for 5 s for
 *   static.example.test with the query type rotating 1..60000 (DO=1); counts
 *   full answers and truncated (slipped) ones against the configured rate
 *   (200/s, nothing exempt). Full answers may be at most rate x seconds +
 *   one second's burst.
 * - status: a signed zone of `--names` names; a UDP client asks 50 queries a
 *   second and records each latency, first alone, then while 8 HTTP clients
 *   poll /status back to back (keep-alive, gzip accepted), once taking the
 *   gzipped bytes as they come (an attacker need not decode) and once
 *   decoding them as fetch does, the pollers at nice 19; prints
 *   p50/p99/max, lost queries, /status requests served, the server's CPU
 *   use and RSS.
 * Prints Markdown tables; loopback only; every process started is stopped.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, REPO_ROOT } from "./harness/server_harness.ts";
import { flag, rssMiB } from "./script_helpers.ts";

const ONLY = new Set(flag("--only", "rrl,status").split(","));
const NAMES = Number(flag("--names", "10000"));
const SECONDS = Number(flag("--seconds", "20"));
/**
 * health.interval of the status server. Each completed check cycle changes the report, which is
 * then made again (~0.1 s of the server's thread at 10,000 names): `--interval 1h` measures the
 * polling alone, without a rebuild in the window.
 */
const INTERVAL = flag("--interval", "30s");
const BUN = join(REPO_ROOT, "node_modules/.bin/bun");
const MAIN = join(REPO_ROOT, "main.ts");
const ON_DENO = globalThis.process.versions.bun === undefined;
/** The server's command line up to its arguments: main.ts on this script's runtime. */
const SERVER = ON_DENO
  ? [join(REPO_ROOT, "node_modules/.bin/deno"), "run", "-A", MAIN]
  : [BUN, MAIN];

/** A query for `name` of `type` with an OPT record (DO=1 when `dnssecOk`). */
function query(name: string, type: number, id: number, dnssecOk: boolean): Uint8Array {
  const labels = name.split(".").flatMap((
    l,
  ) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]);
  return Uint8Array.from([
    id >> 8,
    id & 255,
    0,
    0,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    1,
    ...labels,
    0,
    type >> 8,
    type & 255,
    0,
    1,
    0,
    0,
    41,
    4,
    208,
    0,
    0,
    dnssecOk ? 0x80 : 0,
    0,
    0,
    0,
  ]);
}

/** Starts the server on `yaml`; resolves once it logs `ready`. */
function serve(yaml: string): Promise<ChildProcess> {
  const child = spawn(SERVER[0], [...SERVER.slice(1), "--config", yaml], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let log = "";
    const timer = setTimeout(
      () => reject(new Error(`not ready in 120 s: ${log.slice(-500)}`)),
      120_000,
    );
    child.stderr!.on("data", (d) => {
      log = (log + d).slice(-4000);
      if (log.includes("msg=ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${log.slice(-500)}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((ok) => child.once("exit", ok));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) process `pid` has used so far (Linux, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function rrl(dir: string): Promise<void> {
  const port = await freePort();
  const yaml = join(dir, "rrl.yaml");
  writeFileSync(
    yaml,
    [
      "zone: example.test",
      "name_servers: [ns1.example.test]",
      `listen: ["127.0.0.1:${port}"]`,
      "log_level: info",
      "rate_limit: { responses_per_second: 200, slip: 2, exempt: [] }",
      "records:",
      "  static: [192.0.2.10]",
      "  ns1: [192.0.2.53]",
      "",
    ].join("\n"),
  );
  const server = await serve(yaml);
  const socket = createSocket("udp4");
  let full = 0, truncated = 0, other = 0, bytes = 0;
  socket.on("message", (m: Uint8Array) => {
    bytes += m.length;
    if ((m[2] & 0x02) !== 0) truncated++;
    else if ((m[3] & 0x0f) === 0) full++;
    else other++;
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  const RATE = 2_000, BURST_S = 5;
  const started = performance.now();
  let sent = 0;
  try {
    // Paced in 10 ms steps: 20 queries a step.
    while (sent < RATE * BURST_S) {
      const due = Math.min(
        RATE * BURST_S,
        Math.floor(((performance.now() - started) / 1000) * RATE),
      );
      for (; sent < due; sent++) {
        socket.send(
          query("static.example.test", 1 + (sent % 60_000), sent & 0xffff, true),
          port,
          "127.0.0.1",
        );
      }
      await sleep(10);
    }
    const seconds = (performance.now() - started) / 1000;
    await sleep(1_000);
    console.log("\n### RRL: query type rotating 1..60000, one /24, DO=1 (rate 200/s, slip 2)\n");
    console.log(
      "| queries | seconds | full answers | allowed (rate × s + burst) | truncated (slipped) | other | bytes out / bytes in |",
    );
    console.log("|---|---|---|---|---|---|---|");
    const allowed = Math.ceil(200 * seconds + 200);
    const inBytes = sent * query("static.example.test", 1, 0, true).length;
    console.log(
      `| ${sent} | ${seconds.toFixed(1)} | ${full} | ${allowed} | ${truncated} | ${other} | ${
        (bytes / inBytes).toFixed(2)
      } |`,
    );
  } finally {
    socket.close();
    await stop(server);
  }
}

async function statusPolling(dir: string): Promise<void> {
  const port = await freePort();
  const http = await freePort();
  const key = join(dir, "zone.pem");
  const made = spawnSync(BUN, [MAIN, "keygen", "--algorithm", "ECDSAP256SHA256", "--out", key], {
    encoding: "utf8",
  });
  if (made.status !== 0) throw new Error(`keygen: ${made.stderr}`);
  const yaml = join(dir, "status.yaml");
  const records = Array.from(
    { length: NAMES },
    (_, i) => `  h${i}: [10.${i >> 16}.${(i >> 8) & 255}.${i & 255}]`,
  );
  writeFileSync(
    yaml,
    [
      "zone: example.test",
      "name_servers: [ns1.example.test]",
      `listen: ["127.0.0.1:${port}"]`,
      `http: { listen: "127.0.0.1:${http}" }`,
      `health: { interval: ${INTERVAL} }`,
      "log_level: info",
      "dnssec:",
      `  key: ${key}`,
      "  algorithm: ECDSAP256SHA256",
      "records:",
      "  ns1: [192.0.2.53]",
      ...records,
      "",
    ].join("\n"),
  );
  const server = await serve(yaml);
  const rows: string[] = [];
  try {
    /** 50 queries a second for `seconds`; each latency in ms (lost ones counted apart). */
    const probe = async (seconds: number) => {
      const socket = createSocket("udp4");
      const sentAt = new Map<number, number>();
      const latencies: number[] = [];
      socket.on("message", (m: Uint8Array) => {
        const id = (m[0] << 8) | m[1];
        const at = sentAt.get(id);
        if (at !== undefined) {
          latencies.push(performance.now() - at);
          sentAt.delete(id);
        }
      });
      await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
      const count = seconds * 50;
      for (let i = 0; i < count; i++) {
        sentAt.set(i, performance.now());
        socket.send(query(`h${i % NAMES}.example.test`, 1, i, true), port, "127.0.0.1");
        await sleep(20);
      }
      await sleep(2_000);
      socket.close();
      latencies.sort((a, b) => a - b);
      return { latencies, lost: sentAt.size, count };
    };
    const row = (
      label: string,
      r: Awaited<ReturnType<typeof probe>>,
      served: string,
      cpu: string,
      rss: string,
    ) =>
      `| ${label} | ${r.count} | ${r.lost} | ${percentile(r.latencies, 0.5).toFixed(2)} | ${
        percentile(r.latencies, 0.99).toFixed(2)
      } | ${r.latencies.at(-1)?.toFixed(1)} | ${served} | ${cpu} | ${rss} |`;
    const rssIdle = rssMiB(server.pid!);
    /** The probe for `seconds`, with the server's CPU use over them. */
    const measured = async (seconds: number) => {
      const cpuBefore = cpuSeconds(server.pid!);
      const started = performance.now();
      const result = await probe(seconds);
      const elapsed = (performance.now() - started) / 1000;
      const cpu = `${((cpuSeconds(server.pid!) - cpuBefore) / elapsed * 100).toFixed(0)} %`;
      return { result, elapsed, cpu };
    };
    const alone = await measured(Math.min(10, SECONDS));
    rows.push(row("alone", alone.result, "-", alone.cpu, rssIdle.toFixed(0)));
    // The pollers run in their own process, at the lowest priority (nice 19): decoding ~1 GB/s of
    // JSON, or parsing thousands of responses a second, would otherwise take the CPU that the
    // server and this process's UDP client share on this 2-core machine, and be counted as the
    // server's latency. An attacker's CPU is its own, not the server's.
    for (const decode of [false, true]) {
      const pollerFile = join(dir, `pollers_${decode}.ts`);
      const poll = decode
        ? `const r = await fetch(url); bytes = (await r.arrayBuffer()).byteLength;`
        : `bytes = await new Promise((ok, ko) => get(url, { agent, headers: { "accept-encoding": "gzip" } }, (r) => { let n = 0; r.on("data", (d) => (n += d.length)); r.on("end", () => ok(n)); }).on("error", ko));`;
      writeFileSync(
        pollerFile,
        [
          'import { Agent, get } from "node:http";',
          "const agent = new Agent({ keepAlive: true, maxSockets: 8 });",
          `const url = "http://127.0.0.1:${http}/status";`,
          "let served = 0, bytes = 0, polling = true;",
          "process.on('SIGTERM', () => (polling = false));",
          "await Promise.all(Array.from({ length: 8 }, async () => {",
          `  while (polling) { ${poll} served++; }`,
          "}));",
          "console.log(JSON.stringify({ served, bytes }));",
          "process.exit(0);",
        ].join("\n"),
      );
      const pollers = spawn("nice", ["-n", "19", BUN, pollerFile], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let pollerOut = "";
      pollers.stdout!.on("data", (d) => (pollerOut += d));
      const pollersDone = new Promise((ok) => pollers.once("exit", ok));
      let peak = rssIdle;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid!))), 250);
      const busy = await measured(SECONDS);
      pollers.kill("SIGTERM");
      await pollersDone;
      clearInterval(sampler);
      const { served, bytes } = JSON.parse(pollerOut) as { served: number; bytes: number };
      const size = decode
        ? `${(bytes / 1e6).toFixed(2)} MB decoded`
        : `${(bytes / 1e3).toFixed(0)} kB gzipped`;
      rows.push(
        row(
          `8 clients polling /status, ${decode ? "decoding (fetch)" : "not decoding"}`,
          busy.result,
          `${served} (${(served / busy.elapsed).toFixed(0)}/s, ${size})`,
          busy.cpu,
          `${rssIdle.toFixed(0)} → ${peak.toFixed(0)}`,
        ),
      );
    }
    console.log(
      `\n### /status polled by 8 clients: ${
        NAMES.toLocaleString("en")
      } signed names (ECDSA P-256), UDP at 50 q/s, server on ${
        ON_DENO ? "Deno" : "Bun"
      }, health.interval ${INTERVAL}\n`,
    );
    console.log(
      "| UDP client | queries | lost | p50 ms | p99 ms | max ms | /status served | server CPU | RSS MiB |",
    );
    console.log("|---|---|---|---|---|---|---|---|---|");
    for (const r of rows) console.log(r);
  } finally {
    await stop(server);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-abuse-"));
  try {
    console.log(
      `load average at start: ${
        spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim()
      }`,
    );
    if (ONLY.has("rrl")) await rrl(dir);
    if (ONLY.has("status")) await statusPolling(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
