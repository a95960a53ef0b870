// `healthy-dns health` as a container HEALTHCHECK runs it: a separate process
// with the server's own flags, asking the real server over loopback. Exit 0
// while it serves, 1 once it is gone or when it does not answer for the zone.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { healthTarget } from "../../src/cli/health.ts";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";
import {
  type CliProcess,
  freePort,
  runCliProcess,
  spawnServer,
} from "../../scripts/bench/harness/server_harness.ts";

describe("healthy-dns health", () => {
  let dir: string;
  let config: string;
  let port: number;
  let server: CliProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-health-"));
    port = await freePort();
    config = join(dir, "config.yaml");
    writeFileSync(
      config,
      [
        "zone: example.test",
        "name_servers: [{name: ns1.example.test, addresses: [192.0.2.53]}]",
        `listen: ["127.0.0.1:${port}"]`,
        "records:",
        "  www: [192.0.2.1]",
        "",
      ].join("\n"),
    );
    server = await spawnServer(["--config", config]);
  });

  after(async () => {
    server.kill("SIGKILL");
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  test("exits 0 with one ok line while the server answers", async () => {
    const { code, stdout, stderr } = await runCliProcess(["health", "--config", config]);
    assert.equal(stderr, "");
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(`^ok: 127\\.0\\.0\\.1:${port} answered SOA example\\.test in \\d+ ms\\n$`),
    );
  });

  test("exits 1 naming the RCODE when the server does not serve the zone asked for", async () => {
    const { code, stdout, stderr } = await runCliProcess([
      "health",
      "--config",
      config,
      "--hosted-zone",
      "other.test",
      "--ns",
      '["ns1.example.net"]',
    ]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      `healthy-dns health: 127.0.0.1:${port}: it answered RCODE 5 (SOA other.test)\n`,
    );
  });

  test("exits 1 when nothing answers on the port", async () => {
    // A bound socket that never replies: the query is delivered and dropped.
    const silent = dgram.createSocket("udp4");
    const silentPort = await new Promise<number>((resolve) =>
      silent.bind(0, "127.0.0.1", () => resolve(silent.address().port))
    );
    try {
      const { code, stderr } = await runCliProcess([
        "health",
        "--config",
        config,
        "--listen",
        `127.0.0.1:${silentPort}`,
      ]);
      assert.equal(code, 1);
      assert.equal(
        stderr,
        `healthy-dns health: 127.0.0.1:${silentPort}: no answer within 2 s (SOA example.test)\n`,
      );
    } finally {
      silent.close();
    }
  });

  test("exits 2 with the config error line when the config is bad", async () => {
    const { code, stderr } = await runCliProcess(["health", "--config", join(dir, "missing.yaml")]);
    assert.equal(code, 2);
    assert.match(stderr, /^--config: cannot read .*missing\.yaml/);
  });

  test("asks a wildcard listener on IPv4 loopback, a specific address on itself", () => {
    const at = (hostname: string) =>
      healthTarget(baseConfig({ listen: [{ hostname, port: 53 }, { hostname: "::1", port: 54 }] }));
    assert.deepEqual(at("::"), { hostname: "127.0.0.1", port: 53 });
    assert.deepEqual(at("0.0.0.0"), { hostname: "127.0.0.1", port: 53 });
    assert.deepEqual(at("192.0.2.53"), { hostname: "192.0.2.53", port: 53 });
    assert.deepEqual(at("::1"), { hostname: "::1", port: 53 });
  });
});
