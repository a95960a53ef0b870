import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runCliProcess } from "../../scripts/bench/harness/server_harness.ts";

import pkg from "../../package.json" with { type: "json" };

describe("healthy-dns command line (main.ts)", () => {
  test("--version from source: the package version, no commit, the runtime and platform", async () => {
    const { code, stdout } = await runCliProcess(["--version"]);
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(
        `^healthy-dns ${
          pkg.version.replaceAll(".", "\\.")
        } \\(from source, (deno|bun) \\d+\\.\\d+\\.\\d+, (linux|darwin|windows)-(x64|arm64)\\)\n$`,
      ),
    );
  });

  test("--help prints the usage on stdout and exits 0", async () => {
    const { code, stdout, stderr } = await runCliProcess(["--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /^healthy-dns: /);
    assert.match(stdout, /healthy-dns \[serve\] \[FLAGS\]/);
    assert.equal(stderr, "");
  });

  test("help works after a subcommand too", async () => {
    const { code, stdout } = await runCliProcess(["serve", "--help"]);
    assert.equal(code, 0);
    assert.match(stdout, /Usage:/);
  });

  test("COMMAND --help shows that command's flags and defaults", async () => {
    const keygen = await runCliProcess(["keygen", "--help"]);
    assert.equal(keygen.code, 0);
    assert.match(keygen.stdout, /^Usage: healthy-dns keygen /);
    assert.match(
      keygen.stdout,
      /--algorithm ALG .*\n.*\(default: ECDSAP256SHA256, the recommended one\)/,
    );
    assert.doesNotMatch(keygen.stdout, /--zone-resolutions/);
    const check = await runCliProcess(["check", "--help"]);
    assert.equal(check.code, 0);
    assert.match(check.stdout, /^Usage: healthy-dns check \[FLAGS\] \[CHECK FLAGS\]/);
    assert.match(check.stdout, /--wait T +probe in rounds until every name passes/);
    assert.match(check.stdout, /--test-timeout T +connect timeout of each probe \(default: 2s\)/);
  });

  test("an unknown subcommand exits 2 with one line", async () => {
    const { code, stderr } = await runCliProcess(["frobnicate"]);
    assert.equal(code, 2);
    assert.equal(
      stderr.trim(),
      `"frobnicate": unknown command; expected serve, check, checkconf, override, keygen, tsig-keygen, ds or health (see --help)`,
    );
  });

  test("a config error exits 2 with the message alone, no stack trace", async () => {
    const { code, stderr } = await runCliProcess(["serve", "--hosted-zone", "example.test"]);
    assert.equal(code, 2);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(lines[0], /^--\S+/);
    assert.doesNotMatch(stderr, /\bat \S+:\d+/);
  });

  test("check --json dispatches to the check command (demo: api has no healthy address → exit 1)", async () => {
    const { code, stdout } = await runCliProcess(["check", "--demo", "--json"]);
    assert.equal(code, 1);
    const report = JSON.parse(stdout);
    assert.equal(report.ok, false);
    assert.ok(
      report.names.some((name: { name: string; ok: boolean }) =>
        name.name.startsWith("api") && !name.ok
      ),
    );
  });

  test("keygen dispatches (refuses a missing --out with exit 2)", async () => {
    const { code, stderr, stdout } = await runCliProcess(["keygen"]);
    assert.equal(code, 2);
    assert.match(stderr + stdout, /--out/);
  });
});
