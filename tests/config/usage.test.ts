import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { USAGE } from "../../src/cli/usage.ts";

describe("USAGE", () => {
  test("shows the defaults from defaults.ts", () => {
    for (
      const text of [
        "(default: 53053)",
        "(default: ::, i.e. every IPv4 and IPv6 address, at --port)",
        "(default: info)",
        "(default: 30s)",
        "(default: 2s)",
        "(default: RSASHA256)",
        "port 9153",
        "default 1/1",
        "default 1000",
      ]
    ) {
      assert.ok(USAGE.includes(text), text);
    }
  });

  test("lists every subcommand and every flag loadConfig takes", () => {
    for (
      const word of [
        "serve",
        "check",
        "keygen",
        "ds",
        "--hosted-zone",
        "--zone-resolutions",
        "--ns",
        "--alias-zones",
        "--port",
        "--log-level",
        "--test-min-interval",
        "--test-timeout",
        "--priv-key-path",
        "--priv-key-alg",
        "--config",
        "--listen",
        "--http",
        "--demo",
        "--help",
      ]
    ) {
      assert.ok(USAGE.includes(word), word);
    }
  });

  test("fits an 100-column terminal", () => {
    for (const line of USAGE.split("\n")) assert.ok(line.length <= 100, line);
  });
});
