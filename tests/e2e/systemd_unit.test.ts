// packaging/healthy-dns.service: systemd accepts it, it asks for the sandbox the
// README promises, and its ExecStart and ExecReload work with the real binary.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary } from "../helpers/binary.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import { freePort, REPO_ROOT, spawnServer } from "../../scripts/bench/harness/server_harness.ts";

const UNIT = join(REPO_ROOT, "packaging", "healthy-dns.service");
const INSTALLED_BINARY = "/usr/local/bin/healthy-dns";
const NO_SYSTEMD = needsTools("systemd-analyze");

/** The [Service] settings of the unit, each key with its values in order (comments and blanks dropped). */
function serviceSettings(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      section = line;
      continue;
    }
    const at = line.indexOf("=");
    if (section !== "[Service]" || at < 0) continue;
    const key = line.slice(0, at);
    settings.set(key, [...(settings.get(key) ?? []), line.slice(at + 1)]);
  }
  return settings;
}

const text = readFileSync(UNIT, "utf8");
const settings = serviceSettings(text);
const one = (key: string) => {
  const values = settings.get(key) ?? [];
  assert.equal(values.length, 1, `${key}= appears ${values.length} times`);
  return values[0];
};

describe("packaging/healthy-dns.service", () => {
  test(
    "systemd-analyze verify accepts it without a warning",
    { skip: NO_SYSTEMD, timeout: 60_000 },
    () => {
      // verify also checks that ExecStart's program exists: point it at the built binary.
      const execStart = `ExecStart=${INSTALLED_BINARY} `;
      assert.ok(text.includes(`\n${execStart}`), `ExecStart runs ${INSTALLED_BINARY}`);
      const dir = mkdtempSync(join(tmpdir(), "healthy-dns-unit-"));
      try {
        const copy = join(dir, "healthy-dns.service");
        writeFileSync(copy, text.replace(`\n${execStart}`, `\nExecStart=${ensureBinary()} `));
        const verify = spawnSync("systemd-analyze", ["verify", copy], { encoding: "utf8" });
        assert.equal(verify.status, 0, verify.stderr);
        // verify exits 0 even for unknown keys or bad values; it only warns.
        assert.equal(`${verify.stdout}${verify.stderr}`, "");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("unprivileged and sandboxed: dynamic user, port-53 capability only, read-only system and config", () => {
    assert.equal(one("DynamicUser"), "yes");
    assert.equal(one("AmbientCapabilities"), "CAP_NET_BIND_SERVICE");
    assert.equal(one("CapabilityBoundingSet"), "CAP_NET_BIND_SERVICE");
    assert.equal(one("NoNewPrivileges"), "yes");
    assert.equal(one("ProtectSystem"), "strict");
    assert.equal(one("ProtectHome"), "yes");
    assert.equal(one("PrivateTmp"), "yes");
    assert.equal(one("ReadOnlyPaths"), "/etc/healthy-dns");
    assert.equal(one("StateDirectory"), "healthy-dns");
    assert.equal(one("Restart"), "on-failure");
    assert.equal(one("ExecReload"), "/bin/kill -HUP $MAINPID");
  });

  test("its ExecStart serves (with --state-dir) and its ExecReload signal reloads", {
    timeout: 60_000,
  }, async () => {
    const [program, ...args] = one("ExecStart").split(" ");
    assert.equal(program, INSTALLED_BINARY);
    assert.deepEqual(args, [
      "serve",
      "--config",
      "/etc/healthy-dns/config.yaml",
      "--state-dir",
      "/var/lib/healthy-dns",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-unit-"));
    const port = await freePort();
    const config = join(dir, "config.yaml");
    writeFileSync(
      config,
      `zone: example.test\nname_servers: [ns1.example.test]\nlisten: ["127.0.0.1:${port}"]\n` +
        "records:\n  www: [192.0.2.1]\n",
    );
    // The same command line, with this test's config file and state directory.
    const local = args.map((arg) =>
      arg === "/etc/healthy-dns/config.yaml" ? config : arg === "/var/lib/healthy-dns" ? dir : arg
    );
    const server = await spawnServer(local, ensureBinary());
    try {
      assert.match(
        server.stderr(),
        new RegExp(` level=info msg="starting healthy-dns .*" config=${config} `),
      );
      server.kill("SIGHUP");
      await server.waitForLine(/ level=info msg="configuration reloaded"/);
    } finally {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
