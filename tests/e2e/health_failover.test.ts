// The product's reason to exist, end to end: real TCP backends on loopback,
// the real health monitor, the real server. A backend that stops accepting
// connections leaves the DNS answer; when it comes back, so does its address.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RecordConfig } from "../../src/config/config.ts";
import { openBackends, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openBlackHoles } from "../../scripts/bench/harness/black_hole.ts";
import {
  freePort,
  spawnCli,
  startTestServer,
  type TestServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { decode, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

describe("health failover through the real server (real probes on loopback)", () => {
  let v4a: TcpBackend;
  let v4b: TcpBackend;
  let v6: TcpBackend;
  let s: TestServer;

  /** The addresses served for `name`/`type`, sorted, over UDP; [] for NODATA. */
  async function served(name: string, type: "A" | "AAAA"): Promise<string[]> {
    const response = decode(await s.query(makeQuery(`${name}.example.test`, type), "udp"));
    assert.equal(response.rcode, "NOERROR", `${name} ${type}: ${response.rcode}`);
    return (response.answers ?? []).map((a) => String((a as { data: unknown }).data)).sort();
  }

  /** Polls until `name`/`type` serves exactly `expected` (deadline 5 s: a few 200 ms cycles). */
  async function until(name: string, type: "A" | "AAAA", expected: string[]): Promise<void> {
    let last: string[] = [];
    try {
      await waitFor(`${name} ${type} to serve [${expected.join(", ")}]`, async () => {
        last = await served(name, type);
        return JSON.stringify(last) === JSON.stringify([...expected].sort());
      }, 5_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; last served: [${last.join(", ")}]`);
    }
  }

  before(async () => {
    [v4a, v4b, v6] = await openBackends(["127.0.0.2", "127.0.0.3", "::1"]);
    const check = { port: v4a.port, timeoutMs: 500 };
    const record = (
      name: string,
      addresses: string[],
      whenAllDown: RecordConfig["whenAllDown"],
    ): RecordConfig => ({
      name,
      addresses,
      check,
      whenAllDown,
    });
    s = await startTestServer({
      overrides: {
        records: [
          record("www", ["127.0.0.2", "127.0.0.3"], { kind: "none" }),
          record("six", ["::1"], { kind: "none" }),
          record("always", ["127.0.0.2", "127.0.0.3"], { kind: "all" }),
          record("spare", ["127.0.0.2"], { kind: "fallback", addresses: ["192.0.2.99"] }),
          { name: "static", addresses: ["192.0.2.10"], check: null, whenAllDown: { kind: "none" } },
        ],
        health: { intervalMs: 200, timeoutMs: 500, rise: 1, fall: 1, concurrency: 100 },
      },
    });
  });
  after(async () => {
    await s?.stop();
    for (const backend of [v4a, v4b, v6]) await backend?.stop();
  });

  test("every healthy address is served at start (the first cycle runs before ready)", async () => {
    assert.deepEqual(await served("www", "A"), ["127.0.0.2", "127.0.0.3"]);
    assert.deepEqual(await served("six", "AAAA"), ["::1"]);
    assert.deepEqual(await served("spare", "A"), ["127.0.0.2"]);
  });

  test("a stopped backend leaves the answer; static entries never change", async () => {
    const serial = s.server.serial;
    await v4a.stop();
    await until("www", "A", ["127.0.0.3"]);
    assert.ok(s.server.serial > serial, "a new snapshot with a higher serial");
    assert.deepEqual(await served("static", "A"), ["192.0.2.10"]);
  });

  test("all down: NODATA with the SOA (policy none), every address (all), the fallback (list)", async () => {
    await v4b.stop();
    await until("www", "A", []);
    const nodata = decode(await s.query(makeQuery("www.example.test", "A"), "tcp"));
    assert.equal(nodata.rcode, "NOERROR");
    assert.deepEqual((nodata.authorities ?? []).map((r) => r.type), ["SOA"]);
    assert.deepEqual(await served("always", "A"), ["127.0.0.2", "127.0.0.3"]);
    assert.deepEqual(await served("spare", "A"), ["192.0.2.99"]);
    assert.deepEqual(await served("six", "AAAA"), ["::1"], "the IPv6 backend is still up");
    assert.deepEqual(await served("static", "A"), ["192.0.2.10"]);
  });

  test("a backend that comes back returns to the answer, and replaces the fallback", async () => {
    await v4a.start();
    await until("www", "A", ["127.0.0.2"]);
    await until("spare", "A", ["127.0.0.2"]);
    assert.deepEqual(await served("always", "A"), ["127.0.0.2"]);
  });

  test("IPv6 backends are probed over IPv6 and served as AAAA", async () => {
    await v6.stop();
    await until("six", "AAAA", []);
    await v6.start();
    await until("six", "AAAA", ["::1"]);
  });
});

describe("before the first health round (a probe hanging in a black hole)", () => {
  test("probed names answer SERVFAIL at once, the rest as usual; after the round, the real zone", {
    timeout: 60_000,
  }, async () => {
    const holes = await openBlackHoles("127.0.0.3");
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-first-round-"));
    const port = await freePort();
    const yaml = join(dir, "config.yaml");
    writeFileSync(
      yaml,
      [
        "zone: example.test",
        "name_servers: [{ name: ns1.example.test, addresses: [192.0.2.53] }]",
        `listen: ["127.0.0.1:${port}"]`,
        "log_level: debug",
        // The first round lasts the probe timeout: long enough to ask everything during it.
        "health: { timeout: 8s }",
        "records:",
        `  www: { addresses: [127.0.0.3], health_port: ${holes.ports[0]} }`,
        "  static: [192.0.2.10]",
        "",
      ].join("\n"),
    );
    const cli = await spawnCli(["--config", yaml]);
    const ask = async (name: string, type: string) =>
      decode(await udpExchange(port, makeQuery(name, type), 500));
    try {
      // Today's server answered nothing until the round ended: this waits for any answer.
      let first = null;
      for (let i = 0; i < 100 && first === null && !/ msg=ready /.test(cli.stderr()); i++) {
        first = await udpExchange(port, makeQuery("static.example.test", "A"), 100);
      }
      assert.ok(first !== null, `no answer before the first round ended; stderr:\n${cli.stderr()}`);
      const staticA = decode(first);
      assert.equal(staticA.rcode, "NOERROR");
      assert.deepEqual(staticA.answers!.map((a) => (a as { data: unknown }).data), ["192.0.2.10"]);
      const www = await ask("www.example.test", "A");
      assert.equal(www.rcode, "SERVFAIL", "no addresses from unknown health, and no silence");
      assert.equal((www.answers ?? []).length, 0);
      assert.equal((await ask("www.example.test", "TXT")).rcode, "SERVFAIL");
      assert.equal((await ask("nowhere.example.test", "A")).rcode, "NXDOMAIN");
      assert.equal((await ask("example.test", "SOA")).rcode, "NOERROR");
      // All of that came before the round decided.
      assert.doesNotMatch(cli.stderr(), / msg=ready /);
      await cli.waitForLine(/ msg=ready /, 30_000);
      const after = await ask("www.example.test", "A");
      assert.equal(after.rcode, "NOERROR", "decided: down, so NODATA (when_all_down none)");
      assert.equal((after.answers ?? []).length, 0);
    } finally {
      cli.kill("SIGKILL");
      await cli.exited;
      await holes.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
