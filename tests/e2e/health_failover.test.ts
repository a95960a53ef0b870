// The product's reason to exist, end to end: real TCP backends on loopback,
// the real health monitor, the real server. A backend that stops accepting
// connections leaves the DNS answer; when it comes back, so does its address.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RecordConfig } from "../../src/config/config.ts";
import { openBackends, type TcpBackend } from "../helpers/tcp_backend.ts";
import { startTestServer, type TestServer } from "../helpers/server_harness.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { decode, makeQuery } from "../helpers/zone_fixture.ts";

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
