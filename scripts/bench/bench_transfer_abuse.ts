/**
 * Zone transfers as an attack, against the real server in its own process. Run from the
 * repository root:
 *   npx bun scripts/bench/bench_transfer_abuse.ts   or   npx deno run -A scripts/bench/bench_transfer_abuse.ts
 * (the server runs main.ts on the same runtime). Options: --names N (10000), --noread N (200),
 * --readers N (40), --seconds S (20).
 *
 * Serves a signed zone (ECDSA P-256, the test fixture key) of N names, each with one A
 * record, with a `transfer` section allowing 127.0.0.0/8 with one TSIG key, then:
 * 1. opens `--noread` connections (from 127.0.0.2 up, 50 a source) that each send a signed
 *    AXFR and never read, and holds them until the server has closed every one (90 s at most;
 *    a UDP probe runs the first `--seconds`), once with the transfer caps at their defaults and
 *    once with the caps raised to let every one transfer; prints the server's RSS before and at
 *    its peak, how many were refused, how many closed by the server and why, and when the last
 *    one was closed;
 * 2. runs `--readers` secondaries (scripts/bench/harness/tcp_abuser.ts axfr, in their own process)
 *    transferring the zone again and again, caps raised to let them all, while a UDP client
 *    asks for one name every 20 ms (1 s timeout); prints answered and the latency median and
 *    p99, next to the same UDP client without transfers.
 * Loopback only.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { startAbuser } from "./harness/run_script.ts";
import {
  frame,
  freePort,
  REPO_ROOT,
  scrapeMetric,
  spawnServer,
  udpExchange,
} from "./harness/server_harness.ts";
import { transferQuery, tsigKey } from "./harness/xfr_client.ts";
import { makeQuery } from "./harness/zone_fixture.ts";
import { flag, rssMiB } from "./script_helpers.ts";

const NAMES = Number(flag("--names", "10000"));
const NOREAD = Number(flag("--noread", "200"));
const READERS = Number(flag("--readers", "40"));
const SECONDS = Number(flag("--seconds", "20"));
const KEY = {
  name: "xfr-key",
  algorithm: "hmac-sha256" as const,
  secret: "YmVuY2gtdHJhbnNmZXItYWJ1c2Utc2VjcmV0LWtleSE=",
};
const runtime = await currentRuntime();
const dir = mkdtempSync(join(tmpdir(), "healthy-dns-bench-xfr-abuse-"));
const port = await freePort();
const httpPort = await freePort();
const configPath = join(dir, "config.yaml");
const keyPath = join(dir, "key.pem");
copyFileSync(join(REPO_ROOT, "tests", "fixtures", "dnssec", "ecdsap256sha256", "key.pem"), keyPath);
chmodSync(keyPath, 0o600);

/** The config, with the transfer caps at their defaults (`caps` null) or at `caps`. */
function writeConfig(caps: number | null): void {
  const lines = [
    "zone: example.test",
    "name_servers: [ns1.example.test]",
    `listen: ["127.0.0.1:${port}"]`,
    "log_level: info", // the harness waits for the `ready` line
    "rate_limit: { responses_per_second: 0 }",
    "dnssec:",
    `  key: ${keyPath}`,
    "  algorithm: ECDSAP256SHA256",
    "transfer:",
    `  tsig_keys: [{ name: ${KEY.name}, secret: "${KEY.secret}" }]`,
    "  allow: [127.0.0.0/8]",
    ...(caps === null ? [] : [`  max_transfers: ${caps}`, `  max_transfers_per_source: ${caps}`]),
    "records:",
    "  ns1: [192.0.2.53]",
  ];
  for (let i = 0; i < NAMES; i++) {
    lines.push(`  h${i}: [10.${i >> 16}.${(i >> 8) & 255}.${i & 255}]`);
  }
  writeFileSync(configPath, lines.join("\n") + "\n");
}

const metric = (name: string, labels = "") => scrapeMetric(httpPort, name, labels);

/** Applies a new config by SIGHUP and waits for the reload to be counted. */
async function reload(pid: number, caps: number | null): Promise<void> {
  const before = await metric("healthy_dns_reloads_total", 'outcome="ok"');
  writeConfig(caps);
  process.kill(pid, "SIGHUP");
  const until = Date.now() + 60_000;
  while ((await metric("healthy_dns_reloads_total", 'outcome="ok"')) === before) {
    if (Date.now() > until) throw new Error("the reload did not finish within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** UDP queries every 20 ms for `seconds`, each waiting 1 s at most: answered and latencies. */
async function udpProbe(seconds: number): Promise<{ asked: number; ms: number[] }> {
  const ms: number[] = [];
  let asked = 0;
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    asked++;
    const start = performance.now();
    const answer = await udpExchange(
      port,
      makeQuery("ns1.example.test", "A", { id: asked }),
      1_000,
    );
    if (answer !== null) ms.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { asked, ms: ms.sort((a, b) => a - b) };
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const udpLine = (label: string, probe: { asked: number; ms: number[] }) =>
  `| ${label} | ${probe.ms.length} / ${probe.asked} (${
    (100 * probe.ms.length / probe.asked).toFixed(1)
  } %) | ${quantile(probe.ms, 0.5).toFixed(1)} | ${quantile(probe.ms, 0.99).toFixed(1)} |`;

/** `count` signed AXFRs that never read, from 127.0.0.2 up (50 a source); held `SECONDS`. */
async function noRead(pid: number, caps: string): Promise<string> {
  const closedBefore = {
    stalled: await metric("healthy_dns_tcp_closed_total", 'reason="stalled"'),
    idle: await metric("healthy_dns_tcp_closed_total", 'reason="idle"'),
    busy: await metric("healthy_dns_zone_transfers_total", 'outcome="busy"'),
  };
  const baseline = rssMiB(pid);
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  const sockets: net.Socket[] = [];
  const startedAt = Date.now();
  let lastClosedAt = startedAt;
  let lastCount = 0;
  const probe = udpProbe(SECONDS);
  for (let i = 0; i < NOREAD; i++) {
    const socket = net.connect({
      port,
      host: "127.0.0.1",
      localAddress: `127.0.0.${2 + Math.floor(i / 50)}`,
    });
    socket.on("error", () => {});
    socket.pause();
    socket.write(frame(transferQuery("example.test", "AXFR", { key: tsigKey(KEY) }).query));
    sockets.push(socket);
  }
  // Until the server has closed every one (90 s at most): the UDP probe runs the first SECONDS.
  const closedBefore0 = await metric("healthy_dns_tcp_closed_total");
  lastCount = closedBefore0;
  const until = startedAt + 90_000;
  while (Date.now() < until && lastCount - closedBefore0 < NOREAD) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const closed = await metric("healthy_dns_tcp_closed_total");
    if (closed !== lastCount) {
      lastCount = closed;
      lastClosedAt = Date.now();
    }
  }
  const udp = await probe;
  clearInterval(sampler);
  const stalled = await metric("healthy_dns_tcp_closed_total", 'reason="stalled"') -
    closedBefore.stalled;
  const idle = await metric("healthy_dns_tcp_closed_total", 'reason="idle"') - closedBefore.idle;
  const busy = await metric("healthy_dns_zone_transfers_total", 'outcome="busy"') -
    closedBefore.busy;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return `| ${caps} | ${baseline.toFixed(0)} → ${peak.toFixed(0)} (+${
    (peak - baseline).toFixed(0)
  }) | ${busy} | ${stalled} | ${idle} | ${
    ((lastClosedAt - startedAt) / 1000).toFixed(1)
  } s | ${udp.ms.length} / ${udp.asked} |`;
}

writeConfig(null);
const server = await spawnServer(
  ["--config", configPath, "--http", `127.0.0.1:${httpPort}`],
  undefined,
  180_000,
);
const pid = server.child.pid!;
try {
  // One transfer read whole, to size it (and warm the server up).
  const reader = await startAbuser("axfr", port, "127.0.0.9", 3, 1, {
    HDNS_TSIG_SECRET: KEY.secret,
  });
  const warm = await reader.done;
  const bytesPerTransfer = warm.transfers > 0 ? (warm.messages / warm.transfers) : NaN;
  console.log(
    `Zone transfers as an attack: ${NAMES} signed names (ECDSA P-256), ${runtime.name} ${runtime.version}, ` +
      `one AXFR = ${bytesPerTransfer.toFixed(0)} messages; load ${
        readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")
      }\n`,
  );
  console.log(
    `${NOREAD} TSIG-signed AXFRs that never read, held until the server closed them (UDP probe the first ${SECONDS} s):\n`,
  );
  console.log(
    "| caps | server RSS MiB | refused (busy) | closed stalled | closed idle | last closed after | UDP answered |",
  );
  console.log("| --- | --: | --: | --: | --: | --: | --: |");
  console.log(await noRead(pid, "defaults (10, 4 per source)"));
  await reload(pid, NOREAD);
  console.log(await noRead(pid, `raised to ${NOREAD}`));

  await reload(pid, Math.max(READERS, 10));
  console.log(
    `\n${READERS} secondaries reading AXFRs without pause, UDP client 1 query / 20 ms:\n`,
  );
  console.log("| while | UDP answered | median ms | p99 ms |");
  console.log("| --- | --: | --: | --: |");
  console.log(udpLine("no transfers", await udpProbe(10)));
  const readers = await startAbuser("axfr", port, "127.0.0.7", 14, READERS, {
    HDNS_TSIG_SECRET: KEY.secret,
  });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const during = await udpProbe(10);
  const counts = await readers.done;
  console.log(udpLine(`${READERS} reading AXFRs`, during));
  console.log(
    `\n(the readers completed ${counts.transfers ?? 0} transfers, ${
      counts.messages ?? 0
    } messages; refused: ${counts.rcode_5 ?? 0})`,
  );
} finally {
  server.kill("SIGKILL");
  await server.exited;
  rmSync(dir, { recursive: true, force: true });
}
