/**
 * Hidden-primary propagation benchmark. Run from the repository root:
 *   npx bun scripts/bench/bench_transfer.ts     or     npx deno run -A scripts/bench/bench_transfer.ts
 *
 * Starts healthy-dns in-process as a hidden primary (1 s check interval,
 * 500 ms timeout) with Knot DNS, NSD and BIND as TSIG secondaries on
 * loopback, then, TRIALS times: stops a backend and measures, per
 * secondary, the time until that secondary's answer no longer holds the
 * address (UDP query every 5 ms), next to the time until healthy-dns's own
 * answer drops it; then starts the backend again and waits for every server
 * to serve it again. Prints median and max per server, and the part that is
 * transfer alone (secondary minus primary). Needs knotd, nsd and named.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { SILENT_LOGGER } from "../../src/observe/logger.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { DEFAULT_SERVER_DEPS } from "../../src/server/server_deps.ts";
import { startDnsServer } from "../../src/server/dns_server.ts";
import { type SecondaryKind, startSecondary, transferYaml } from "./harness/secondary.ts";
import { freePort, udpExchange } from "./harness/server_harness.ts";
import { openBackends } from "./harness/tcp_backend.ts";
import { decode, makeQuery } from "./harness/zone_fixture.ts";

const TRIALS = 12;
const INTERVAL_MS = 1000;
const KINDS: readonly SecondaryKind[] = ["knot", "nsd", "bind"];
const ZONES = ["example.test", "example.net"];
const VICTIM = "127.0.0.3";
const runtime = await currentRuntime();

const key = {
  name: "xfr-key",
  algorithm: "hmac-sha256",
  secret: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))),
};
const dir = mkdtempSync(join(tmpdir(), "healthy-dns-bench-transfer-"));
const backends = await openBackends(["127.0.0.2", VICTIM]);
const ports = { knot: await freePort(), nsd: await freePort(), bind: await freePort() };
const configPath = join(dir, "primary.yaml");
writeFileSync(
  configPath,
  [
    "zone: example.test",
    "alias_zones: [example.net]",
    "name_servers: [ns1.example.test]",
    `state_dir: ${dir}`,
    `health: { interval: ${INTERVAL_MS}ms, timeout: 500ms }`,
    "records:",
    `  www: { addresses: [127.0.0.2, ${VICTIM}], health_port: ${backends[0].port} }`,
    ...transferYaml(key, KINDS.map((kind) => ({ kind, port: ports[kind] }))),
    "",
  ].join("\n"),
);
const config = {
  ...(await loadConfig(["--config", configPath], runtime.readTextFile)),
  listen: [{ hostname: "127.0.0.1", port: 0 }],
};
const server = await startDnsServer({
  config,
  runtime,
  logger: SILENT_LOGGER,
  deps: DEFAULT_SERVER_DEPS,
  reloadConfig: () => Promise.resolve(config),
});
const primaryPort = server.addresses[0].port;
const secondaries = [];
for (const kind of KINDS) {
  secondaries.push(
    await startSecondary({ kind, port: ports[kind], primaryPort, zones: ZONES, key }),
  );
}
const targets = [
  { name: "healthy-dns (primary)", host: "127.0.0.1", port: primaryPort },
  ...secondaries.map((s) => ({ name: s.kind, host: s.address, port: s.port })),
];

/** Whether `target` serves VICTIM for www.example.test now. */
async function serves(target: (typeof targets)[number]): Promise<boolean | null> {
  const response = await udpExchange(
    target.port,
    makeQuery("www.example.test", "A"),
    500,
    target.host,
  );
  if (response === null) return null;
  return decode(response).answers.some((answer) => answer.data === VICTIM);
}

/** Ms from `start` until `target` stops (or starts) serving VICTIM; 10 s at most. */
async function until(target: (typeof targets)[number], want: boolean, start: number) {
  for (;;) {
    if ((await serves(target)) === want) return performance.now() - start;
    if (performance.now() - start > 10_000) throw new Error(`${target.name}: no change in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const results = new Map(targets.map((t) => [t.name, [] as number[]]));
try {
  for (let trial = 0; trial < TRIALS; trial++) {
    const start = performance.now();
    await Promise.all(targets.map((t) => until(t, true, start)));
    // Stop at a random point of the check cycle, as a real failure would.
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * INTERVAL_MS));
    const stoppedAt = performance.now();
    await backends[1].stop();
    const times = await Promise.all(targets.map((t) => until(t, false, stoppedAt)));
    targets.forEach((t, i) => results.get(t.name)!.push(times[i]));
    await backends[1].start();
  }
} finally {
  for (const secondary of secondaries) await secondary.stop();
  await server.stop();
  for (const backend of backends) await backend.stop();
  rmSync(dir, { recursive: true, force: true });
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const primaryTimes = results.get(targets[0].name)!;
console.log(
  `Propagation: backend stops -> answer without it (${TRIALS} trials, ${runtime.name} ${runtime.version}, interval ${INTERVAL_MS} ms)\n`,
);
console.log("| Server | median (ms) | max (ms) | transfer alone: median / max (ms) |");
console.log("| --- | --: | --: | --: |");
for (const [name, times] of results) {
  const alone = times.map((t, i) => t - primaryTimes[i]);
  const transfer = name === targets[0].name
    ? "—"
    : `${median(alone).toFixed(0)} / ${Math.max(...alone).toFixed(0)}`;
  console.log(
    `| ${name} | ${median(times).toFixed(0)} | ${Math.max(...times).toFixed(0)} | ${transfer} |`,
  );
}
