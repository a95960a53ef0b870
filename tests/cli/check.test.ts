import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { runCheck } from "../../src/cli/check.ts";
import { dialersUnderTest } from "../helpers/dialers.ts";
import { healthConfig } from "../helpers/health_config.ts";
import { openProbeTargets, type ProbeTargets } from "../helpers/probe_targets.ts";
import { systemClock } from "../../src/runtime/system_clock.ts";

const dialers = await dialersUnderTest();

describe("healthy-dns check", () => {
  let targets: ProbeTargets;
  before(async () => (targets = await openProbeTargets()));
  after(() => targets.close());

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

  for (const { name, dial } of dialers) {
    test(`every name with a healthy address: exit 0 and a table row per (name, address) (${name})`, async () => {
      const lines: string[] = [];
      const code = await runCheck(partlyUp(), dial, systemClock, (line) => lines.push(line), false);
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
        /^2 of 2 health-checked names have a healthy address; 3 rows, cycle took [\d.]+ ms$/,
      );
      // Columns line up: every row's ADDRESS starts where the header's does.
      const column = lines[0].indexOf("ADDRESS");
      assert.ok(lines.slice(1, 4).every((line) => /\s\S/.test(line.slice(column - 1, column + 1))));
    });

    test(`a name with no healthy address: exit 1, named in the summary; timeouts reported (${name})`, async () => {
      const config = healthConfig(
        [
          { name: "www", addresses: ["127.0.0.2"], port: targets.v4.port },
          { name: "dead", addresses: ["127.0.0.3"], port: targets.hole.ports[0] },
        ],
        { timeoutMs: 300 },
      );
      const lines: string[] = [];
      const code = await runCheck(config, dial, systemClock, (line) => lines.push(line), false);
      assert.equal(code, 1, lines.join("\n"));
      assert.match(lines[2], / unhealthy +timeout after \d+(\.\d)? ms$/);
      assert.match(
        lines.at(-1)!,
        /^1 of 2 health-checked names .*; no healthy address: dead\.example\.test$/,
      );
    });

    test(`--json prints the same rows as one JSON document (${name})`, async () => {
      const lines: string[] = [];
      const code = await runCheck(partlyUp(), dial, systemClock, (line) => lines.push(line), true);
      assert.equal(code, 0);
      const report = JSON.parse(lines.join("\n"));
      assert.equal(report.ok, true);
      assert.equal(typeof report.durationMs, "number");
      assert.deepEqual(
        report.rows.map((
          r: Record<string, unknown>,
        ) => [r.name, r.address, r.port, r.healthy, r.reason]),
        [
          ["www.example.test", "127.0.0.2", targets.v4.port, true, null],
          ["www.example.test", "127.0.0.3", targets.v4.port, false, "refused"],
          ["v6.example.test", "::1", targets.v6.port, true, null],
        ],
      );
      assert.equal(typeof report.rows[1].detail, "string");
      assert.ok(report.rows.every((r: { ms: number }) => r.ms >= 0 && r.ms < 300));
    });
  }

  test("--json with a down name reports ok false and exit 1", async () => {
    const config = healthConfig([{ name: "api", addresses: ["127.0.0.3"], port: targets.v4.port }]);
    const lines: string[] = [];
    const code = await runCheck(
      config,
      dialers[0].dial,
      systemClock,
      (line) => lines.push(line),
      true,
    );
    assert.equal(code, 1);
    assert.equal(JSON.parse(lines.join("\n")).ok, false);
  });

  test("no health-checked records: exit 0", async () => {
    const config = healthConfig([], {}, [
      { name: "static", addresses: ["192.0.2.7"], check: null, whenAllDown: { kind: "none" } },
    ]);
    const lines: string[] = [];
    assert.equal(
      await runCheck(config, dialers[0].dial, systemClock, (line) => lines.push(line), false),
      0,
    );
    assert.deepEqual(lines.slice(0, 1), ["NAME  ADDRESS  PORT  STATE  RESULT"]);
    assert.match(lines[1], /^0 of 0 health-checked names/);
  });
});
