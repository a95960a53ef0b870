// DNSSEC for the static record types: unbound (AD) and delv validate a TXT
// (one over 255 octets), MX, SRV and CAA answer, at the apex and at
// underscore names, in the hosted and an alias zone, and a NODATA at a name
// with other types and at an empty non-terminal (its NSEC bitmap must list
// exactly the types present). One algorithm: the signing path is the same
// for every type, and tests/e2e/dnssec_unbound.test.ts covers all three.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";
import {
  ALIAS,
  HOSTED,
  type SignedSetup,
  signedSetup,
  STATIC_RECORD_LINES,
} from "../helpers/signed_setup.ts";
import { startUnbound, type Unbound, UNBOUND_BINARY } from "../helpers/unbound.ts";
import { delv, DELV_BINARY, writeDelvAnchors } from "../helpers/delv.ts";
import { LONG_TXT } from "../helpers/static_zone.ts";

const MISSING = needsTools(UNBOUND_BINARY, DELV_BINARY);

/** A decoded record's data as text: TXT character-strings joined, other RDATA as JSON. */
function rdataText(data: unknown): string {
  if (Array.isArray(data)) return data.map((piece) => new TextDecoder().decode(piece)).join("");
  return typeof data === "string" ? data : JSON.stringify(data);
}

describe("DNSSEC with TXT, MX, SRV and CAA", { skip: MISSING }, () => {
  let setup: SignedSetup;
  let server: TestServer;
  let unbound: Unbound;
  let anchors: string;
  before(async () => {
    setup = await signedSetup({
      algorithm: "ECDSAP256SHA256",
      healthPort: 9,
      extraRecords: STATIC_RECORD_LINES,
    });
    server = await startTestServer({ args: ["--config", setup.configPath], health: ALL_HEALTHY });
    unbound = await startUnbound({ serverPort: server.port, zones: setup.anchors.slice(0, 2) });
    anchors = writeDelvAnchors(setup.dir, setup.anchors);
  });
  after(async () => {
    await unbound?.stop();
    await server?.stop();
    if (setup !== undefined) rmSync(setup.dir, { recursive: true, force: true });
  });

  const cases: [string, string, string][] = [
    [HOSTED, "TXT", "v=spf1 -all"],
    [HOSTED, "MX", `static.${HOSTED}`],
    [HOSTED, "CAA", "letsencrypt.org"],
    [`_acme-challenge.www.${HOSTED}`, "TXT", LONG_TXT.slice(0, 40)],
    [`_https._tcp.www.${ALIAS}`, "SRV", `www.${ALIAS}`],
    [ALIAS, "MX", `static.${ALIAS}`],
  ];

  test("unbound validates (AD) an answer of each new type, in both zones", async () => {
    for (const [name, type, expected] of cases) {
      const r = await unbound.resolve(name, type);
      const shown = `${name} ${type}: rcode=${r.rcode} ad=${r.flag_ad}\n${
        unbound.log().slice(-2000)
      }`;
      assert.equal(r.rcode, "NOERROR", shown);
      assert.equal(r.flag_ad, true, shown);
      const data = r.answers.filter((a) => a.type === type).map((a) => rdataText(a.data));
      assert.ok(data.some((d) => d.includes(expected)), `${shown}\n${data}`);
    }
  });

  test("unbound validates NODATA at a name with other types and at an empty non-terminal", async () => {
    for (
      const [name, type] of [
        [HOSTED, "SRV"],
        [`_acme-challenge.www.${HOSTED}`, "A"],
        [`_https._tcp.www.${HOSTED}`, "TXT"],
        [`_tcp.www.${HOSTED}`, "SRV"],
      ]
    ) {
      const r = await unbound.resolve(name, type);
      assert.equal(r.rcode, "NOERROR", `${name} ${type}`);
      assert.equal(r.flag_ad, true, `${name} ${type}: ${unbound.log().slice(-2000)}`);
      assert.deepEqual(r.answers, []);
    }
  });

  test("delv fully validates each new type and a NODATA beside them", async () => {
    for (const [name, type] of cases) {
      const zone = name.endsWith(ALIAS) ? ALIAS : HOSTED;
      const result = await delv(server.port, anchors, zone, name, type);
      assert.match(result.stdout, /; fully validated/, `${name} ${type}: ${result.stderr}`);
      assert.match(result.stdout, new RegExp(`\\sIN\\s+${type}\\s`));
    }
    const nodata = await delv(server.port, anchors, HOSTED, `_acme-challenge.www.${HOSTED}`, "MX");
    assert.match(nodata.stdout, /; negative response, fully validated/, nodata.stderr);
  });
});
