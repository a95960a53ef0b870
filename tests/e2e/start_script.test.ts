// `npm start` (scripts/start.mjs) as the README shows it: the lines it prints
// once ready are the README's, each answers what its comment says (asked with
// dig), and the demo starts without a warning about its own config. Run on
// the current runtime, on a free port (`npm start -- --port N`).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { endProcess } from "../../scripts/bench/harness/end_process.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import { freePort, REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const README_PORT = "53053";
const INTRO = "Once `npm start` logs its `ready` line it prints what to try";

/** The README's example lines (the sh block after INTRO), spaces collapsed. */
function readmeExamples(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const block = readme.slice(readme.indexOf(INTRO)).match(/```sh\n([\s\S]*?)```/);
  assert.ok(readme.includes(INTRO) && block !== null, `README.md: no sh block after "${INTRO}"`);
  return block[1].trim().split("\n").map((line) => line.replace(/\s+/g, " "));
}

/** One `dig` line: its arguments and the answer its comment promises (addresses, or NODATA). */
function parseExample(line: string): { args: string[]; expected: string } {
  const match = line.match(/^dig (.*?) # (NODATA|[0-9a-f.:]+?): /);
  assert.ok(match !== null, `not "dig ARGS # ANSWER: why": ${line}`);
  return { args: match[1].split(" "), expected: match[2] };
}

/** dig's status and answer data for `args` (a short timeout: the server is local). */
function ask(args: string[]): { status: string; data: string[] } {
  const run = spawnSync("dig", [
    ...args,
    "+norecurse",
    "+time=1",
    "+tries=1",
    "+noall",
    "+comments",
    "+answer",
  ], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const status = run.stdout.match(/status: (\w+)/)?.[1] ?? `no answer (${run.stderr.trim()})`;
  const data = run.stdout.split("\n").filter((l) => /^[^;\s]/.test(l)).map((l) =>
    l.split(/\s+/).at(-1)!
  );
  return { status, data };
}

describe("npm start as the README shows it", { skip: needsTools("dig") }, () => {
  let child: ChildProcess;
  let exited: Promise<void>;
  let done = false;
  let stdout = "";
  let stderr = "";
  let port = "";

  before(async () => {
    port = String(await freePort());
    const runtime = await currentRuntime();
    child = spawn("node", [
      join(REPO_ROOT, "scripts", "start.mjs"),
      "--port",
      port,
    ], {
      cwd: REPO_ROOT,
      env: { ...process.env, HEALTHY_DNS_RUNTIME: runtime.name },
      stdio: ["ignore", "pipe", "pipe"],
    });
    exited = new Promise((resolve) =>
      child.on("close", () => {
        done = true;
        resolve();
      })
    );
    child.stdout!.on("data", (chunk) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk) => (stderr += chunk.toString()));
    await waitFor("npm start's examples", () => done || /^\s*dig .*\+tcp/m.test(stdout), 60_000);
  });

  after(() => endProcess(child, exited, () => done));

  test("prints the README's examples, on the port it serves", () => {
    const printed = stdout.split("\n").filter((l) => l.trim().startsWith("dig ")).map((l) =>
      l.trim().replace(/\s+/g, " ")
    );
    assert.ok(printed.every((l) => l.includes(`-p ${port} `)), stdout);
    assert.deepEqual(
      printed.map((l) => l.replace(`-p ${port} `, `-p ${README_PORT} `)),
      readmeExamples(),
    );
  });

  test("each example answers what the README says", { timeout: 60_000 }, async () => {
    for (const line of readmeExamples()) {
      const { args, expected } = parseExample(line.replace(`-p ${README_PORT} `, `-p ${port} `));
      const want = expected === "NODATA" ? [] : [expected];
      let last = { status: "", data: [] as string[] };
      // The first health round decides www: wait for it rather than assume it is done.
      await waitFor(`${line} → ${expected}`, () => {
        last = ask(args);
        return last.status === "NOERROR" && JSON.stringify(last.data) === JSON.stringify(want);
      }, 20_000).catch((error) => {
        throw new Error(`${line}: got ${last.status} ${JSON.stringify(last.data)} (${error})`);
      });
    }
  });

  test("the demo starts without a warning about its own config", () => {
    // api's backends are down by design: its health changes are the only warnings.
    const warnings = stderr.split("\n").filter((l) =>
      /level=(warning|error)/.test(l) && !l.includes('msg="health state changed" names=api ')
    );
    assert.deepEqual(warnings, []);
  });
});
