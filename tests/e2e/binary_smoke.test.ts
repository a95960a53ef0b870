import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import dnsPacket from "dns-packet";
import { ensureBinary } from "../helpers/binary.ts";
import {
  freePort,
  REPO_ROOT,
  spawnServer,
  tcpExchange,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** True when `dig` is on PATH. */
function haveDig(): boolean {
  return spawnSync("dig", ["-v"], { stdio: "ignore" }).status === 0;
}

describe("the compiled binary (dist/healthy-dns)", () => {
  let BINARY: string;
  before(() => {
    BINARY = ensureBinary();
  });

  test("prints its version with the commit it was built from", () => {
    const result = spawnSync(BINARY, ["--version"], { encoding: "utf8" });
    assert.equal(result.status, 0);
    const match = result.stdout.match(
      /^healthy-dns \d+\.\d+\.\d+ \(([0-9a-f]{7,40})(-dirty)?, (deno|bun) [\d.]+, [a-z0-9-]+\)\n$/,
    );
    assert.ok(match !== null, result.stdout);
    // A real commit of this checkout (HEAD may have moved on since the build).
    const known = spawnSync("git", ["cat-file", "-e", `${match[1]}^{commit}`], { cwd: REPO_ROOT });
    assert.equal(known.status, 0, `${match[1]} is not a commit of this repository`);
  });

  test("serves the demo zone: www.example.test A, health-checked against itself", async () => {
    const port = await freePort();
    // www probes the server's own port, so it is healthy once the server listens.
    const records = JSON.stringify({
      www: { ips: ["127.0.0.1"], health_port: port },
      static: ["127.0.0.10"],
    });
    const server = await spawnServer([
      "--demo",
      "--listen",
      `127.0.0.1:${port}`,
      "--zone-resolutions",
      records,
    ], BINARY);
    try {
      if (haveDig()) {
        const dig = spawnSync("dig", [
          "@127.0.0.1",
          "-p",
          String(port),
          "www.example.test",
          "A",
          "+short",
          "+tries=3",
          "+time=2",
        ], {
          encoding: "utf8",
        });
        assert.equal(dig.status, 0, dig.stderr);
        assert.equal(dig.stdout.trim(), "127.0.0.1");
        const tcp = spawnSync("dig", [
          "@127.0.0.1",
          "-p",
          String(port),
          "static.example.net",
          "A",
          "+short",
          "+tcp",
        ], { encoding: "utf8" });
        assert.equal(tcp.stdout.trim(), "127.0.0.10");
      } else {
        for (const exchange of [udpExchange, tcpExchange]) {
          const response = await exchange(port, makeQuery("www.example.test", "A"));
          assert.ok(response !== null, "answered");
          const answers = dnsPacket.decode(Buffer.from(response)).answers ?? [];
          assert.deepEqual(answers.map((a) => String((a as { data: unknown }).data)), [
            "127.0.0.1",
          ]);
        }
      }
    } finally {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    }
  });

  test("serves /status and /metrics, with the process figures, from the executable", async () => {
    const port = await freePort();
    const httpPort = await freePort();
    const records = JSON.stringify({ www: { ips: ["127.0.0.1"], health_port: port } });
    const server = await spawnServer([
      "--demo",
      "--listen",
      `127.0.0.1:${port}`,
      "--http",
      `127.0.0.1:${httpPort}`,
      "--zone-resolutions",
      records,
    ], BINARY);
    try {
      const status = await (await fetch(`http://127.0.0.1:${httpPort}/status`)).json();
      assert.deepEqual(status.names[0].addresses.map((a: { state: string }) => a.state), [
        "healthy",
      ]);
      const metrics = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      assert.match(
        metrics,
        new RegExp(
          `^healthy_dns_endpoint_up\\{name="www\\.example\\.test",address="127\\.0\\.0\\.1",port="${port}"\\} 1$`,
          "m",
        ),
      );
      assert.match(
        metrics,
        /^healthy_dns_build_info\{version="[^"]+",commit="[0-9a-f]{7,40}(-dirty)?"/m,
      );
      assert.match(metrics, /^process_resident_memory_bytes [1-9]\d*$/m);
      assert.match(metrics, /^process_open_fds [1-9]\d*$/m);
    } finally {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    }
  });
});
