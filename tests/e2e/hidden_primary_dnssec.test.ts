// A signed zone through the transfer path: Knot DNS as a secondary serves
// what healthy-dns signed (DNSKEY, RRSIGs, the whole NSEC chain), unbound
// validates Knot's answers against healthy-dns's DS (AD set), and
// ldns-verify-zone accepts the zone Knot transferred; the zone holds every
// static type too (TXT, MX, SRV, CAA).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { zoneTiming } from "../../src/zone/timing.ts";
import { loadConfig } from "../../src/config/load.ts";
import { readFile } from "node:fs/promises";
import {
  needsSecondary,
  type Secondary,
  startSecondary,
  transferYaml,
} from "../../scripts/bench/harness/secondary.ts";
import {
  freePort,
  startTestServer,
  type TestServer,
} from "../../scripts/bench/harness/server_harness.ts";
import {
  ALIAS,
  CHECKED_ADDRESS,
  HOSTED,
  type SignedSetup,
  signedSetup,
  STATIC_RECORD_LINES,
} from "../helpers/signed_setup.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import { startUnbound, type Unbound, UNBOUND_BINARY } from "../helpers/unbound.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { recordText, transfer, tsigKey } from "../../scripts/bench/harness/xfr_client.ts";

const LDNS_VERIFY_ZONE = "/usr/bin/ldns-verify-zone";
const skip = needsSecondary("knot") || needsTools(UNBOUND_BINARY, LDNS_VERIFY_ZONE, "dig");

/** A zone as text (one record per line, presentation format) from dig's AXFR through `secondary`. */
function zoneText(
  secondary: Secondary,
  zone: string,
  key: { algorithm: string; name: string; secret: string },
) {
  const dig = spawnSync("dig", [
    "+nocmd",
    "+nostats",
    "+nocomments",
    "-y",
    `${key.algorithm}:${key.name}:${key.secret}`,
    "-p",
    String(secondary.port),
    `@${secondary.address}`,
    zone,
    "AXFR",
  ], { encoding: "utf8", timeout: 10_000 });
  assert.equal(dig.status, 0, dig.stderr);
  return dig.stdout.split("\n").filter((line) => line.trim() !== "" && !/\sTSIG\s/.test(line))
    .join("\n") + "\n";
}

describe("signed zone via Knot as a secondary", { skip }, () => {
  const key = {
    name: "xfr-key",
    algorithm: "hmac-sha512" as const,
    secret: btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(64)))),
  };
  let setup: SignedSetup;
  let backend: TcpBackend;
  let primary: TestServer;
  let knot: Secondary;
  let unbound: Unbound;

  before(async () => {
    backend = await openTcpBackend(CHECKED_ADDRESS);
    setup = await signedSetup({
      algorithm: "ECDSAP256SHA256",
      healthPort: backend.port,
      extraRecords: STATIC_RECORD_LINES,
    });
    const knotPort = await freePort();
    appendFileSync(
      setup.configPath,
      [
        ...transferYaml(key, [{ kind: "knot", port: knotPort }], ["127.0.0.1"]),
        "",
      ].join("\n"),
    );
    primary = await startTestServer({ args: ["--config", setup.configPath] });
    knot = await startSecondary({
      kind: "knot",
      port: knotPort,
      primaryPort: primary.port,
      zones: [HOSTED, ALIAS],
      key,
    });
    unbound = await startUnbound({
      serverPort: knot.port,
      serverHost: knot.address,
      zones: setup.anchors.filter((anchor) => anchor.name !== "example.org"),
    });
  }, { timeout: 60_000 });

  after(async () => {
    await unbound?.stop();
    await knot?.stop();
    await primary?.stop();
    await backend?.stop();
    if (setup !== undefined) rmSync(setup.dir, { recursive: true, force: true });
  });

  test("the transfer carries DNSKEY, RRSIGs and the whole NSEC chain; Knot serves the same", {
    timeout: 60_000,
  }, async () => {
    await waitFor(
      "knot on the primary's serial",
      async () =>
        (await knot.serial(HOSTED)) === primary.server.serial &&
        (await knot.serial(ALIAS)) === primary.server.serial,
      10_000,
    );
    for (const zone of [HOSTED, ALIAS]) {
      const ours = await transfer(primary.port, zone, "AXFR", { key: tsigKey(key) });
      const types = new Set(ours.records.map((record) => record.type));
      for (
        const type of [
          "SOA",
          "NS",
          "DNSKEY",
          "RRSIG",
          "NSEC",
          "A",
          "AAAA",
          "TXT",
          "MX",
          "SRV",
          "CAA",
        ]
      ) {
        assert.ok(types.has(type as never), `${zone} AXFR has ${type}`);
      }
      // Every owner with data has an NSEC; every RRset has an RRSIG.
      const owners = new Set(ours.records.map((record) => record.name.toLowerCase()));
      const nsecOwners = new Set(
        ours.records.filter((r) => r.type === "NSEC").map((r) => r.name.toLowerCase()),
      );
      assert.deepEqual([...nsecOwners].sort(), [...owners].sort(), `${zone}: NSEC at every owner`);
      const theirs = await transfer(knot.port, zone, "AXFR", {
        key: tsigKey(key),
        host: knot.address,
      });
      assert.deepEqual(
        theirs.records.slice(1).map(recordText).sort(),
        ours.records.slice(1).map(recordText).sort(),
      );
    }
  });

  test("unbound validates Knot's answers (AD set), before and after a health change", {
    timeout: 60_000,
  }, async () => {
    const first = await unbound.resolve(`www.${HOSTED}`, "A");
    assert.equal(first.flag_ad, true, unbound.log());
    assert.deepEqual(first.answers.filter((r) => r.type === "A").map((r) => r.data), [
      CHECKED_ADDRESS,
    ]);
    await backend.stop();
    await waitFor("unbound to get a validated NODATA via Knot", async () => {
      const answer = await unbound.resolve(`www.${HOSTED}`, "A");
      return answer.rcode === "NOERROR" && answer.answers.length === 0 && answer.flag_ad === true;
    }, 15_000);
    const missing = await unbound.resolve(`nothing.${ALIAS}`, "A");
    assert.equal(missing.rcode, "NXDOMAIN");
    assert.equal(missing.flag_ad, true, "NXDOMAIN proven by the transferred NSEC chain");
    await backend.start();
  });

  test(
    "ldns-verify-zone accepts the zone Knot transferred; validity exceeds EXPIRE + the largest TTL",
    { timeout: 60_000 },
    async () => {
      const timing = zoneTiming(
        await loadConfig(["--config", setup.configPath], (p) => readFile(p, "utf8")),
      );
      for (const zone of [HOSTED, ALIAS]) {
        const file = join(setup.dir, `${zone}.zone`);
        writeFileSync(file, zoneText(knot, zone, key));
        const verify = spawnSync(LDNS_VERIFY_ZONE, ["-V", "2", file], { encoding: "utf8" });
        assert.equal(verify.status, 0, `${zone}: ${verify.stdout}${verify.stderr}`);
        // Whatever Knot serves must stay valid for as long as it may serve it, plus a TTL.
        const ours = await transfer(primary.port, zone, "AXFR", { key: tsigKey(key) });
        const now = Date.now() / 1000;
        for (const record of ours.records.filter((r) => r.type === "RRSIG")) {
          const { expiration } = record.data as { expiration: number };
          assert.ok(
            expiration - now > timing.soaExpire + timing.maxTtl,
            `RRSIG ${record.name} expires too soon`,
          );
        }
      }
    },
  );
});
