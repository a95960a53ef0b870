/**
 * Zone-builder benchmark (issue "Incremental zone updates"): in one process,
 * for each case (names × algorithm), measures
 *   full      the first build (every name derived, signed, encoded);
 *   update    one name's health flipping, 200 times: wall time and CPU time per new snapshot;
 *   reload    a full build over the same records (a reload), keeping every answer and signature;
 *   reload+3  a full build after three records changed address;
 * and the heap retained after the updates (a collection first, where the runtime allows one).
 * Every name has its own health endpoint. CPU time is the process's (user + system, every
 * thread: Web Crypto may sign on helper threads).
 *
 *   npx bun scripts/bench/bench_update.ts [--cases 10000:ECDSAP256SHA256,10000:ED25519,100000:ED25519]
 *   npx deno run -A --v8-flags=--expose-gc scripts/bench/bench_update.ts
 *
 * Prints a Markdown table.
 */
import process from "node:process";
import type { Config, RecordConfig } from "../../src/config/config.ts";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { generateKeyPem, loadSigningKey } from "../../src/dnssec/keys.ts";
import { endpointKey } from "../../src/health/endpoints.ts";
import { HealthState } from "../../src/health/health_state.ts";
import { buildSnapshot } from "../../src/zone/build_snapshot.ts";
import type { Snapshot } from "../../src/zone/snapshot.ts";
import { baseConfig } from "./harness/base_config.ts";

const PORT = 28080;
const UPDATES = 200;

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : process.argv[at + 1];
}

/** CPU ms used by the process so far. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function collect(): void {
  const g = globalThis as { Bun?: { gc(full: boolean): void }; gc?: () => void };
  if (g.Bun !== undefined) g.Bun.gc(true);
  else g.gc?.();
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

function config(count: number, algorithm: DnssecAlgorithmName, shift = 0): Config {
  const records: RecordConfig[] = Array.from({ length: count }, (_, i) => ({
    name: `h${i}`,
    addresses: [`127.${1 + ((i + (i < 3 ? shift : 0)) >> 16)}.${(i >> 8) & 255}.${i & 255}`],
    check: { port: PORT, timeoutMs: 1000 },
    whenAllDown: { kind: "none" },
  }));
  // The test fixture's base config: it tracks every field the config gains.
  return Object.freeze(baseConfig({
    records,
    logLevel: "warning",
    health: { intervalMs: 1000, timeoutMs: 1000, rise: 1, fall: 1, concurrency: 1000 },
    dnssec: { keyPath: "unused", algorithm },
  }));
}

interface Timed<T> {
  value: T;
  wall: number;
  cpu: number;
}

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const wall = performance.now();
  const cpu = cpuMs();
  const value = await work();
  return { value, wall: performance.now() - wall, cpu: cpuMs() - cpu };
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const cases = option("--cases", "10000:ECDSAP256SHA256,10000:ED25519,100000:ED25519").split(",");
const runtime = "Bun" in globalThis ? "bun" : "deno";
console.log(
  `| runtime | names | algorithm | full build s (CPU s) | update wall ms median / p95 / max | update CPU ms median / p95 | RRsets changed per update | reload s (CPU s) | reload, 3 records changed s | heap after full / after ${UPDATES} updates MiB | RSS MiB |`,
);
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
for (const spec of cases) {
  const [count, algorithm] = [
    Number(spec.split(":")[0]),
    spec.split(":")[1] as DnssecAlgorithmName,
  ];
  const key = await loadSigningKey(await generateKeyPem(algorithm), algorithm);
  const c = config(count, algorithm);
  const keys = c.records.map((r) => endpointKey(r.addresses[0], PORT));
  let health = HealthState.EMPTY.with(keys.map((k) => [k, true]));
  let now = Date.now();
  collect();
  const full = await timed(() => buildSnapshot({ config: c, health, now, previous: null, key }));
  let snapshot: Snapshot = full.value;
  collect();
  const heapAfterFull = process.memoryUsage().heapUsed;
  const walls: number[] = [];
  const cpus: number[] = [];
  let changed = 0;
  for (let i = 0; i < UPDATES; i++) {
    health = health.with([[keys[(count >> 1) + 7], i % 2 === 1]]);
    now += 1000;
    const update = await timed(() =>
      buildSnapshot({ config: c, health, now, previous: snapshot, key })
    );
    snapshot = update.value;
    walls.push(update.wall);
    cpus.push(update.cpu);
    changed = Math.max(changed, snapshot.changes?.rrsets.length ?? 0);
  }
  collect();
  const heapAfterUpdates = process.memoryUsage().heapUsed;
  now += 1000;
  const reload = await timed(() =>
    buildSnapshot({ config: { ...c }, health, now, previous: snapshot, key })
  );
  now += 1000;
  const changedConfig = config(count, algorithm, 1 << 20);
  const reload3 = await timed(() =>
    buildSnapshot({ config: changedConfig, health, now, previous: reload.value, key })
  );
  console.log(
    `| ${runtime} | ${count.toLocaleString("en")} | ${algorithm} | ${
      (full.wall / 1000).toFixed(2)
    } (${(full.cpu / 1000).toFixed(2)}) | ${quantile(walls, 0.5).toFixed(2)} / ${
      quantile(walls, 0.95).toFixed(2)
    } / ${Math.max(...walls).toFixed(2)} | ${quantile(cpus, 0.5).toFixed(2)} / ${
      quantile(cpus, 0.95).toFixed(2)
    } | ${changed} | ${(reload.wall / 1000).toFixed(2)} (${(reload.cpu / 1000).toFixed(2)}) | ${
      (reload3.wall / 1000).toFixed(2)
    } (${reload3.value.changes?.rrsets.length} RRsets changed) | ${mib(heapAfterFull)} / ${
      mib(heapAfterUpdates)
    } | ${mib(process.memoryUsage().rss)} |`,
  );
}
process.exit(0);
