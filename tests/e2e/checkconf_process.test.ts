// `healthy-dns checkconf` as a process: its exit codes (0 ok, 2 error, 1
// warnings under --strict), that it neither binds the listen address nor
// probes, and that `serve` logs the same warnings at start-up.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCliProcess, startTestServer } from "../../scripts/bench/harness/server_harness.ts";

const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

describe("healthy-dns checkconf (process)", () => {
  let dir: string;
  let busy: dgram.Socket;
  let backend: net.Server;
  let probes = 0;
  let busyPort: number;
  let backendPort: number;
  const config = (name: string, extra: string[] = []) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        "zone: example.test",
        "name_servers: [ns1.elsewhere.net]",
        `listen: ["127.0.0.1:${busyPort}"]`,
        "health: {interval: 5s, timeout: 1s}",
        "records:",
        `  www: {addresses: [127.0.0.1], health_port: ${backendPort}}`,
        ...extra,
        "",
      ].join("\n"),
    );
    return path;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-checkconf-"));
    // The listen address is taken: serve would fail to bind, checkconf must not try.
    busy = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => busy.bind(0, "127.0.0.1", () => resolve()));
    busyPort = busy.address().port;
    // The health port accepts and counts: checkconf must not probe it.
    backend = net.createServer((socket) => {
      probes++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", () => resolve()));
    backendPort = (backend.address() as net.AddressInfo).port;
  });
  after(async () => {
    busy.close();
    await new Promise((resolve) => backend.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  test("valid: prints ok, exits 0, binds nothing and probes nothing", async () => {
    const result = await runCliProcess(["checkconf", "--config", config("ok.yaml")]);
    assert.deepEqual(result, { code: 0, stdout: "ok\n", stderr: "" });
    assert.equal(probes, 0);
  });

  test("an error: exit 2 with the error line", async () => {
    const path = config("bad.yaml", ["  api: [300.1.1.1]"]);
    const result = await runCliProcess(["checkconf", "--config", path]);
    assert.equal(result.code, 2);
    assert.deepEqual(lines(result.stdout), [
      `error: records.api[0] (in ${path}): "300.1.1.1" is not an IP address`,
    ]);
  });

  test("a warning: exit 0, and 1 with --strict", async () => {
    const path = config("warn.yaml", ["  www.other.org: [192.0.2.3]"]);
    const plain = await runCliProcess(["checkconf", "--config", path]);
    assert.equal(plain.code, 0);
    assert.equal(lines(plain.stdout).length, 1);
    assert.match(plain.stdout, /^warning: records \(--zone-resolutions\): "www\.other\.org"/);
    const strict = await runCliProcess(["checkconf", "--strict", "--config", path]);
    assert.equal(strict.code, 1);
    assert.equal(strict.stdout, plain.stdout);
  });

  test("serve logs the same warnings at start-up", async () => {
    const s = await startTestServer({
      args: ["--config", config("serve.yaml", ["  www.other.org: [192.0.2.3]"])],
    });
    try {
      const warnings = s.logs.filter((line) => line.includes("www.other.org.example.test"));
      assert.equal(warnings.length, 1, s.logs.join("\n"));
      assert.match(warnings[0], /warning/);
    } finally {
      await s.stop();
    }
  });
});
