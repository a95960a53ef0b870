import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCheckFlags, runCheck } from "../../src/cli/check.ts";
import { runCli } from "../../src/cli/main_cli.ts";
import { type Config, ConfigError } from "../../src/config/config.ts";
import { buildInfo } from "../../src/observe/build_info.ts";
import { type Dialer, type DialResult, systemClock } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { dialersUnderTest } from "../helpers/dialers.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";
import { openProbeTargets, type ProbeTargets } from "../helpers/probe_targets.ts";
import { openLateBackend } from "../helpers/late_backend.ts";
import { openTcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";
import { parseXml } from "../helpers/xmllint.ts";
import pkg from "../../package.json" with { type: "json" };

const dialers = await dialersUnderTest();
const runtime = await currentRuntime();

/** What one `runCheck` printed and returned. */
interface Outcome {
  readonly code: number;
  /** stdout lines. */
  readonly lines: string[];
  /** stderr progress, as written. */
  readonly progress: string;
  /** Milliseconds the check took. */
  readonly ms: number;
}

/** Runs `healthy-dns check FLAGS` on `config` in this process (progress to a non-terminal). */
async function check(
  config: Config,
  flags: readonly string[],
  dial: Dialer,
): Promise<Outcome> {
  const lines: string[] = [];
  let progress = "";
  const startedAt = performance.now();
  const code = await runCheck(config, readCheckFlags(flags).options, {
    dial,
    clock: systemClock,
    out: (line) => lines.push(line),
    progress: { live: false, write: (text) => (progress += text) },
    replaceFile: runtime.replaceFile,
    build: buildInfo(runtime),
  });
  return { code, lines, progress, ms: performance.now() - startedAt };
}

describe("healthy-dns check", () => {
  let targets: ProbeTargets;
  let scratch: string;
  before(async () => {
    targets = await openProbeTargets();
    scratch = mkdtempSync(join(tmpdir(), "healthy-dns-check-"));
  });
  after(async () => {
    await targets.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** www: one up, one refused; v6: up; static: never probed. */
  const partlyUp = () =>
    healthConfig(
      [
        { name: "www", addresses: ["127.0.0.2", "127.0.0.3"], port: targets.v4.port },
        { name: "v6", addresses: ["::1"], port: targets.v6.port },
      ],
      { timeoutMs: 300 },
      [{ name: "static", addresses: ["192.0.2.7"], check: null, whenAllDown: { kind: "none" } }],
    );
  /** www up, dead hanging until its 300 ms timeout. */
  const oneDead = () =>
    healthConfig(
      [
        { name: "www", addresses: ["127.0.0.2"], port: targets.v4.port },
        { name: "dead", addresses: ["127.0.0.3"], port: targets.hole.ports[0] },
      ],
      { timeoutMs: 300 },
    );

  for (const { name, dial } of dialers) {
    test(`every name with a healthy address: exit 0 and a table row per (name, address) (${name})`, async () => {
      const { code, lines, progress } = await check(partlyUp(), [], dial);
      assert.equal(code, 0, lines.join("\n"));
      assert.equal(lines.length, 5, lines.join("\n"));
      assert.match(lines[0], /^NAME +ADDRESS +PORT +STATE +RESULT$/);
      assert.match(
        lines[1],
        new RegExp(
          `^www\\.example\\.test +127\\.0\\.0\\.2 +${targets.v4.port} +healthy +[\\d.]+ ms$`,
        ),
      );
      assert.match(
        lines[2],
        new RegExp(
          `^www\\.example\\.test +127\\.0\\.0\\.3 +${targets.v4.port} +unhealthy +refused after [\\d.]+ ms$`,
        ),
      );
      assert.match(
        lines[3],
        new RegExp(`^v6\\.example\\.test +::1 +${targets.v6.port} +healthy +[\\d.]+ ms$`),
      );
      assert.match(
        lines[4],
        /^2 of 2 health-checked names have a healthy address; 3 addresses, 1 round in [\d.]+ ms$/,
      );
      // Columns line up: every row's ADDRESS starts where the header's does.
      const column = lines[0].indexOf("ADDRESS");
      assert.ok(lines.slice(1, 4).every((line) => /\s\S/.test(line.slice(column - 1, column + 1))));
      assert.equal(progress, "", "no progress without --wait");
    });

    test(`a name with no healthy address: exit 1, named in the summary; timeouts reported (${name})`, async () => {
      const { code, lines } = await check(oneDead(), [], dial);
      assert.equal(code, 1, lines.join("\n"));
      assert.match(lines[2], / unhealthy +timeout after \d+(\.\d)? ms$/);
      assert.match(
        lines.at(-1)!,
        /^1 of 2 health-checked names have a healthy address; .*; failing: dead\.example\.test$/,
      );
    });

    test(`--require all fails when one of two addresses is down; any passes (${name})`, async () => {
      const all = await check(partlyUp(), ["--require", "all"], dial);
      assert.equal(all.code, 1, all.lines.join("\n"));
      assert.match(
        all.lines.at(-1)!,
        /^1 of 2 health-checked names have every address healthy; .*; failing: www\.example\.test$/,
      );
      assert.equal((await check(partlyUp(), ["--require", "any"], dial)).code, 0);
    });

    test(`--json: version, start, duration, per name its verdict and each address's result (${name})`, async () => {
      const before = Date.now();
      const { code, lines, ms } = await check(partlyUp(), ["--json", "--require=all"], dial);
      assert.equal(code, 1);
      const report = JSON.parse(lines.join("\n"));
      assert.equal(report.program, "healthy-dns");
      assert.equal(report.version, pkg.version);
      assert.match(report.runtime, /^(deno|bun) \d/);
      assert.equal(report.target, runtime.platform);
      assert.equal(report.commit, null, "from source: no commit");
      const started = Date.parse(report.startedAt);
      assert.ok(started >= before - 1 && started <= before + ms, report.startedAt);
      assert.ok(report.durationMs > 0 && report.durationMs <= ms, String(report.durationMs));
      assert.deepEqual(
        [report.ok, report.require, report.waitMs, report.rounds, report.passed, report.failed],
        [false, "all", null, 1, 1, 1],
      );
      assert.deepEqual(
        report.names.map((n: Record<string, unknown>) => [n.name, n.ok, n.healthy]),
        [["www.example.test", false, 1], ["v6.example.test", true, 1]],
      );
      assert.deepEqual(
        report.names.flatMap((n: { addresses: Record<string, unknown>[] }) =>
          n.addresses.map((a) => [a.address, a.port, a.healthy, a.result])
        ),
        [
          ["127.0.0.2", targets.v4.port, true, "ok"],
          ["127.0.0.3", targets.v4.port, false, "refused"],
          ["::1", targets.v6.port, true, "ok"],
        ],
      );
      const refused = report.names[0].addresses[1];
      assert.equal(typeof refused.detail, "string");
      assert.ok(refused.ms >= 0 && refused.ms < 300);
      assert.equal(report.names[0].addresses[0].detail, null);
    });
  }

  test("--names checks only the names given (relative or under the zone), and only their addresses", async () => {
    const dialed: string[] = [];
    const spy: Dialer = (address, port, timeoutMs) => {
      dialed.push(address);
      return dialers[0].dial(address, port, timeoutMs);
    };
    const { code, lines } = await check(oneDead(), ["--names", "WWW.example.test."], spy);
    assert.equal(code, 0, lines.join("\n"));
    assert.deepEqual(dialed, ["127.0.0.2"]);
    assert.match(lines.at(-1)!, /^1 of 1 health-checked names /);
    assert.equal((await check(oneDead(), ["--names", "www,dead"], spy)).code, 1);
    dialed.length = 0;
    assert.equal((await check(oneDead(), ["--names", "www.alias.test"], spy)).code, 0);
    assert.deepEqual(dialed, ["127.0.0.2"], "a name under an alias zone is the same record");
  });

  test("--names with a name that is not health-checked is a usage error naming it", async () => {
    await assert.rejects(
      check(partlyUp(), ["--names", "www,static"], dialers[0].dial),
      (error) =>
        error instanceof ConfigError &&
        error.message ===
          `--names: "static" is not a health-checked name (health-checked: www, v6)`,
    );
  });

  test("--format junit: well-formed, counts and times add up, the failing name has a failure", async () => {
    const { code, lines } = await check(oneDead(), ["--format", "junit"], dialers[0].dial);
    assert.equal(code, 1);
    const xml = parseXml(lines.join("\n"));
    assert.equal(xml.problems, "");
    assert.equal(xml.xpath("count(/testsuites/testsuite)"), "1");
    for (const node of ["/testsuites", "/testsuites/testsuite"]) {
      assert.equal(xml.xpath(`string(${node}/@tests)`), xml.xpath("count(//testcase)"));
      assert.equal(xml.xpath(`string(${node}/@failures)`), xml.xpath("count(//testcase[failure])"));
      assert.equal(xml.xpath(`string(${node}/@errors)`), "0");
      const time = Number(xml.xpath(`string(${node}/@time)`));
      assert.ok(
        Math.abs(time - Number(xml.xpath("sum(//testcase/@time)"))) < 1e-9,
        `${node} time ${time}`,
      );
    }
    assert.equal(xml.xpath("count(//testcase)"), "2");
    assert.equal(xml.xpath("string(//testcase[failure]/@name)"), "dead.example.test");
    assert.match(
      xml.xpath("string(//testcase[failure]/failure/@message)"),
      /^dead\.example\.test: no healthy address$/,
    );
    assert.match(
      xml.xpath("string(//testcase[failure]/failure)"),
      /^127\.0\.0\.3 port \d+ unhealthy: timeout after /,
    );
    assert.equal(xml.xpath("count(//testcase[@name='www.example.test']/failure)"), "0");
    assert.ok(Number(xml.xpath("string(//testcase[failure]/@time)")) >= 0.3);
  });

  test("--format github: an ::error naming the failing name, a ::notice for the passing one", async () => {
    const { code, lines } = await check(oneDead(), ["--format", "github"], dialers[0].dial);
    assert.equal(code, 1);
    const error = lines.filter((line) => line.startsWith("::error "));
    assert.equal(error.length, 1, lines.join("\n"));
    assert.match(
      error[0],
      /^::error title=healthy-dns check::dead\.example\.test fails: no healthy address%0A127\.0\.0\.3 port \d+ unhealthy: timeout after [\d.]+ ms/,
    );
    assert.deepEqual(lines.filter((line) => line.startsWith("::notice ")), [
      "::notice title=healthy-dns check::www.example.test passes: 1 of 1 addresses healthy",
    ]);
    assert.match(lines.at(-1)!, /; failing: dead\.example\.test$/);
    // With a config file, annotations are attached to it (`:` and `,` escaped as GitHub does).
    const withFile = { ...oneDead(), configFile: "dns/zone,v2.yaml" };
    const annotated = await check(withFile, ["--format", "github"], dialers[0].dial);
    assert.match(
      annotated.lines[0],
      /^::notice file=dns\/zone%2Cv2\.yaml,title=healthy-dns check::www\.example\.test passes/,
    );
  });

  test("--output: the report goes to the file, the table to stdout", async () => {
    const file = join(scratch, "report.json");
    const { code, lines } = await check(partlyUp(), ["--json", "--output", file], dialers[0].dial);
    assert.equal(code, 0);
    assert.match(lines[0], /^NAME +ADDRESS/);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).ok, true);
    await assert.rejects(
      check(partlyUp(), ["--output", join(scratch, "missing", "x")], dialers[0].dial),
      (error) => error instanceof ConfigError && error.where === "--output",
    );
  });

  for (const { name, dial } of dialers) {
    test(`--wait 10s: exit 0 shortly after a listener that opens 1 s late comes up (${name})`, async () => {
      const late = await openLateBackend("127.0.0.2", 1_000);
      const config = healthConfig([{ name: "late", addresses: ["127.0.0.2"], port: late.port }]);
      try {
        const startedAt = performance.now();
        const { code, lines, progress } = await check(
          config,
          ["--wait", "10s", "--every", "100ms"],
          dial,
        );
        const endedAt = performance.now();
        assert.equal(code, 0, `${lines.join("\n")}\n${progress}`);
        assert.ok(endedAt - startedAt >= 1_000, `returned after ${endedAt - startedAt} ms`);
        assert.ok(
          endedAt - late.openedAt < 1_000,
          `returned ${endedAt - late.openedAt} ms after the listener opened`,
        );
        const rounds = progress.trimEnd().split("\n");
        assert.ok(rounds.length >= 3, progress);
        assert.match(
          rounds[0],
          /^check [\d.]+ s: round 1: 0 of 1 names pass; waiting for late\.example\.test \(127\.0\.0\.2 refused\); [\d.]+ s left$/,
        );
        assert.match(
          rounds.at(-1)!,
          new RegExp(`^check [\\d.]+ s: round ${rounds.length}: 1 of 1 names pass$`),
        );
        assert.match(
          lines.at(-1)!,
          new RegExp(`1 of 1 .*; 1 addresses, ${rounds.length} rounds in`),
        );
      } finally {
        await late.close();
      }
    });

    test(`--wait: exit 1 at the deadline when the listener never comes (${name})`, async () => {
      const never = await openTcpBackend("127.0.0.2");
      await never.stop();
      const config = healthConfig([{ name: "never", addresses: ["127.0.0.2"], port: never.port }]);
      const { code, progress, ms } = await check(
        config,
        ["--wait", "1.5s", "--every", "200ms"],
        dial,
      );
      assert.equal(code, 1, progress);
      assert.ok(ms >= 1_500 && ms < 2_500, `returned after ${ms} ms`);
      assert.match(
        progress.trimEnd().split("\n").at(-1)!,
        /waiting for never\.example\.test \(127\.0\.0\.2 refused\); deadline reached$/,
      );
    });
  }

  test("no health-checked records: exit 0", async () => {
    const config = healthConfig([], {}, [
      { name: "static", addresses: ["192.0.2.7"], check: null, whenAllDown: { kind: "none" } },
    ]);
    const { code, lines } = await check(config, [], dialers[0].dial);
    assert.equal(code, 0);
    assert.deepEqual(lines.slice(0, 1), ["NAME  ADDRESS  PORT  STATE  RESULT"]);
    assert.match(lines[1], /^0 of 0 health-checked names/);
  });
});

describe("healthy-dns check exit codes (runCli with the runtime)", () => {
  const flags = (port: number) => [
    "check",
    "--hosted-zone",
    "example.test",
    "--ns",
    '["ns1.example.test"]',
    "--zone-resolutions",
    JSON.stringify({ www: { ips: ["127.0.0.2"], health_port: port } }),
  ];

  test("exit 2 for a bad config or usage", async () => {
    assert.equal(await runCli({ ...runtime, args: [...flags(80), "--port", "none"] }), 2);
    assert.equal(await runCli({ ...runtime, args: [...flags(80), "--wait", "later"] }), 2);
  });

  test("exit 3 for an internal fault: a dialer breaking its contract", async () => {
    const broken: Dialer = () => Promise.resolve(undefined as unknown as DialResult);
    assert.equal(await runCli({ ...runtime, dial: broken, args: flags(80) }), 3);
  });

  test("exit 3 for an internal fault: a clock that fails", async () => {
    const clock = {
      now: () => Date.now(),
      monotonic: (): number => {
        throw new Error("clock unavailable");
      },
    };
    assert.equal(await runCli({ ...runtime, clock, args: flags(80) }), 3);
  });

  for (const mode of ["throw", "reject"]) {
    test(`exit 3 for an error that escapes every caller (${mode}), as main.ts installs it`, () => {
      const fixture = join(REPO_ROOT, "tests", "cli", "fixtures", "uncaught_error.ts");
      const args = runtime.name === "deno" ? ["run", "-A", fixture] : [fixture];
      const result = spawnSync(process.execPath, [...args, "check", mode], {
        encoding: "utf8",
        timeout: 20_000,
      });
      assert.equal(result.status, 3, result.stderr);
      const what = mode === "throw" ? "boom in a timer" : "boom in a promise";
      assert.equal(result.stderr.trim(), `healthy-dns check: internal error: ${what}`);
    });
  }
});
