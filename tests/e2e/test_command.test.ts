// The README's test command does its own set-up: the Debian tools the tests drive
// (scripts/debian_tools.mjs) are installed when it may (root, apt-get), and
// otherwise it stops before running anything, naming what is missing.
// Both cases are run with PATH trimmed to a scratch directory, so that `xmllint`
// is missing and `apt-get` is a fake that records what it is asked.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../helpers/server_harness.ts";

const NODE = spawnSync("node", ["-p", "process.execPath"], { encoding: "utf8" }).stdout.trim();
const isRoot = process.getuid?.() === 0;

/** Links every tool run by name except xmllint (and node) into `dir`, found on the real PATH. */
function linkTools(dir: string): void {
  symlinkSync(NODE, join(dir, "node"));
  for (const name of ["dig", "kdig", "systemd-analyze", "perl"]) {
    const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).stdout.trim();
    if (found !== "") symlinkSync(found, join(dir, name));
  }
}

/** Runs `node scripts/SCRIPT ARGS` with only `dir` on PATH. */
function runTrimmed(dir: string, script: string, args: string[]) {
  return spawnSync(NODE, [join(REPO_ROOT, "scripts", script), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: dir, HOME: dir },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("npm test's set-up of the Debian tools", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-test-command-"));
    linkTools(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("without apt-get it stops before running anything, naming the package and the command", () => {
    const run = runTrimmed(dir, "test.mjs", ["tests/no-such-path"]);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.equal(run.stdout, "", "nothing ran");
    const lines = run.stderr.trim().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^test: missing xmllint \(Debian libxml2-utils\); install with: /);
    assert.match(lines[0], /apt-get install -y --no-install-recommends libxml2-utils$/);
  });

  test(
    "as root with apt-get it installs the missing package (update once, then install) and says so in one line",
    {
      skip: isRoot ? false : "installing needs root",
    },
    () => {
      const log = join(dir, "apt-get.log");
      writeFileSync(
        join(dir, "apt-get"),
        [
          "#!/bin/sh",
          `echo "$*" >> "${log}"`,
          `if [ "$1" = install ]; then printf '#!/bin/sh\\n' > "${dir}/xmllint"; /bin/chmod +x "${dir}/xmllint"; fi`,
          "",
        ].join("\n"),
      );
      chmodSync(join(dir, "apt-get"), 0o755);
      const run = runTrimmed(dir, "debian_tools.mjs", ["test"]);
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.equal(
        run.stdout,
        "debian_tools: installing libxml2-utils with apt-get (for xmllint)\n",
      );
      assert.deepEqual(readFileSync(log, "utf8").trim().split("\n"), [
        "update",
        "install -y --no-install-recommends libxml2-utils",
      ]);
    },
  );
});
