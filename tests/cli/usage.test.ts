import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { COMMAND_USAGE, USAGE } from "../../src/cli/usage.ts";

describe("USAGE", () => {
  test("shows the defaults from defaults.ts", () => {
    for (
      const text of [
        "(default: 53053)",
        "(default: ::, i.e. every IPv4 and IPv6 address, at --port)",
        "(default: info)",
        "(default: 30s)",
        "(default: 2s)",
        "(default: the key's)",
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
        "checkconf",
        "override",
        "keygen",
        "ds",
        "--hosted-zone",
        "--zone-resolutions",
        "--ns",
        "--alias-zones",
        "--port",
        "--log-level",
        "--rate-limit",
        "--state-dir",
        "--test-min-interval",
        "--test-timeout",
        "--priv-key-path",
        "--priv-key-alg",
        "--config",
        "--listen",
        "--http",
        "--demo",
        "--state-dir",
        "--help",
      ]
    ) {
      assert.ok(USAGE.includes(word), word);
    }
  });

  test("fits an 100-column terminal, and so does each command's", () => {
    for (const text of [USAGE, ...Object.values(COMMAND_USAGE)]) {
      for (const line of text.split("\n")) assert.ok(line.length <= 100, line);
    }
  });

  test("each command's help shows its own flags and their defaults", () => {
    assert.deepEqual(Object.keys(COMMAND_USAGE).sort(), [
      "check",
      "checkconf",
      "ds",
      "health",
      "keygen",
      "override",
      "serve",
      "tsig-keygen",
    ]);
    const expected: Record<string, string[]> = {
      check: [
        "healthy-dns check [FLAGS] [CHECK FLAGS]",
        "--wait T",
        "--every T",
        "(default: any)",
        "--names a,b",
        "(default: table)",
        "--json is --format json",
        "--output FILE",
        "(default: 2s)",
        "1000",
        "3 an internal error",
      ],
      checkconf: ["healthy-dns checkconf", "--strict", "warning: ", "RSA key under 2048 bits"],
      keygen: ["--algorithm ALG", "(default: ECDSAP256SHA256", "--out FILE"],
      ds: ["--priv-key-path PEM", "(default: the key's)", "--hosted-zone NAME"],
      health: ["healthy-dns health [FLAGS]", "SOA", "within 2 s", "1 no answer"],
      "tsig-keygen": ["healthy-dns tsig-keygen NAME", "--algorithm ALG", "(default: hmac-sha256)"],
    };
    for (const [command, words] of Object.entries(expected)) {
      for (const word of words) {
        assert.ok(COMMAND_USAGE[command].includes(word), `${command}: ${word}`);
      }
    }
  });
});
