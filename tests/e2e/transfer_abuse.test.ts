// Zone transfers that no secondary can turn into an attack: the real server in its own process
// (its RSS read from /proc) with a zone of several MB, TSIG-signed AXFRs that never read, more
// transfers than the caps, and reading transfers beside a UDP client. Transfer clients come
// from 127.0.0.2 and up; the UDP client from 127.0.0.1. TCP limits are at their defaults
// (io_timeout 3 s, max_unsent_bytes 64 KiB).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CliProcess,
  frame,
  freePort,
  scrapeMetric,
  spawnServer,
  tcpMessages,
  udpBurst,
} from "../../scripts/bench/harness/server_harness.ts";
import { startAbuser } from "../../scripts/bench/harness/run_script.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { rssMiB } from "../../scripts/bench/script_helpers.ts";
import { transfer, transferQuery, tsigKey } from "../../scripts/bench/harness/xfr_client.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

const KEY = {
  name: "xfr-key",
  algorithm: "hmac-sha256" as const,
  secret: "dHJhbnNmZXItYWJ1c2UtdGVzdC1zZWNyZXQtMzJieXQ=",
};
/**
 * 4,000 names of 16 A and 16 AAAA records each: an AXFR of about 5.5 MB, more than the
 * kernel's socket buffers take from a client that does not read (about 4 MB on Linux
 * loopback), so the server itself sees the unread replies.
 */
const NAMES = 4_000;
const PER_NAME = 32;
const MAX_TRANSFERS = 16;
const PER_SOURCE = 8;
const IO_TIMEOUT_MS = 3_000;
const SLOW = { timeout: 90_000 };

let dir: string;
let port: number;
let httpPort: number;
let server: CliProcess;
/**
 * Settles once the server is ready. Building this zone takes longer than Bun allows a
 * `before` hook, so the hook starts the server and each test waits for it.
 */
let started: Promise<void>;

const rss = () => rssMiB(server.child.pid!);
const metric = (name: string, labels = "") => scrapeMetric(httpPort, name, labels);

/** A transfer client as the tests hold it. */
interface AxfrClient {
  readonly socket: net.Socket;
  /** The first message of the answer, when asked to read it. */
  readonly first: Promise<Uint8Array | null>;
  readonly sentAt: number;
}

/** A signed AXFR of example.test from `local`: never read, or read up to its first message. */
async function axfrClient(local: string, readFirst: boolean): Promise<AxfrClient> {
  const socket = net.connect({ port, host: "127.0.0.1", localAddress: local });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("error", reject);
  });
  let first: Promise<Uint8Array | null> = Promise.resolve(null);
  if (readFirst) first = tcpMessages(socket).next(5_000).then((m) => (socket.pause(), m));
  else socket.pause(); // never read: the server's replies fill the kernel's buffers, then its own
  socket.write(frame(transferQuery("example.test", "AXFR", { key: tsigKey(KEY) }).query));
  return { socket, first, sentAt: Date.now() };
}

describe("zone transfers under abuse", () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "hdns-transfer-abuse-"));
    port = await freePort();
    httpPort = await freePort();
    const file = join(dir, "config.yaml");
    const host = (i: number) => {
      const v4 = Array.from(
        { length: PER_NAME / 2 },
        (_, j) => `10.${i >> 8}.${i & 0xff}.${j + 1}`,
      );
      const v6 = Array.from(
        { length: PER_NAME / 2 },
        (_, j) => `"2001:db8::${i.toString(16)}:${j + 1}"`,
      );
      return `  host${i}: [${[...v4, ...v6].join(", ")}]`;
    };
    writeFileSync(
      file,
      [
        "zone: example.test",
        "name_servers: [ns1.example.test]",
        `listen: ["127.0.0.1:${port}"]`,
        // The UDP client's steady queries are not what is measured; RRL has its own tests.
        "rate_limit: { responses_per_second: 0 }",
        "transfer:",
        `  tsig_keys: [{ name: ${KEY.name}, secret: "${KEY.secret}" }]`,
        "  allow: [127.0.0.0/8]",
        `  max_transfers: ${MAX_TRANSFERS}`,
        `  max_transfers_per_source: ${PER_SOURCE}`,
        "records:",
        "  ns1: [192.0.2.53]",
        ...Array.from({ length: NAMES }, (_, i) => host(i)),
        "",
      ].join("\n"),
    );
    started = spawnServer(
      ["--config", file, "--http", `127.0.0.1:${httpPort}`],
      undefined,
      60_000,
    ).then((cli) => void (server = cli));
  });

  after(async () => {
    await started.catch(() => {});
    server?.kill("SIGKILL");
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    "AXFR clients that never read are closed as stalled within io_timeout; memory stays bounded",
    SLOW,
    async () => {
      await started;
      const warm = await transfer(port, "example.test", "AXFR", { key: tsigKey(KEY) });
      assert.equal(warm.records.length, 2 + 1 + 1 + PER_NAME * NAMES, "the whole zone, read");
      const baseline = rss();
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
      const stalledBefore = await metric("healthy_dns_tcp_closed_total", 'reason="stalled"');
      const clients: AxfrClient[] = [];
      try {
        for (const local of ["127.0.0.2", "127.0.0.3"]) {
          for (let i = 0; i < PER_SOURCE; i++) clients.push(await axfrClient(local, false));
        }
        // Seen from the server: a paused client socket does not report the close.
        await waitFor(
          "every non-reading transfer closed as stalled",
          async () =>
            (await metric("healthy_dns_tcp_closed_total", 'reason="stalled"')) - stalledBefore >=
              clients.length,
          40_000,
        );
        // Linux first takes ~4 MB per connection into its buffers, made one message per turn.
        const took = Date.now() - clients.at(-1)!.sentAt;
        assert.ok(
          took < IO_TIMEOUT_MS + 12_000,
          `the last one closed ${took} ms after its request (io_timeout ${IO_TIMEOUT_MS} ms)`,
        );
        peak = Math.max(peak, rss());
        assert.ok(peak - baseline < 64, `RSS ${baseline.toFixed(0)} -> ${peak.toFixed(0)} MiB`);
      } finally {
        clearInterval(sampler);
        for (const client of clients) client.socket.destroy();
      }
    },
  );

  test(
    `more transfers than the caps (${PER_SOURCE} per source, ${MAX_TRANSFERS} in all): the excess REFUSED, signed`,
    SLOW,
    async () => {
      await started;
      const inProgress = () => metric("healthy_dns_zone_transfers_in_progress", "");
      await waitFor("no transfer in progress", async () => (await inProgress()) === 0, 30_000);
      const busyBefore = await metric("healthy_dns_zone_transfers_total", 'outcome="busy"');
      const clients: AxfrClient[] = [];
      try {
        // Slots held by transfers that never read (closed as stalled only seconds later).
        for (let i = 0; i < PER_SOURCE; i++) clients.push(await axfrClient("127.0.0.4", false));
        await waitFor(
          "the first source's transfers",
          async () => (await inProgress()) === PER_SOURCE,
        );
        const overSource = await axfrClient("127.0.0.4", true);
        clients.push(overSource);
        for (let i = 0; i < MAX_TRANSFERS - PER_SOURCE; i++) {
          clients.push(await axfrClient("127.0.0.5", false));
        }
        await waitFor("every slot taken", async () => (await inProgress()) === MAX_TRANSFERS);
        const overAll = await axfrClient("127.0.0.6", true);
        clients.push(overAll);
        for (const [client, cap] of [[overSource, "per source"], [overAll, "in all"]] as const) {
          const answer = await client.first;
          assert.notEqual(answer, null, `an answer over the cap ${cap}`);
          assert.equal(answer![3] & 0x0f, 5, `REFUSED over the cap ${cap}`);
          assert.equal((answer![10] << 8) | answer![11], 1, "signed: its TSIG record");
        }
        assert.equal(
          (await metric("healthy_dns_zone_transfers_total", 'outcome="busy"')) - busyBefore,
          2,
        );
        assert.equal(await inProgress(), MAX_TRANSFERS, "the refused took no slot");
        for (const client of clients) client.socket.destroy();
        // Slots come back as connections go: a transfer is possible again.
        await waitFor("the slots freed", async () => (await inProgress()) === 0, 10_000);
        const again = await transfer(port, "example.test", "AXFR", { key: tsigKey(KEY) });
        assert.equal(again.rcode, 0);
        assert.equal(again.records.length, 4 + PER_NAME * NAMES);
      } finally {
        for (const client of clients) client.socket.destroy();
      }
    },
  );

  test(
    `${PER_SOURCE} secondaries transferring without pause leave at least 90 % of 500 UDP queries/s answered`,
    SLOW,
    async () => {
      await started;
      const secondaries = await startAbuser("axfr", port, "127.0.0.7", 9, PER_SOURCE, {
        HDNS_TSIG_SECRET: KEY.secret,
      });
      try {
        await waitFor(
          "the secondaries to be transferring",
          async () => (await metric("healthy_dns_zone_transfers_total", 'outcome="ok"')) > 4,
          20_000,
        );
        const total = 2_500; // 5 s at 500/s
        const answered = await udpBurst(
          port,
          total,
          500,
          (id) => makeQuery("ns1.example.test", "A", { id }),
        );
        const counts = await secondaries.done;
        assert.ok(counts.transfers >= PER_SOURCE, `${counts.transfers} whole transfers read`);
        // 41 % were answered when transfers were made whole on the event loop; the benchmark
        // holds the 95 % target on a calmer machine (BENCHMARKS.md), a shared CI runner less.
        assert.ok(answered >= total * 0.9, `${answered} of ${total} UDP queries answered`);
      } finally {
        secondaries.kill();
      }
    },
  );
});
