#!/usr/bin/env node
// `npm test`: the whole suite, on both runtimes.
//   0. makes sure the Debian tools the tests drive are there (scripts/debian_tools.mjs):
//      as root with apt-get it installs the missing ones, otherwise it stops with one
//      line naming them and the command that installs them;
//   1. installs the npm dependencies when node_modules is missing;
//   2. builds dist/healthy-dns once (scripts/build.mjs) for the binary smoke test
//      (HEALTHY_DNS_REBUILD=0 reuses an existing binary);
//   3. runs `deno test -A tests/` and then `bun test tests/`, streaming their output;
//   4. prints `N passed, N failed, N skipped` summed over both runners, alone on the
//      last line (CI reads it), and exits non-zero if either runner failed.
// The release files are not built here (`npm run release` is slower and downloads
// each target's runtime); tests/e2e/release_*.test.ts check them when dist/release
// exists, and .ci/run builds it first and sets HEALTHY_DNS_RELEASE_TESTS=1.
// Arguments narrow the run to some test paths: `npm test -- tests/server`.
// Node.js built-ins only.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDebianTools } from "./debian_tools.mjs";
import { bin, installDependencies, root } from "./project.mjs";
/** Per-runner ceiling, so a hung test cannot hang CI (90 minutes in all); a loaded 2-core machine runs one runner in 10–15 minutes. */
const RUNNER_TIMEOUT_MS = 25 * 60_000;
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["tests/"];

ensureDebianTools("test", ["test"]);
installDependencies("test");

if (!existsSync(join(root, "dist", "healthy-dns")) || process.env.HEALTHY_DNS_REBUILD !== "0") {
  const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (build.status !== 0) console.error("test: the build failed; the binary smoke test will fail");
}

/** Runs one test runner, echoing its output as it comes; resolves with its exit code and output. */
function runRunner(label, command, args) {
  console.log(`\n=== ${label}: ${[command.replace(`${root}/`, ""), ...args].join(" ")}\n`);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let text = "";
    const collect = (stream, sink) =>
      stream.on("data", (chunk) => {
        sink.write(chunk);
        text += chunk.toString("utf8");
      });
    collect(child.stdout, process.stdout);
    collect(child.stderr, process.stderr);
    const timer = setTimeout(() => {
      console.error(`test: ${label} exceeded ${RUNNER_TIMEOUT_MS / 60_000} minutes; stopping it`);
      child.kill("SIGKILL");
    }, RUNNER_TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), text });
    });
  });
}

/**
 * Deno counts a `describe` as a test and its `test`s as steps; its JUnit report
 * lists both, so count the leaves (cases no other case is nested under), as Bun does.
 */
function denoCounts(junitPath) {
  if (!existsSync(junitPath)) return null;
  const xml = readFileSync(junitPath, "utf8");
  const cases = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)]
    .map((m) => ({
      name: m[1],
      failed: /<failure|<error/.test(m[3] ?? ""),
      skipped: /<skipped/.test(m[3] ?? ""),
    }));
  const names = cases.map((c) => c.name);
  const leaves = cases.filter((c) => !names.some((other) => other.startsWith(`${c.name} &gt; `)));
  const failed = leaves.filter((c) => c.failed).length;
  const skipped = leaves.filter((c) => c.skipped).length;
  return { passed: leaves.length - failed - skipped, failed, skipped };
}

/** Bun's summary lines: ` N pass`, ` N skip`, ` N fail` (the last two only when non-zero). */
function bunCounts(text) {
  const count = (word) => text.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m"));
  const passed = count("pass");
  if (passed === null) return null;
  const number = (match) => (match === null ? 0 : Number(match[1]));
  return { passed: Number(passed[1]), failed: number(count("fail")), skipped: number(count("skip")) };
}

const scratch = mkdtempSync(join(tmpdir(), "healthy-dns-test-"));
const junit = join(scratch, "deno.xml");
const deno = await runRunner("deno", bin("deno"), [
  "test",
  "-A",
  `--junit-path=${junit}`,
  ...paths,
]);
const bun = await runRunner("bun", bin("bun"), ["test", ...paths]);
const counts = [
  { label: "deno", run: deno, counts: denoCounts(junit) },
  { label: "bun", run: bun, counts: bunCounts(bun.text) },
];
rmSync(scratch, { recursive: true, force: true });

let passed = 0;
let failed = 0;
let skipped = 0;
console.log("");
for (const { label, run, counts: c } of counts) {
  // A runner that failed before reporting (type errors, crash) counts as one failure.
  const f = c === null ? (run.code === 0 ? 0 : 1) : Math.max(c.failed, run.code === 0 ? 0 : 1);
  const p = c?.passed ?? 0;
  const s = c?.skipped ?? 0;
  passed += p;
  failed += f;
  skipped += s;
  console.log(
    `${label}: ${p} passed, ${f} failed, ${s} skipped${run.code === 0 ? "" : ` (exit ${run.code})`}`,
  );
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(deno.code === 0 && bun.code === 0 ? 0 : 1);
