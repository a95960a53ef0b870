// Operator overrides (docs/operations.md): over real sockets, an override in
// <state_dir>/overrides.yaml drains a healthy address within one second,
// forces up an address whose probe fails, ends at its `until`, survives a
// restart, and a malformed file is refused: after start-up it keeps the
// previous overrides and logs one line; at start-up it stops the server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import { ConfigError } from "../../src/config/config.ts";
import { OVERRIDES_MAX_BYTES, OVERRIDES_MAX_ENTRIES } from "../../src/config/overrides.ts";
import {
  freePort,
  runCliProcess,
  startTestServer,
  type TestServer,
} from "../../scripts/bench/harness/server_harness.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** Generous: the machine may be loaded; the one-second bound is asserted separately. */
const DEADLINE_MS = 10_000;

describe("operator overrides over real sockets", () => {
  let dir: string;
  let stateDir: string;
  let configPath: string;
  let backends: TcpBackend[];
  let s: TestServer | undefined;

  /** Writes the override file atomically (as `healthy-dns override` does). */
  const writeOverrides = (text: string) => {
    const temporary = join(stateDir, "overrides.yaml.tmp");
    writeFileSync(temporary, text);
    renameSync(temporary, join(stateDir, "overrides.yaml"));
  };
  /** The sorted addresses `name` answers with right now (A and AAAA). */
  const served = async (name: string): Promise<string[]> => {
    const response = await s!.query(makeQuery(`${name}.example.test`, "A"), "udp");
    assert.ok(response !== null, `${name}: a response`);
    return (dnsPacket.decode(Buffer.from(response)).answers ?? [])
      .map((record) => String((record as { data: unknown }).data)).sort();
  };
  const logged = (pattern: RegExp) => s!.logs.filter((line) => pattern.test(line));
  const start = () => startTestServer({ args: ["--config", configPath] });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-overrides-"));
    stateDir = join(dir, "state");
    configPath = join(dir, "zone.yaml");
    // www: two healthy backends on one port; api: nothing listens on its health port.
    const first = await openTcpBackend("127.0.0.1");
    backends = [first, await openTcpBackend("127.0.0.2", first.port)];
    writeFileSync(
      configPath,
      [
        "zone: example.test",
        "name_servers: [ns1.elsewhere.test]",
        "state_dir: state",
        "health: {interval: 1s, timeout: 500ms}",
        "records:",
        `  www: {addresses: [127.0.0.1, 127.0.0.2], health_port: ${first.port}}`,
        `  api: {addresses: [127.0.0.3], health_port: ${await freePort()}}`,
        "  static: [127.0.0.10, 127.0.0.11]",
        "",
      ].join("\n"),
    );
    mkdirSync(stateDir);
    s = await start();
  });
  after(async () => {
    await s?.stop();
    for (const backend of backends ?? []) await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("no file: nothing overridden", async () => {
    assert.deepEqual(await served("www"), ["127.0.0.1", "127.0.0.2"]);
    assert.deepEqual(await served("api"), []);
    assert.deepEqual(s!.server.overrides, []);
  });

  test("down drains a healthy address within one second, logged and counted", async () => {
    const startedAt = performance.now();
    writeOverrides("- {address: 127.0.0.2, state: down, reason: disk swap}\n");
    await waitFor(
      "www to lose 127.0.0.2",
      async () => (await served("www")).join() === "127.0.0.1",
      DEADLINE_MS,
    );
    const elapsed = performance.now() - startedAt;
    assert.ok(elapsed < 1000, `drained after ${Math.round(elapsed)} ms`);
    assert.equal(logged(/msg="override set" .*address=127\.0\.0\.2 .*state=down/).length, 1);
    assert.match(s!.server.metrics.render(), /^healthy_dns_overrides\{state="down"\} 1$/m);
    assert.equal(s!.server.overrides[0].reason, "disk swap");
  });

  test("a malformed file keeps the previous overrides and logs one line", async () => {
    // An entry that expires a few seconds after the bad file is in place: its
    // "override expired" line can only come from a later poll, which would
    // have repeated the rejection had it been going to.
    const until = new Date(Date.now() + 3_000).toISOString();
    writeOverrides(
      "- {address: 127.0.0.2, state: down, reason: disk swap}\n" +
        `- {address: 127.0.0.1, state: up, until: "${until}"}\n`,
    );
    await waitFor("the up override", () => s!.server.overrides.length === 2, DEADLINE_MS);
    writeOverrides("- {address: 127.0.0.2, state: drain}\n");
    await waitFor("the rejection", () => logged(/override file rejected/).length > 0, DEADLINE_MS);
    assert.ok(
      s!.server.overrides.some((o) => o.state === "up"),
      "the up override still applies after the rejection (else this machine is too slow to tell a later poll)",
    );
    await waitFor(
      "a later poll to expire the up override",
      () => logged(/msg="override expired" .*address=127\.0\.0\.1 /).length > 0,
      DEADLINE_MS,
    );
    assert.equal(logged(/override file rejected/).length, 1);
    assert.match(
      logged(/override file rejected/)[0],
      /\[0\]\.state \(in .*overrides\.yaml\): \\?"drain\\?" is not one of down, up/,
    );
    assert.deepEqual(await served("www"), ["127.0.0.1"]);
    assert.match(
      s!.server.metrics.render(),
      /^healthy_dns_override_file_loads_total\{outcome="failed"\} 1$/m,
    );
  });

  test("a malformed file stops a restart with exit 2 and one line", async () => {
    const { code, stderr } = await runCliProcess([
      "--config",
      configPath,
      "--listen",
      "127.0.0.1:" + await freePort(),
    ]);
    assert.equal(code, 2);
    // The start-up line may come first; then the error alone, one line, no stack trace.
    const lines = stderr.trim().split("\n");
    assert.equal(
      lines.at(-1),
      `[0].state (in ${join(stateDir, "overrides.yaml")}): "drain" is not one of down, up`,
    );
    assert.ok(lines.slice(0, -1).every((line) => / level=info msg="starting /.test(line)), stderr);
  });

  test("survives a restart: the drain applies from the first answer", async () => {
    writeOverrides("- {address: 127.0.0.2, state: down, name: www}\n");
    await s!.stop();
    s = undefined;
    s = await start();
    assert.deepEqual(await served("www"), ["127.0.0.1"]);
    assert.equal(s.server.overrides.length, 1);
  });

  test("up serves an address whose probe fails; a name-limited one leaves other names alone", async () => {
    writeOverrides(
      [
        "- {address: 127.0.0.3, state: up}",
        "- {address: 127.0.0.10, state: down, name: static}",
        "- {address: 127.0.0.2, state: down, name: api}",
        "",
      ].join("\n"),
    );
    await waitFor("api forced up", async () => (await served("api")).length === 1, DEADLINE_MS);
    assert.deepEqual(await served("api"), ["127.0.0.3"]);
    assert.deepEqual(await served("static"), ["127.0.0.11"]);
    assert.deepEqual(await served("www"), ["127.0.0.1", "127.0.0.2"]);
    assert.equal(
      logged(/msg="override matches no configured address" .*address=127\.0\.0\.2/).length,
      1,
    );
  });

  test("an override ends at its until; deleting the file ends them all", async () => {
    const until = new Date(Date.now() + 1500).toISOString();
    writeOverrides(`- {address: 127.0.0.1, state: down, until: "${until}"}\n`);
    await waitFor(
      "the drain",
      async () => (await served("www")).join() === "127.0.0.2",
      DEADLINE_MS,
    );
    await waitFor("the expiry", async () => (await served("www")).length === 2, DEADLINE_MS);
    assert.ok(Date.now() >= Date.parse(until), "not before its until");
    assert.equal(logged(/msg="override expired" .*address=127\.0\.0\.1/).length, 1);
    writeOverrides("- {address: 127.0.0.3, state: up}\n");
    await waitFor("api forced up", async () => (await served("api")).length === 1, DEADLINE_MS);
    rmSync(join(stateDir, "overrides.yaml"));
    await waitFor("api down again", async () => (await served("api")).length === 0, DEADLINE_MS);
    assert.deepEqual(s!.server.overrides, []);
  });

  test("healthy-dns override down / clear (the CLI process) drain and restore", async () => {
    const down = await runCliProcess(["override", "down", "127.0.0.1", "--config", configPath]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout, "127.0.0.1  down  every name  no end\n");
    await waitFor(
      "the drain",
      async () => (await served("www")).join() === "127.0.0.2",
      DEADLINE_MS,
    );
    const clear = await runCliProcess(["override", "clear", "--all", "--config", configPath]);
    assert.equal(clear.code, 0, clear.stderr);
    await waitFor("the undrain", async () => (await served("www")).length === 2, DEADLINE_MS);
  });

  test("start-up refuses a malformed file in-process too (ConfigError)", async () => {
    writeOverrides("- address: nowhere\n  state: down\n");
    await s!.stop();
    s = undefined;
    await assert.rejects(start(), (error) => error instanceof ConfigError);
  });
});

describe("state files under attack (issue 21)", () => {
  let stateDir: string;
  let secret: string;
  const SECRET_TEXT = "root:*:20228:0:99999:7:::\n";
  before(() => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-state-files-"));
    stateDir = join(dir, "state");
    mkdirSync(stateDir);
    secret = join(dir, "shadow");
    writeFileSync(secret, SECRET_TEXT);
  });
  after(() => rmSync(join(stateDir, ".."), { recursive: true, force: true }));
  const start = () => startTestServer({ args: ["--demo", "--state-dir", stateDir] });

  test("overrides.yaml as a symbolic link stops start-up naming the path, never the target's text", async () => {
    const path = join(stateDir, "overrides.yaml");
    symlinkSync(secret, path);
    try {
      await assert.rejects(start(), (error) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(
          error.message,
          new RegExp(`^${path}: is a symbolic link; state files are never followed`),
        );
        assert.ok(!error.message.includes("root:"), error.message);
        return true;
      });
    } finally {
      rmSync(path);
    }
  });

  test("a serial file that is a symbolic link: a warning naming it, the target neither shown nor written", async () => {
    const path = join(stateDir, "serial");
    symlinkSync(secret, path);
    const s = await start();
    try {
      const warnings = s.logs.filter((line) => line.includes(path));
      assert.equal(warnings.length, 1, warnings.join("\n"));
      assert.match(warnings[0], /symbolic link/);
      assert.ok(!s.logs.some((line) => line.includes("root:")), "no line quotes the target");
      assert.equal(readFileSync(secret, "utf8"), SECRET_TEXT, "the target is not overwritten");
      assert.equal(Number(readFileSync(path, "utf8")), s.server.serial, "the link was replaced");
    } finally {
      await s.stop();
    }
  });

  test("above the size or entry cap: refused with one line, the previous overrides serve on", {
    timeout: 60_000,
  }, async () => {
    const path = join(stateDir, "overrides.yaml");
    const swapIn = (text: string) => {
      writeFileSync(`${path}.tmp`, text);
      renameSync(`${path}.tmp`, path);
    };
    swapIn("- {address: 127.0.0.1, state: down, reason: before}\n");
    const s = await start();
    try {
      assert.equal(s.server.overrides.length, 1);
      const rejected = () => s.logs.filter((line) => line.includes("override file rejected"));
      // 1 MiB and one byte: refused unread.
      swapIn(`# ${"x".repeat(OVERRIDES_MAX_BYTES)}\n- {address: 127.0.0.2, state: down}\n`);
      await waitFor("the oversized file's rejection", () => rejected().length === 1, DEADLINE_MS);
      assert.match(
        rejected()[0],
        new RegExp(
          `is ${OVERRIDES_MAX_BYTES + 39} bytes, above the limit of ${OVERRIDES_MAX_BYTES}`,
        ),
      );
      // Under the size cap but one entry too many.
      const entries = Array.from(
        { length: OVERRIDES_MAX_ENTRIES + 1 },
        (_, i) => `- {address: 10.${i >> 16}.${(i >> 8) & 255}.${i & 255}, state: down}\n`,
      );
      swapIn(entries.join(""));
      await waitFor("the overlong file's rejection", () => rejected().length === 2, DEADLINE_MS);
      assert.match(
        rejected()[1],
        new RegExp(
          `holds ${
            OVERRIDES_MAX_ENTRIES + 1
          } overrides, above the limit of ${OVERRIDES_MAX_ENTRIES}`,
        ),
      );
      assert.deepEqual(s.server.overrides.map((o) => o.reason), ["before"]);
      // At the cap: taken.
      swapIn(entries.slice(1).join(""));
      await waitFor(
        "the file at the cap",
        () => s.server.overrides.length === OVERRIDES_MAX_ENTRIES,
        DEADLINE_MS,
      );
    } finally {
      await s.stop();
      rmSync(path, { force: true });
    }
  });
});
