/**
 * Health-checking benchmark. Run from the repository root:
 *   npx deno run -A scripts/bench/bench_health.ts     or     npx bun scripts/bench/bench_health.ts
 *
 * Prints, with a 1 s interval and a 1 s timeout (rise/fall/concurrency at
 * their defaults):
 *  1. failover latency: from a backend's listener closing until the monitor
 *     marks its address unhealthy, and until the server's DNS answer drops it;
 *  2. the same while the config also holds 2,000 health-checked endpoints:
 *     1,000 black holes (connects hang until the timeout) and 1,000 refused;
 *  3. the duration of one check cycle over those 2,000 endpoints.
 * Targets: failover < 2.5 s in both cases; cycle < 2 × timeout.
 * Loopback only; needs perl for the black holes (scripts/bench/harness/black_hole.ts).
 */
import * as dgram from "node:dgram";
import dnsPacket from "dns-packet";
import { type Config, DEFAULTS, type RecordConfig } from "../../src/config/config.ts";
import { HealthMonitor } from "../../src/health/health_monitor.ts";
import type { HealthView } from "../../src/health/health_state.ts";
import { runCheckCycle } from "../../src/health/check_rounds.ts";
import { SILENT_LOGGER } from "../../src/observe/logger.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { DEFAULT_SERVER_DEPS } from "../../src/server/server_deps.ts";
import { startDnsServer } from "../../src/server/dns_server.ts";
import { openBlackHoles } from "./harness/black_hole.ts";
import { healthConfig } from "./harness/health_config.ts";
import { openTcpBackend } from "./harness/tcp_backend.ts";
import { waitFor } from "./harness/wait_for.ts";

const INTERVAL_MS = 1000;
const TIMEOUT_MS = 1000;
const TRIALS = 8;
const DEAD_EACH = 1000;
const VICTIM = "127.0.0.2";
const runtime = await currentRuntime();
const { rise, fall, concurrency } = DEFAULTS.health;

/** A config serving `www` → the victim (listed last: dead endpoints come first in config order). */
function benchConfig(victimPort: number, dead: readonly RecordConfig[]): Config {
  const base = healthConfig([{ name: "www", addresses: [VICTIM], port: victimPort }], {
    intervalMs: INTERVAL_MS,
    timeoutMs: TIMEOUT_MS,
    rise,
    fall,
    concurrency,
  });
  return Object.freeze({
    ...base,
    records: [...dead, ...base.records],
    listen: [{ hostname: "127.0.0.1", port: 0 }],
  });
}

/** Sends A queries for www until the victim is missing from the answer (5 ms between queries). */
async function untilDroppedFromDns(
  server: { hostname: string; port: number },
  deadlineMs: number,
): Promise<void> {
  const socket = dgram.createSocket("udp4");
  socket.on("error", () => {}); // a lost query is simply sent again 5 ms later
  let present = true;
  socket.on("message", (message) => {
    const answers = dnsPacket.decode(message).answers ?? [];
    present = answers.some((answer) => answer.type === "A" && answer.data === VICTIM);
  });
  const query = dnsPacket.encode({
    type: "query",
    id: 1,
    questions: [{ type: "A", name: "www.example.test" }],
  });
  const timer = setInterval(() => socket.send(query, server.port, server.hostname), 5);
  try {
    await waitFor("the victim to leave the DNS answer", () => !present, deadlineMs);
  } finally {
    clearInterval(timer);
    socket.close();
  }
}

function stats(label: string, samples: number[]): string {
  const sorted = samples.toSorted((a, b) => a - b);
  const s = (ms: number) => (ms / 1000).toFixed(3);
  return `${label}: min ${s(sorted[0])} s, median ${
    s(sorted[Math.floor(sorted.length / 2)])
  } s, max ${s(sorted.at(-1)!)} s (${sorted.length} trials)`;
}

/** Runs TRIALS failovers of the victim behind a real server; prints monitor and DNS latencies. */
async function failover(label: string, dead: readonly RecordConfig[]): Promise<void> {
  const victim = await openTcpBackend(VICTIM);
  const config = benchConfig(victim.port, dead);
  let markedDownAt = 0;
  let monitor: HealthMonitor | null = null;
  const server = await startDnsServer({
    config,
    runtime,
    logger: SILENT_LOGGER,
    reloadConfig: () => Promise.resolve(config),
    deps: {
      ...DEFAULT_SERVER_DEPS,
      // The real monitor, with the moment it marks the victim down recorded.
      createHealthMonitor: (cfg, dialer, clock, logger, onChange) => {
        monitor = new HealthMonitor(cfg, dialer, clock, logger, (view: HealthView) => {
          if (!view.isHealthy(VICTIM, victim.port)) markedDownAt ||= performance.now();
          onChange(view);
        });
        return monitor;
      },
    },
  });
  const monitorMs: number[] = [];
  const dnsMs: number[] = [];
  try {
    for (let trial = 0; trial < TRIALS; trial++) {
      // Stop at a random phase of the cycle, as a real outage would.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * INTERVAL_MS));
      markedDownAt = 0;
      const stoppedAt = performance.now();
      await victim.stop();
      await untilDroppedFromDns(server.addresses[0], 10_000);
      dnsMs.push(performance.now() - stoppedAt);
      await waitFor("the monitor's change", () => markedDownAt !== 0, 10_000);
      monitorMs.push(markedDownAt - stoppedAt);
      await victim.start();
      await waitFor(
        "the victim healthy again",
        () => monitor!.state.isHealthy(VICTIM, victim.port),
        10_000,
      );
    }
    console.log(`${label}`);
    console.log(`  ${stats("listener closed → monitor marks unhealthy", monitorMs)}`);
    console.log(`  ${stats("listener closed → gone from the DNS answer", dnsMs)}`);
    console.log(
      `  last cycle: ${Math.round(monitor!.cycleDurationMs!)} ms over ${
        monitor!.endpointCount
      } endpoints`,
    );
  } finally {
    await server.stop();
    await victim.stop();
  }
}

console.log(
  `healthy-dns health bench — ${new Date().toISOString()} — ${runtime.name} ${runtime.version}, ` +
    `interval ${INTERVAL_MS} ms, timeout ${TIMEOUT_MS} ms, rise ${rise}, fall ${fall}, concurrency ${concurrency}`,
);
await failover("1. one backend", []);

const holes = await openBlackHoles("127.0.0.4", DEAD_EACH);
try {
  const dead: RecordConfig[] = holes.ports.map((port, i) => ({
    name: `hole${i}`,
    addresses: [holes.host],
    check: { port, timeoutMs: TIMEOUT_MS },
    whenAllDown: { kind: "none" },
  }));
  // Nothing listens on 127.3.x.y: refused at once.
  const refused = Array.from(
    { length: DEAD_EACH },
    (_, i) => `127.3.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  );
  dead.push({
    name: "refused",
    addresses: refused,
    check: { port: 9, timeoutMs: TIMEOUT_MS },
    whenAllDown: { kind: "none" },
  });

  await failover(`2. one backend + ${DEAD_EACH} black holes + ${DEAD_EACH} refused`, dead);

  const cycle = await runCheckCycle(benchConfig(9, dead), runtime.dial, runtime.clock);
  const reasons = new Map<string, number>();
  for (const { result } of cycle.probes) {
    const key = result.ok ? "ok" : result.reason;
    reasons.set(key, (reasons.get(key) ?? 0) + 1);
  }
  console.log(`3. one check cycle over ${cycle.probes.length} endpoints`);
  console.log(
    `  ${Math.round(cycle.durationMs)} ms (target < ${2 * TIMEOUT_MS} ms); outcomes ${
      JSON.stringify(Object.fromEntries(reasons))
    }`,
  );
} finally {
  await holes.close();
}
