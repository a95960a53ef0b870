// A second, independent validator for dns-contract §3: BIND's delv, pointed
// straight at our server with the anchors `healthy-dns ds` printed, must call
// positive, NODATA, NXDOMAIN and DNSKEY answers "fully validated" in the
// hosted and an alias zone, and report a broken trust chain for a wrong
// anchor. Once per algorithm, on the in-process server.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { delv, DELV_BINARY, writeDelvAnchors } from "../helpers/delv.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import {
  freePort,
  startTestServer,
  type TestServer,
} from "../../scripts/bench/harness/server_harness.ts";
import {
  ALIAS,
  HOSTED,
  type SignedSetup,
  signedSetup,
  WRONG_ANCHOR_ZONE,
} from "../helpers/signed_setup.ts";

const ALGORITHMS: readonly DnssecAlgorithmName[] = ["RSASHA256", "ECDSAP256SHA256", "ED25519"];
const NO_DELV = needsTools(DELV_BINARY);

/** The owner, type and data of the first record line delv printed, tabs collapsed. */
const firstRecord = (stdout: string) =>
  stdout.split("\n").find((line) => /^[^;\s]/.test(line))?.split(/\s+/);

for (const algorithm of ALGORITHMS) {
  describe(`DNSSEC ${algorithm} checked by delv against the server`, { skip: NO_DELV }, () => {
    let setup: SignedSetup;
    let server: TestServer;
    let anchors: string;
    const lookup = (zone: string, name: string, type: string) =>
      delv(server.port, anchors, zone, name, type);

    before(async () => {
      // Nothing listens on www's health port, so www is down: NODATA.
      setup = await signedSetup({ algorithm, healthPort: await freePort() });
      anchors = writeDelvAnchors(setup.dir, setup.anchors);
      server = await startTestServer({ args: ["--config", setup.configPath] });
    });

    after(async () => {
      await server?.stop();
      if (setup !== undefined) rmSync(setup.dir, { recursive: true, force: true });
    });

    test("positive answers (the name server's address too) and the DNSKEY, hosted and alias zone: fully validated", async () => {
      const cases: [string, string, string, string][] = [
        [HOSTED, `static.${HOSTED}`, "A", "192.0.2.10"],
        [HOSTED, `static.${HOSTED}`, "AAAA", "2001:db8::10"],
        [HOSTED, `api.eu.${HOSTED}`, "A", "192.0.2.20"],
        [HOSTED, HOSTED, "DNSKEY", "257"],
        [HOSTED, `ns1.${HOSTED}`, "A", "192.0.2.53"],
        [ALIAS, `ns1.${ALIAS}`, "A", "192.0.2.53"],
        [ALIAS, `static.${ALIAS}`, "A", "192.0.2.10"],
        [ALIAS, ALIAS, "DNSKEY", "257"],
      ];
      const results = await Promise.all(
        cases.map(([zone, name, type]) => lookup(zone, name, type)),
      );
      cases.forEach(([, name, type, data], i) => {
        const { stdout, stderr } = results[i];
        assert.match(stdout, /^; fully validated$/m, `${name} ${type}:\n${stdout}${stderr}`);
        const record = firstRecord(stdout);
        assert.deepEqual(
          [record?.[0], record?.[3], record?.[4]],
          [`${name}.`, type, data],
          `${name} ${type}:\n${stdout}`,
        );
      });
    });

    test("NODATA (type absent, health-checked name down, empty non-terminal) and NXDOMAIN: negative response, fully validated", async () => {
      const cases: [string, string, string, "NXRRSET" | "NXDOMAIN"][] = [
        [HOSTED, `static.${HOSTED}`, "TXT", "NXRRSET"],
        [HOSTED, `www.${HOSTED}`, "A", "NXRRSET"],
        [HOSTED, `eu.${HOSTED}`, "A", "NXRRSET"],
        [HOSTED, `nope.${HOSTED}`, "A", "NXDOMAIN"],
        [HOSTED, `zzz.${HOSTED}`, "AAAA", "NXDOMAIN"],
        [ALIAS, `static.${ALIAS}`, "TXT", "NXRRSET"],
        [ALIAS, `nope.${ALIAS}`, "A", "NXDOMAIN"],
      ];
      const results = await Promise.all(
        cases.map(([zone, name, type]) => lookup(zone, name, type)),
      );
      cases.forEach(([, name, type, kind], i) => {
        const { stdout, stderr } = results[i];
        assert.match(
          stdout,
          /^; negative response, fully validated$/m,
          `${name} ${type}:\n${stdout}${stderr}`,
        );
        assert.match(
          stdout,
          new RegExp(`;-\\$${kind}$`, "m"),
          `${name} ${type} is ${kind}:\n${stdout}`,
        );
      });
    });

    test("a wrong trust anchor: broken trust chain, nothing validated", async () => {
      const { stdout, stderr } = await lookup(
        WRONG_ANCHOR_ZONE,
        `static.${WRONG_ANCHOR_ZONE}`,
        "A",
      );
      assert.doesNotMatch(stdout, /fully validated/);
      assert.match(stderr, /resolution failed: broken trust chain/, stderr);
    });
  });
}
