// TCP that no client can take down (RFC 7766 §6): misbehaving clients against the real server
// in its own process (its RSS read from /proc), genuine clients answered meanwhile. The abusers
// run in a child process of their own (scripts/bench/harness/tcp_abuser.ts) from 127.0.0.2; genuine
// clients come from 127.0.0.1. Every TCP limit is at its default.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CliProcess,
  freePort,
  spawnServer,
  tcpExchange,
  udpBurst,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { startAbuser } from "../../scripts/bench/harness/run_script.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** Each test runs for 10-15 s; the deadline leaves room on a loaded 2-core machine. */
const SLOW = { timeout: 90_000 };
/** Genuine queries may wait this long on a loaded 2-core machine. */
const GENUINE_TIMEOUT_MS = 4_000;

let dir: string;
let port: number;
let httpPort: number;
let server: CliProcess;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "hdns-tcp-abuse-"));
  port = await freePort();
  httpPort = await freePort();
  const file = join(dir, "config.yaml");
  writeFileSync(
    file,
    [
      "zone: example.test",
      "name_servers: [ns1.example.test]",
      `listen: ["127.0.0.1:${port}"]`,
      "log_level: info",
      // Fairness is measured with 500 UDP queries/s from one address, which response rate
      // limiting (on by default, 200/s) would rightly cut down; it has its own tests.
      "rate_limit: { responses_per_second: 0 }",
      "records:",
      "  www: [192.0.2.1]",
      "  ns1: [192.0.2.53]",
      "",
    ].join("\n"),
  );
  server = await spawnServer(["--config", file, "--http", `127.0.0.1:${httpPort}`]);
}, SLOW);

after(async () => {
  server.kill("SIGKILL");
  await server.exited;
  rmSync(dir, { recursive: true, force: true });
});

/** The server's resident set size now, in MiB (VmRSS of /proc/PID/status). */
function rssMiB(): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]) / 1024;
}

/** A counter of the server's /metrics, 0 when absent. */
async function metric(name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const escaped = `${name}${labels ? `{${labels}}` : ""}`.replace(/[{}"]/g, "\\$&");
  return Number(new RegExp(`^${escaped} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
}

/** Runs tcp_abuser.ts from 127.0.0.2 against the server. */
const abuse = (mode: string, seconds: number, count = 1) =>
  startAbuser(mode, port, "127.0.0.2", seconds, count);

/** One A query for www over UDP and one over a fresh TCP connection; how many got an answer. */
async function genuine(): Promise<number> {
  const q = makeQuery("www.example.test", "A");
  const [udp, tcp] = await Promise.all([
    udpExchange(port, q, GENUINE_TIMEOUT_MS),
    tcpExchange(port, q, GENUINE_TIMEOUT_MS).catch(() => null),
  ]);
  return (udp !== null && (udp[3] & 0x0f) === 0 ? 1 : 0) +
    (tcp !== null && (tcp[3] & 0x0f) === 0 ? 1 : 0);
}

describe("TCP under abuse (default TCP limits)", () => {
  test(
    "clients that never read add under 64 MiB in 15 s; others are answered meanwhile",
    SLOW,
    async () => {
      for (let i = 0; i < 50; i++) await genuine(); // warm up before the baseline
      const baseline = rssMiB();
      const abuser = await abuse("noread", 15, 4);
      let peak = baseline;
      let asked = 0;
      let answered = 0;
      let running = true;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMiB())), 100);
      abuser.done.finally(() => (running = false));
      try {
        while (running) {
          asked += 2;
          answered += await genuine();
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        const counts = await abuser.done;
        peak = Math.max(peak, rssMiB());
        assert.ok(counts.queries > 10_000, `the abuser sent ${counts.queries} queries`);
        assert.ok(peak - baseline < 64, `RSS ${baseline.toFixed(0)} -> ${peak.toFixed(0)} MiB`);
        assert.ok(asked >= 20, `${asked} genuine queries`);
        assert.equal(answered, asked, "every genuine query answered");
        assert.ok(
          await metric("healthy_dns_tcp_closed_total", 'reason="stalled"') >= 1,
          "the server closed connections whose replies stayed unread",
        );
      } finally {
        clearInterval(sampler);
        abuser.kill();
      }
    },
  );

  test(
    "1,100 slow-loris connections from one address leave another address answered",
    SLOW,
    async () => {
      const abuser = await abuse("loris", 10, 1_100); // more than the global cap of 1,000
      try {
        await waitFor(
          "100 loris connections open",
          async () => (await metric("healthy_dns_tcp_connections")) >= 100,
          20_000,
        );
        let asked = 0;
        let answered = 0;
        // Over the next seconds the loris connections time out one by one; ask all the while.
        const until = Date.now() + 4_000;
        while (Date.now() < until) {
          asked++;
          const reply = await tcpExchange(
            port,
            makeQuery("www.example.test", "A"),
            GENUINE_TIMEOUT_MS,
          )
            .catch(() => null);
          if (reply !== null && (reply[3] & 0x0f) === 0) answered++;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        assert.ok(asked >= 5, `${asked} genuine TCP queries`);
        assert.equal(answered, asked, "every genuine TCP query answered");
        await waitFor(
          "loris connections closed for lack of progress",
          async () => (await metric("healthy_dns_tcp_closed_total", 'reason="slow_query"')) >= 50,
          20_000,
        );
        const counts = await abuser.done;
        assert.ok(counts.connected >= 1_000, `${counts.connected} loris connections made`);
        const refused = await metric("healthy_dns_tcp_closed_total", 'reason="source_limit"');
        assert.ok(refused >= 900, `${refused} refused by the per-source cap`);
      } finally {
        abuser.kill();
      }
    },
  );

  test(
    "one pipelining TCP client leaves at least 95 % of 500 UDP queries/s answered",
    SLOW,
    async () => {
      const abuser = await abuse("pipeline", 9);
      try {
        await waitFor(
          "the pipelining client to be answered",
          async () =>
            (await metric("healthy_dns_responses_total", 'transport="tcp",rcode="NOERROR"')) >
              5_000,
          20_000,
        );
        const total = 2_500; // 5 s at 500/s
        const answered = await udpBurst(
          port,
          total,
          500,
          (id) => makeQuery("www.example.test", "A", { id }),
        );
        const counts = await abuser.done;
        assert.ok(counts.replies > 20_000, `the pipelining client got ${counts.replies} replies`);
        assert.ok(answered >= total * 0.95, `${answered} of ${total} UDP queries answered`);
      } finally {
        abuser.kill();
      }
    },
  );
});
