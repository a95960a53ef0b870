// The README's test command does its own set-up: the Debian tools the tests drive
// (scripts/debian_tools.mjs) are installed when it may (root, apt-get), and
// otherwise it stops before running anything, naming what is missing.
// Both cases are run with PATH trimmed to a scratch directory, so that `xmllint`
// is missing and `apt-get` is a fake that records what it is asked.
// Its closing line counts skips, and under CI=true a missing prerequisite
// (scripts/bench/harness/prerequisite.ts) is a failure that names it.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEBIAN_TOOLS } from "../../scripts/debian_tools.mjs";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

const NODE = spawnSync("node", ["-p", "process.execPath"], { encoding: "utf8" }).stdout.trim();
const isRoot = process.getuid?.() === 0;

/** Links node and every tool the tests run by name except xmllint into `dir`, from the real PATH. */
function linkTools(dir: string): void {
  symlinkSync(NODE, join(dir, "node"));
  const byName = DEBIAN_TOOLS.filter((t) => t.uses.includes("test") && !t.command.includes("/"));
  for (const name of new Set(byName.map((t) => t.command).filter((c) => c !== "xmllint"))) {
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

describe("npm test's closing line and a missing prerequisite", () => {
  let dir: string;
  let fixture: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-prerequisite-"));
    fixture = join(dir, "needs_tool.test.ts");
    writeFileSync(
      fixture,
      [
        'import { describe, test } from "node:test";',
        `import { needsTools } from "${join(REPO_ROOT, "scripts", "bench", "harness", "prerequisite.ts")}";`,
        'const skip = needsTools("healthy-dns-no-such-tool");',
        'describe("needs the tool", { skip }, () => test("uses it", () => {}));',
        'test("needs nothing", () => {});',
        "",
      ].join("\n"),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * `npm test FIXTURE` with CI set as given (set, not removed: Deno's child processes
   * inherit what an env object leaves out); its exit code and the lines it printed.
   */
  function npmTest(ci: "true" | "false") {
    const env = { ...process.env, HEALTHY_DNS_REBUILD: "0", CI: ci };
    const run = spawnSync(NODE, [join(REPO_ROOT, "scripts", "test.mjs"), fixture], {
      cwd: REPO_ROOT,
      env,
      encoding: "utf8",
      timeout: 240_000,
    });
    return {
      status: run.status,
      output: run.stdout + run.stderr,
      last: run.stdout.trimEnd().split("\n").at(-1),
    };
  }

  test(
    "outside CI a missing tool is a skip, counted on the closing line",
    { timeout: 300_000 },
    () => {
      const { status, output, last } = npmTest("false");
      assert.equal(status, 0, output);
      // Deno: the prerequisite's own test and the describe skipped, one pass; Bun does not
      // count a skipped describe.
      assert.match(output, /^deno: 1 passed, 0 failed, 2 skipped$/m);
      assert.match(output, /^bun: 1 passed, 0 failed, 1 skipped$/m);
      assert.equal(last, "2 passed, 0 failed, 3 skipped");
    },
  );

  test("under CI=true a missing tool fails, naming it", { timeout: 300_000 }, () => {
    const { status, output, last } = npmTest("true");
    assert.equal(status, 1, output);
    assert.match(output, /prerequisite: not installed: healthy-dns-no-such-tool/);
    assert.match(output, /^deno: 1 passed, 1 failed, 1 skipped \(exit 1\)$/m);
    assert.match(output, /^bun: 1 passed, 1 failed, 0 skipped \(exit 1\)$/m);
    assert.equal(last, "2 passed, 2 failed, 1 skipped");
  });
});
