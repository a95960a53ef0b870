// The start-up line of `healthy-dns serve`, from a real process with a real key.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { fileURLToPath } from "node:url";
import { fixturePath, fixtureText } from "../dnssec/dnssec_fixture.ts";
import { freePort, spawnServer } from "../../scripts/bench/harness/server_harness.ts";

describe("serve's start-up line", () => {
  test("names the build, config file, zones, names, endpoints and the DNSSEC key tag", async () => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-startup-"));
    // The key tag as BIND's dnssec-dsfromkey computed it for the fixture key.
    const ds = fixtureText("ecdsap256sha256/example.test.ds");
    const keyTag = ds.match(/ DS (\d+) 13 /)?.[1];
    assert.ok(keyTag !== undefined, ds);
    const port = await freePort();
    const configPath = join(dir, "config.yaml");
    writeFileSync(
      configPath,
      [
        "zone: example.test",
        "alias_zones: [example.net]",
        "name_servers: [ns1.example.test]",
        `listen: ["127.0.0.1:${port}"]`,
        "dnssec:",
        `  key: ${fileURLToPath(fixturePath("ecdsap256sha256/key.pem"))}`,
        "  algorithm: ECDSAP256SHA256",
        "records:",
        "  www:",
        "    addresses: [127.0.0.1, 127.0.0.2]",
        `    health_port: ${port}`,
        "  static: [127.0.0.10]",
        "",
      ].join("\n"),
    );
    const server = await spawnServer(["--config", configPath]);
    try {
      const line = server.stderr().split("\n").find((text) =>
        / level=info msg="starting /.test(text)
      );
      assert.ok(line !== undefined, server.stderr());
      assert.match(
        line,
        new RegExp(
          ` level=info msg="starting healthy-dns ${
            pkg.version.replaceAll(".", "\\.")
          } \\(from source, (deno|bun) [\\d.]+, [a-z0-9-]+\\)" config=${configPath} ` +
            `zone=example\\.test aliases=example\\.net names=2 endpoints=2 ` +
            `dnssec=ECDSAP256SHA256 key_tag=${keyTag} rate_limit=200/s rate_limit_exempt=127\\.0\\.0\\.0/8,::1/128 cookie_secret=random$`,
        ),
      );
      // Logged once, before the ready line.
      const lines = server.stderr().split("\n");
      assert.equal(lines.filter((text) => / msg="starting /.test(text)).length, 1);
      assert.ok(lines.indexOf(line) < lines.findIndex((text) => / msg=ready /.test(text)));
    } finally {
      server.kill("SIGTERM");
      await server.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
