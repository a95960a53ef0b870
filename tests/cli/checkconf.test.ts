// `healthy-dns checkconf` on real files (config, keys with real permissions):
// `ok` and 0 when clean, every warning case of docs/operations.md, 2 with the
// serve-time error line, 1 for warnings under --strict.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheckconf } from "../../src/cli/checkconf.ts";
import { generateKeyPem } from "../../src/dnssec/keys.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";

const runtime = await currentRuntime();

/** A PKCS#8 PEM RSA key of `bits` bits (keygen only makes 2048). */
async function rsaPem(bits: number): Promise<string> {
  const pair = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: bits,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const base64 = btoa(String.fromCharCode(...der)).replace(/.{64}/g, "$&\n");
  return `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n`;
}

/** A valid config that draws no warning; `extra` lines are appended. */
const CLEAN = [
  "zone: example.test",
  "name_servers: [{name: ns1.example.test, addresses: [192.0.2.53]}, ns2.elsewhere.net]",
  "health: {interval: 5s, timeout: 1s}",
  "records:",
  "  www: {addresses: [192.0.2.1], health_port: 443}",
  "  api.eu: [192.0.2.2]",
].join("\n");

describe("healthy-dns checkconf", () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-checkconf-"));
    writeFileSync(join(dir, "ed.pem"), await generateKeyPem("ED25519"), { mode: 0o600 });
    writeFileSync(join(dir, "open.pem"), await generateKeyPem("ED25519"), { mode: 0o644 });
    chmodSync(join(dir, "open.pem"), 0o644);
    writeFileSync(join(dir, "rsa1024.pem"), await rsaPem(1024), { mode: 0o600 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes `text` as a config file and runs checkconf on it with `flags`. */
  async function checkconf(text: string, flags: readonly string[] = []) {
    const path = join(dir, "zone.yaml");
    writeFileSync(path, `${text}\n`);
    const lines: string[] = [];
    const code = await runCheckconf(["--config", path, ...flags], {
      readTextFile: (file) => readFile(file, "utf8"),
      readStateFile: runtime.readStateFile,
      statFile: async (file) => {
        const info = await stat(file);
        return { mtimeMs: info.mtimeMs, size: info.size, mode: info.mode & 0o777 };
      },
      out: (line) => lines.push(line),
    });
    return { code, lines };
  }

  test("a clean config and key: `ok`, exit 0 (also with --strict)", async () => {
    const config = `${CLEAN}\ndnssec: {key: ed.pem, algorithm: ED25519}`;
    assert.deepEqual(await checkconf(config), { code: 0, lines: ["ok"] });
    assert.deepEqual(await checkconf(config, ["--strict"]), { code: 0, lines: ["ok"] });
  });

  test("an error (config, override file, key): the line serve would stop with, exit 2", async () => {
    assert.deepEqual(await checkconf(CLEAN.replace("timeout: 1s", "timeout: soon")), {
      code: 2,
      lines: [`error: health.timeout (in ${join(dir, "zone.yaml")}): "soon" is not a duration`],
    });
    mkdirSync(join(dir, "state"), { recursive: true });
    writeFileSync(join(dir, "state", "overrides.yaml"), "- {address: 192.0.2.1, state: drain}\n");
    assert.deepEqual(await checkconf(`${CLEAN}\nstate_dir: state`), {
      code: 2,
      lines: [
        `error: [0].state (in ${
          join(dir, "state", "overrides.yaml")
        }): "drain" is not one of down, up`,
      ],
    });
    writeFileSync(join(dir, "state", "overrides.yaml"), "- {address: 192.0.2.1, state: down}\n");
    assert.deepEqual(await checkconf(`${CLEAN}\nstate_dir: state`), { code: 0, lines: ["ok"] });
    const { code, lines } = await checkconf(`${CLEAN}\ndnssec: {key: missing.pem}`);
    assert.equal(code, 2);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^error: dnssec\.key \(in .*zone\.yaml\): .*missing\.pem: /);
  });

  test("every problem at once: a key error, an override-file error and the config's warnings", async () => {
    mkdirSync(join(dir, "state"), { recursive: true });
    writeFileSync(join(dir, "state", "overrides.yaml"), "- {address: 192.0.2.1, state: drain}\n");
    const { code, lines } = await checkconf(
      `${
        CLEAN.replace("timeout: 1s", "timeout: 5s")
      }\nstate_dir: state\ndnssec: {key: missing.pem}`,
    );
    assert.equal(code, 2);
    assert.equal(lines.length, 3, lines.join("\n"));
    assert.match(lines[0], /^error: dnssec\.key \(in .*zone\.yaml\): .*missing\.pem: /);
    assert.match(lines[1], /^error: \[0\]\.state \(in .*overrides\.yaml\): "drain" is not one of/);
    assert.match(lines[2], /^warning: health\.timeout \(--test-timeout\): 5s is not shorter/);
  });

  const cases: [string, string, RegExp][] = [
    [
      "an in-zone name server with no address in the zone",
      CLEAN.replace("{name: ns1.example.test, addresses: [192.0.2.53]}", "ns1.example.test"),
      /^warning: name_servers \(--ns\): "ns1\.example\.test" lies inside zone "example\.test" but has no address there, so resolvers get NXDOMAIN/,
    ],
    [
      "a record name that looks like a name in another zone",
      `${CLEAN}\n  www.other.org: [192.0.2.3]`,
      /^warning: records \(--zone-resolutions\): "www\.other\.org" is served as "www\.other\.org\.example\.test"/,
    ],
    [
      "a probe timeout not shorter than the interval",
      CLEAN.replace("timeout: 1s", "timeout: 5s"),
      /^warning: health\.timeout \(--test-timeout\): 5s is not shorter than health\.interval \(--test-min-interval\) 5s/,
    ],
    [
      "a record's own timeout not shorter than the interval",
      CLEAN.replace("health_port: 443}", "health_port: 443, timeout: 6s}"),
      /^warning: records\.www\.timeout: 6s is not shorter than health\.interval 5s/,
    ],
    [
      "a key file readable by group or others",
      `${CLEAN}\ndnssec: {key: open.pem, algorithm: ED25519}`,
      /^warning: dnssec\.key \(in .*zone\.yaml\): ".*open\.pem" is readable by group or others \(mode 0644\)/,
    ],
    [
      "secondaries without a state directory (a restart could lower the serial)",
      `${CLEAN}\ntransfer: {tsig_keys: [{name: k, secret: "${
        "a".repeat(44)
      }"}], secondaries: [{address: 192.0.2.53, key: k}]}`,
      /^warning: transfer\.secondaries: no state_dir \(--state-dir\), so the SOA serial is not kept across restarts/,
    ],
    [
      "a TSIG secret shorter than its hash",
      `${CLEAN}\ntransfer: {tsig_keys: [{name: k, algorithm: hmac-sha512, secret: "c2hvcnQ="}], allow: [10.0.0.0/8]}`,
      /^warning: transfer\.tsig_keys: the secret of "k" is 5 bytes, shorter than the 64-byte output of hmac-sha512/,
    ],
    [
      "an RSA key under 2048 bits",
      `${CLEAN}\ndnssec: {key: rsa1024.pem, algorithm: RSASHA256}`,
      /^warning: dnssec\.key \(in .*zone\.yaml\): ".*rsa1024\.pem" is an RSA key of 1024 bits; 2048 or more is recommended/,
    ],
  ];
  for (const [what, config, expected] of cases) {
    test(`warns about ${what}: exit 0, or 1 with --strict`, async () => {
      const { code, lines } = await checkconf(config);
      assert.equal(code, 0);
      assert.equal(lines.length, 1, lines.join("\n"));
      assert.match(lines[0], expected);
      assert.deepEqual(await checkconf(config, ["--strict"]), { code: 1, lines });
    });
  }

  test("every warning at once, each on its own line", async () => {
    const config = [
      CLEAN.replace("{name: ns1.example.test, addresses: [192.0.2.53]}", "ns1.example.test")
        .replace("timeout: 1s", "timeout: 5s"),
      "  www.other.org: [192.0.2.3]",
      "dnssec: {key: open.pem, algorithm: ED25519}",
    ].join("\n");
    const { code, lines } = await checkconf(config);
    assert.equal(code, 0);
    assert.equal(lines.length, 4, lines.join("\n"));
    assert.ok(lines.every((line) => line.startsWith("warning: ")));
  });
});
