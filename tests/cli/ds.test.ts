import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { runDs } from "../../src/cli/ds.ts";
import {
  FIXTURE_ALGORITHMS,
  fixtureDir,
  fixtureDnskey,
  fixturePath,
  fixtureText,
  loadFixture,
} from "../dnssec/dnssec_fixture.ts";

/** Runs `ds` with files read from tests/fixtures/dnssec (paths relative to it). */
async function ds(
  args: readonly string[],
): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runDs(args, {
    readTextFile: (path) => Promise.resolve(readFileSync(fixturePath(path), "utf8")),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

/** The tool's DS line without class/TTL, e.g. "example.test. DS 25037 8 2 ABCD…". */
function toolDs(algorithm: (typeof FIXTURE_ALGORITHMS)[number], zone: string): string {
  return fixtureText(`${fixtureDir(algorithm)}/${zone}.ds`).trim().split(/\s+/).filter((f) =>
    f !== "IN"
  ).join(" ");
}

describe("healthy-dns ds", () => {
  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: DNSKEY and DS of every served zone equal dnssec-dsfromkey's`, async () => {
      const fixture = loadFixture(algorithm);
      const [hosted, alias] = fixture.zones.map((z) => z.origin);
      const result = await ds([
        "--priv-key-path",
        `${fixtureDir(algorithm)}/key.pem`,
        `--priv-key-alg=${algorithm.toLowerCase()}`,
        "--hosted-zone",
        hosted,
        "--alias-zones",
        JSON.stringify([alias]),
      ]);
      assert.deepEqual(result.err, []);
      assert.equal(result.code, 0);
      assert.equal(result.out.length, 6);
      fixture.zones.forEach((zone, i) => {
        const dnskey = fixtureDnskey(zone).data.join(" ");
        assert.equal(
          result.out[3 * i],
          `; ${zone.origin}: the DNSKEY served at the apex, and the DS record for the parent zone`,
        );
        assert.equal(result.out[3 * i + 1], `${zone.origin}. IN DNSKEY ${dnskey}`);
        assert.equal(result.out[3 * i + 2].replace(" IN ", " "), toolDs(algorithm, zone.origin));
      });
    });
  }

  test("without --priv-key-alg, takes the algorithm from the key", async () => {
    for (
      const [file, algorithm] of [["ed25519/key.pem", "ED25519"], [
        "ecdsap256sha256/key.sec1.pem",
        "ECDSAP256SHA256",
      ]] as const
    ) {
      const result = await ds(["--priv-key-path", file, "--hosted-zone", "example.test"]);
      assert.equal(result.code, 0, file);
      assert.equal(result.out[2].replace(" IN ", " "), toolDs(algorithm, "example.test"));
    }
  });

  test("an RSA key without --priv-key-alg is RSASHA256, like the original", async () => {
    const result = await ds([
      "--priv-key-path",
      "rsasha256/key.pkcs1.pem",
      "--hosted-zone",
      "example.test",
    ]);
    assert.equal(result.code, 0);
    assert.equal(result.out[2].replace(" IN ", " "), toolDs("RSASHA256", "example.test"));
  });

  test("with the whole serve configuration, records carry the DNSKEY TTL", async () => {
    const result = await ds([
      "--priv-key-path=ed25519/key.pem",
      "--priv-key-alg=ED25519",
      "--hosted-zone=example.test",
      '--ns=["ns1.example.test"]',
      '--zone-resolutions={"www": {"ips": ["192.0.2.1"], "health_port": 80}}',
      "--test-min-interval=30",
    ]);
    assert.deepEqual(result.err, []);
    // 30 s interval: A TTL 60, DNSKEY TTL = 10 × A TTL (src/zone/timing.ts).
    assert.match(result.out[1], /^example\.test\. 600 IN DNSKEY 257 3 15 /);
    assert.match(result.out[2], /^example\.test\. 600 IN DS \d+ 15 2 [0-9A-F]{64}$/);
  });

  test("with --config, errors name the YAML paths, not the flags", async () => {
    const yaml =
      "zone: example.test\nname_servers: [ns1.example.net]\nrecords: {www: [192.0.2.1]}\n" +
      "dnssec: {key: ed25519/key.pem, algorithm: RSASHA256}\n";
    const err: string[] = [];
    const code = await runDs(["--config", "zone.yaml"], {
      readTextFile: (path) =>
        Promise.resolve(path === "zone.yaml" ? yaml : readFileSync(fixturePath(path), "utf8")),
      out: () => {},
      err: (line) => err.push(line),
    });
    assert.equal(code, 2);
    assert.deepEqual(err, [
      "dnssec.key (in zone.yaml): ed25519/key.pem: key is an Ed25519 key (ED25519) but " +
      "dnssec.algorithm (in zone.yaml) is RSASHA256",
    ]);
  });

  const errors: readonly [string, readonly string[], string][] = [
    ["missing zone", ["--priv-key-path", "ed25519/key.pem"], "--hosted-zone: required"],
    ["missing key", ["--hosted-zone", "example.test"], "--priv-key-path: required"],
    [
      "bad zone",
      ["--priv-key-path", "ed25519/key.pem", "--hosted-zone", "exa mple.test"],
      '--hosted-zone: "exa mple.test" is not a valid domain name',
    ],
    [
      "unknown algorithm",
      [
        "--priv-key-path",
        "ed25519/key.pem",
        "--hosted-zone",
        "example.test",
        "--priv-key-alg",
        "DSA",
      ],
      '--priv-key-alg: "DSA" is not one of RSASHA256, ECDSAP256SHA256, ED25519',
    ],
    [
      "wrong algorithm",
      [
        "--priv-key-path",
        "ed25519/key.pem",
        "--hosted-zone",
        "example.test",
        "--priv-key-alg",
        "ECDSAP256SHA256",
      ],
      "--priv-key-path: ed25519/key.pem: key is an Ed25519 key (ED25519) but --priv-key-alg is ECDSAP256SHA256",
    ],
    [
      "missing file",
      ["--priv-key-path", "nope.pem", "--hosted-zone", "example.test"],
      '--priv-key-path: cannot read "nope.pem": ',
    ],
    [
      "alias inside the hosted zone",
      [
        "--priv-key-path",
        "ed25519/key.pem",
        "--hosted-zone",
        "example.test",
        "--alias-zones",
        '["a.example.test"]',
      ],
      '--alias-zones: "a.example.test" lies inside the hosted zone "example.test"',
    ],
    [
      "unknown flag",
      ["--hosted-zone", "example.test", "--bogus", "1"],
      "--bogus: unknown flag (see --help)",
    ],
  ];
  for (const [what, args, message] of errors) {
    test(`${what}: exit 2 with one line`, async () => {
      const result = await ds(args);
      assert.equal(result.code, 2);
      assert.deepEqual(result.out, []);
      assert.equal(result.err.length, 1);
      assert.ok(result.err[0].startsWith(message), result.err[0]);
      assert.ok(!result.err[0].includes("\n"));
    });
  }
});
