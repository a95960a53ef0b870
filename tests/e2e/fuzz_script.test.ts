import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ensureBinary } from "../helpers/binary.ts";
import { runScript } from "../../scripts/bench/harness/run_script.ts";

describe("scripts/bench/fuzz against the binary (short round; the long one is in BENCHMARKS.md)", () => {
  test("5,000 random and mutated packets: no crash, no hang, no invalid reply", {
    timeout: 150_000,
  }, async () => {
    const binary = ensureBinary();
    const seed = String(1 + Math.floor(Math.random() * 1e6)); // a new seed each run, printed on failure
    const { code, output } = await runScript(
      "fuzz",
      ["--packets", "5000", "--seed", seed, "--binary", binary, "--max-seconds", "100"],
      120_000,
    );
    assert.equal(code, 0, output);
    const row = output.split("\n").find((line) => /^\| 5000 \|/.test(line));
    assert.ok(row !== undefined, output);
    const cells = row.split("|").map((cell) => cell.trim());
    assert.equal(cells[6], "0", `invalid replies (seed ${seed}):\n${output}`);
    assert.equal(cells[7], "0", "hangs");
    assert.equal(cells[8], "0", "crashes");
    assert.ok(Number(cells[4]) > 1000, `replies came back: ${row}`); // not vacuous
  });

  test(
    "rate-limited: every slipped reply parses to its last octet",
    { timeout: 150_000 },
    async () => {
      const binary = ensureBinary();
      const seed = String(1 + Math.floor(Math.random() * 1e6));
      const { code, output } = await runScript(
        "fuzz",
        [
          "--packets",
          "5000",
          "--seed",
          seed,
          "--binary",
          binary,
          "--max-seconds",
          "100",
          "--rate-limit",
          "20",
        ],
        120_000,
      );
      assert.equal(code, 0, `seed ${seed}:\n${output}`);
      const checked = output.match(
        /^(\d+) replies checked, (\d+) with octets after the last counted record$/m,
      );
      assert.ok(checked !== null, output);
      assert.ok(Number(checked[1]) > 1000, output);
      assert.equal(checked[2], "0", output);
      const limited = output.match(/: (\d+) UDP responses limited, (\d+) slipped$/m);
      assert.ok(limited !== null && Number(limited[2]) > 1000, `most replies slipped:\n${output}`);
    },
  );
});
