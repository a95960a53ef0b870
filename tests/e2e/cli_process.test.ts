import { describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import {
  freePort,
  runCliProcess,
  spawnCli,
  spawnServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** The A addresses of `name` served on 127.0.0.1:`port`, or null if no answer came. */
async function lookupA(port: number, name: string): Promise<string[] | null> {
  const response = await udpExchange(port, makeQuery(name, "A"));
  if (response === null) return null;
  return (dnsPacket.decode(Buffer.from(response)).answers ?? []).map((a) =>
    String((a as { data: unknown }).data)
  );
}

/** stderr lines, without empty ones. */
const lines = (text: string) => text.split("\n").filter((line) => line.trim() !== "");

describe("the CLI process", () => {
  test("a bad flag exits 2 with one line naming the flag", async () => {
    const { code, stderr, stdout } = await runCliProcess(["--demo", "--log-level", "loud"]);
    assert.equal(code, 2);
    assert.equal(lines(stderr).length, 1, `one line, got:\n${stderr}`);
    assert.match(stderr, /^--log-level\b.*loud/);
    assert.equal(stdout, "");
  });

  test("a listen port in use exits 2 with `--listen ADDR: address already in use`", async () => {
    const port = await freePort();
    const blocker = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => blocker.bind(port, "127.0.0.1", () => resolve()));
    try {
      const { code, stderr } = await runCliProcess(["--demo", "--listen", `127.0.0.1:${port}`]);
      assert.equal(code, 2);
      assert.deepEqual(lines(stderr), [`--listen 127.0.0.1:${port}: address already in use`]);
    } finally {
      blocker.close();
    }
  });

  test("a missing DNSSEC key exits 2 with one line naming --priv-key-path", async () => {
    const port = await freePort();
    const { code, stderr } = await runCliProcess([
      "--demo",
      "--listen",
      `127.0.0.1:${port}`,
      "--priv-key-path",
      "/nonexistent/zone.pem",
      "--priv-key-alg",
      "ED25519",
    ]);
    assert.equal(code, 2);
    assert.equal(lines(stderr).length, 1, `one line, got:\n${stderr}`);
    assert.match(stderr, /^--priv-key-path: \/nonexistent\/zone\.pem: /);
  });

  test("SIGHUP: a bad config file keeps the old zone serving, a good one is served", async () => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-reload-"));
    const file = join(dir, "zone.yaml");
    const port = await freePort();
    const yaml = (address: string) =>
      `zone: reload.test\nname_servers: [ns1.reload.test]\nlisten: ["127.0.0.1:${port}"]\nrecords:\n  www: [${address}]\n`;
    writeFileSync(file, yaml("192.0.2.1"));
    const server = await spawnServer(["--config", file]);
    try {
      assert.deepEqual(await lookupA(port, "www.reload.test"), ["192.0.2.1"]);

      writeFileSync(file, "zone: [unclosed\n");
      server.kill("SIGHUP");
      const failed = await server.waitForLine(/reload failed/);
      assert.match(failed, new RegExp(file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
      assert.deepEqual(
        await lookupA(port, "www.reload.test"),
        ["192.0.2.1"],
        "old zone still served",
      );

      writeFileSync(file, yaml("192.0.2.2"));
      server.kill("SIGHUP");
      await server.waitForLine(/configuration reloaded/);
      assert.deepEqual(await lookupA(port, "www.reload.test"), ["192.0.2.2"]);
    } finally {
      server.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("SIGTERM closes the listeners and exits 0", async () => {
    const port = await freePort();
    const server = await spawnServer(["--demo", "--listen", `127.0.0.1:${port}`]);
    assert.deepEqual(await lookupA(port, "static.example.test"), ["127.0.0.10"]);
    server.kill("SIGTERM");
    assert.equal(await server.exited, 0);
    assert.match(server.stderr(), / level=info msg=stopping signal=SIGTERM/);
  });

  test("SIGINT during a run also exits 0", async () => {
    const port = await freePort();
    const server = await spawnServer(["serve", "--demo", "--listen", `127.0.0.1:${port}`]);
    server.kill("SIGINT");
    assert.equal(await server.exited, 0);
  });

  test("the ready line lists the bound addresses", async () => {
    const port = await freePort();
    const server = await spawnCli(["--demo", "--listen", `127.0.0.1:${port}`]);
    try {
      const ready = await server.waitForLine(/ level=info msg=ready /);
      assert.match(ready, new RegExp(`listen=127\\.0\\.0\\.1:${port}( |$)`));
    } finally {
      server.kill("SIGTERM");
      await server.exited;
    }
  });
});
