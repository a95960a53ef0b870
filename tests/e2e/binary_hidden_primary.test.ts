// The compiled executable as a hidden primary: `tsig-keygen` makes the key,
// NSD transfers the zone from the binary with it, and a restart of the
// binary (same state_dir) raises the serial, which NSD picks up from the
// start-up NOTIFY.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBinary } from "../helpers/binary.ts";
import {
  needsSecondary,
  type Secondary,
  startSecondary,
  transferYaml,
} from "../../scripts/bench/harness/secondary.ts";
import {
  type CliProcess,
  freePort,
  runCliProcess,
  spawnServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { decode, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

describe("the binary as a hidden primary, NSD as its secondary", {
  skip: needsSecondary("nsd"),
}, () => {
  let binary: string;
  let dir: string;
  let config: string;
  let port: number;
  let primary: CliProcess | null = null;
  let nsd: Secondary;
  const key = { name: "xfr-key", algorithm: "hmac-sha256", secret: "" };

  const serial = async (): Promise<number> => {
    const answer = decode(await udpExchange(port, makeQuery("example.test", "SOA")));
    return (answer.answers[0].data as { serial: number }).serial;
  };
  const stopPrimary = async () => {
    primary?.kill("SIGTERM");
    await primary?.exited;
    primary = null;
  };

  before(async () => {
    binary = ensureBinary();
    const keygen = await runCliProcess(["tsig-keygen", key.name]);
    assert.equal(keygen.code, 0, keygen.stderr);
    const line = keygen.stdout.split("\n").find((l) => l.includes(`name: ${key.name}`)) ?? "";
    key.secret = /secret: "([^"]+)"/.exec(line)?.[1] ?? "";
    assert.match(keygen.stdout, /^key:\n {2}name: "xfr-key"$/m, "the NSD stanza");
    assert.ok(key.secret.length >= 40, keygen.stdout);
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-binary-primary-"));
    port = await freePort();
    const nsdPort = await freePort();
    config = join(dir, "primary.yaml");
    writeFileSync(
      config,
      [
        "zone: example.test",
        "name_servers: [ns1.example.test]",
        `listen: ["127.0.0.1:${port}"]`,
        "state_dir: state",
        "records:",
        "  www: [192.0.2.1]",
        ...transferYaml(key, [{ kind: "nsd", port: nsdPort }]),
        "",
      ].join("\n"),
    );
    mkdirSync(join(dir, "state"));
    primary = await spawnServer(["--config", config], binary);
    nsd = await startSecondary({
      kind: "nsd",
      port: nsdPort,
      primaryPort: port,
      zones: ["example.test"],
      key,
    });
  }, { timeout: 120_000 });

  after(async () => {
    await nsd?.stop();
    await stopPrimary();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  test("NSD transfers the zone from the binary; a restart raises the serial and NSD follows", {
    timeout: 60_000,
  }, async () => {
    const first = await serial();
    await waitFor(
      "NSD on the binary's serial",
      async () => (await nsd.serial("example.test")) === first,
      10_000,
    );
    assert.deepEqual(await nsd.addresses("www.example.test", "A"), ["192.0.2.1"]);
    await stopPrimary();
    primary = await spawnServer(["--config", config], binary);
    const second = await serial();
    assert.ok(((second - first) | 0) > 0, `restart: ${first} -> ${second}`);
    await waitFor(
      "NSD on the new serial (start-up NOTIFY)",
      async () => (await nsd.serial("example.test")) === second,
      10_000,
    );
  });
});
