import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ensureBinary } from "../helpers/binary.ts";
import { runScript } from "../../scripts/bench/harness/run_script.ts";

describe("scripts/bench/soak against the binary (20 s; the 10-minute run is in BENCHMARKS.md)", () => {
  test(
    "no genuine query lost or answered wrong while health flaps, reloads arrive and TCP clients misbehave",
    { timeout: 120_000 },
    async () => {
      const binary = ensureBinary();
      const { code, output } = await runScript(
        "soak",
        ["--minutes", String(20 / 60), "--qps", "300", "--binary", binary],
        110_000,
      );
      assert.equal(code, 0, output);
      assert.match(output, /^soak: ok$/m);
      // Not vacuous: queries went out and came back on every path, the abuser was limited, reloads ran.
      const row = (name: string) =>
        output.split("\n").find((line) => line.startsWith(`| ${name}`))!.split("|").map((c) =>
          c.trim()
        );
      for (const name of ["UDP (127.0.0.1)", "UDP with cookies", "TCP (genuine)"]) {
        const [, , sent, answered] = row(name);
        assert.ok(
          Number(sent) > 100 && answered === sent,
          `${name}: ${sent} sent, ${answered} answered`,
        );
      }
      assert.match(output, /Server: [1-9]\d* responses rate-limited/);
      assert.match(output, /server counted [1-9]\d* ok \/ [1-9]\d* failed/);
    },
  );
});
