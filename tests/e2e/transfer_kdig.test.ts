// TSIG interoperability with Knot's kdig: an AXFR of a zone larger than
// 64 KiB arrives in several messages, each signed and chained to the
// previous one, and kdig verifies every one, for each TSIG algorithm. IXFR
// over UDP gets the SOA alone.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TSIG_ALGORITHMS } from "../../src/config/transfer.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";

const NAMES = 2_500;
const secret = (bytes: number) =>
  btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
const KEYS = TSIG_ALGORITHMS.map((algorithm) => ({
  name: `key-${algorithm}`,
  algorithm,
  secret: secret(32),
}));

/** Runs kdig against the in-process server (asynchronously: a blocking spawn would stall the server). */
function kdig(port: number, key: (typeof KEYS)[number] | null, ...args: string[]): Promise<string> {
  const child = spawn("kdig", [
    ...(key === null ? [] : ["-y", `${key.algorithm}:${key.name}:${key.secret}`]),
    "-p",
    String(port),
    "@127.0.0.1",
    ...args,
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  return new Promise((resolve) =>
    child.on("close", () => {
      clearTimeout(timer);
      resolve(output);
    })
  );
}

describe("TSIG interoperability with kdig", {
  skip: needsTools("kdig"),
}, () => {
  let dir: string;
  let server: TestServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-kdig-"));
    const config = join(dir, "big.yaml");
    writeFileSync(
      config,
      [
        "zone: example.test",
        "name_servers: [ns1.example.test]",
        "records:",
        ...Array.from(
          { length: NAMES },
          (_, i) => `  host${i}: [192.0.2.${i % 250}, 198.51.100.${i % 250}, "2001:db8::${i}"]`,
        ),
        "transfer:",
        "  tsig_keys:",
        ...KEYS.map((k) =>
          `    - { name: ${k.name}, algorithm: ${k.algorithm}, secret: "${k.secret}" }`
        ),
        "  allow: [127.0.0.0/8]",
        "",
      ].join("\n"),
    );
    server = await startTestServer({ args: ["--config", config] });
  }, { timeout: 60_000 });

  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("every algorithm: a multi-message AXFR that kdig verifies message by message", {
    timeout: 60_000,
  }, async () => {
    // SOA + NS + 3 per name + SOA (kdig does not count the TSIG records).
    const records = 1 + 1 + 3 * NAMES + 1;
    for (const key of KEYS) {
      const output = await kdig(server.port, key, "example.test", "AXFR");
      const received = /Received \d+ B \((\d+) messages, (\d+) records\)/.exec(output);
      assert.ok(received !== null, `${key.algorithm}: ${output.slice(-600)}`);
      const messages = Number(received[1]);
      assert.ok(messages > 1, `${key.algorithm}: ${messages} message(s)`);
      assert.equal(Number(received[2]), records, key.algorithm);
      assert.doesNotMatch(output, /\bfailed\b|\berror\b|BADSIG|BADKEY|BADTIME/i, key.algorithm);
    }
  });

  test(
    "kdig without a key is refused; with a wrong secret it reports BADSIG",
    { timeout: 60_000 },
    async () => {
      assert.match(await kdig(server.port, null, "example.test", "AXFR"), /REFUSED/);
      const wrong = { ...KEYS[0], secret: secret(32) };
      assert.match(await kdig(server.port, wrong, "example.test", "AXFR"), /BADSIG/);
    },
  );

  test("IXFR over UDP: the SOA alone, signed", { timeout: 60_000 }, async () => {
    const output = await kdig(server.port, KEYS[0], "+notcp", "example.test", "IXFR=1");
    const answer = output.split("\n").filter((line) =>
      /^example\.test\.\s+\d+\s+IN\s+\w+/.test(line)
    );
    assert.equal(answer.length, 1, output);
    assert.match(answer[0], /\sSOA\s/);
    assert.match(output, new RegExp(`${KEYS[0].name}\\.\\s+0\\s+ANY\\s+TSIG`));
  });
});
