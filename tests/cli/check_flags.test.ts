import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, DEFAULTS } from "../../src/config/config.ts";
import { readCheckFlags } from "../../src/cli/check.ts";

/** The ConfigError message `readCheckFlags(args)` throws. */
function problem(args: readonly string[]): string {
  try {
    readCheckFlags(args);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail(`no error for ${args.join(" ")}`);
}

describe("readCheckFlags", () => {
  test("no check flags: one round, the defaults, every argument left for loadConfig", () => {
    const args = ["--demo", "--test-timeout", "1", "--listen=127.0.0.1"];
    const { options, configArgs } = readCheckFlags(args);
    assert.deepEqual(options, {
      waitMs: null,
      everyMs: null,
      require: DEFAULTS.check.require,
      names: null,
      format: DEFAULTS.check.format,
      outputFile: null,
    });
    assert.deepEqual(configArgs, args);
    assert.ok(Object.isFrozen(options));
  });

  test("every check flag, as `--flag value` and `--flag=value`, taken out of the arguments", () => {
    const { options, configArgs } = readCheckFlags([
      "--config",
      "zone.yaml",
      "--wait",
      "1m",
      "--every=500ms",
      "--require",
      "ALL",
      "--names=www, API.example.com.,www",
      "--format",
      "junit",
      "--output",
      "report.xml",
      "--port",
      "53",
    ]);
    assert.deepEqual(options, {
      waitMs: 60_000,
      everyMs: 500,
      require: "all",
      names: ["www", "api.example.com"],
      format: "junit",
      outputFile: "report.xml",
    });
    assert.deepEqual(configArgs, ["--config", "zone.yaml", "--port", "53"]);
  });

  test("--json is --format json, and agrees with --format json", () => {
    assert.equal(readCheckFlags(["--json"]).options.format, "json");
    assert.equal(readCheckFlags(["--json", "--format", "json"]).options.format, "json");
  });

  test("usage errors name the flag and the value", () => {
    assert.equal(problem(["--wait", "soon"]), `--wait: "soon" is not a duration`);
    assert.equal(problem(["--wait"]), "--wait: needs a value");
    assert.equal(problem(["--wait", "--json"]), "--wait: needs a value");
    assert.equal(
      problem(["--every", "1s"]),
      "--every: only applies with --wait (a check without it probes once)",
    );
    assert.equal(problem(["--require", "most"]), `--require: "most" is not one of any, all`);
    assert.equal(
      problem(["--format", "xml"]),
      `--format: "xml" is not one of table, json, junit, github`,
    );
    assert.equal(problem(["--json", "--format", "github"]), "--json: contradicts --format github");
    assert.equal(problem(["--json=yes"]), `--json: takes no value, got "yes"`);
    assert.equal(problem(["--names", "www,,api"]), `--names: "www,,api" has an empty name`);
    assert.equal(problem(["--output="]), `--output: "" is not a file path`);
  });
});
