// RFC 2782: SRV records (priority, weight, port, target), their underscore
// owner names and the empty non-terminals above them, in the hosted and an
// alias zone, over UDP and TCP, read with dig field by field.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dig, startStaticZone, type StaticZone } from "../helpers/static_zone.ts";

let zone: StaticZone;
before(async () => (zone = await startStaticZone()));
after(() => zone.close());

describe("RFC 2782", () => {
  test("SRV RDATA: priority, weight, port, target; relative target in the zone, absolute kept; AA", async () => {
    for (const transport of [[], ["+tcp"]]) {
      const r = await dig(zone.server.port, "_https._tcp.www.example.test", "SRV", transport);
      assert.equal(r.status, "NOERROR");
      assert.ok(r.flags.includes("aa"), `flags ${r.flags}`);
      assert.deepEqual(r.answer, [
        [
          "_https._tcp.www.example.test.",
          "1800",
          "IN",
          "SRV",
          "0",
          "5",
          "443",
          "www.example.test.",
        ],
        [
          "_https._tcp.www.example.test.",
          "1800",
          "IN",
          "SRV",
          "1",
          "0",
          "8443",
          "backup.example.org.",
        ],
      ]);
    }
  });
  test("alias zone: a relative target becomes relative to that zone, an absolute one stays", async () => {
    const r = await dig(zone.server.port, "_https._tcp.www.example.net", "SRV");
    assert.ok(r.flags.includes("aa"));
    assert.deepEqual(r.answer.map((fields) => fields.slice(4)), [
      ["0", "5", "443", "www.example.net."],
      ["1", "0", "8443", "backup.example.org."],
    ]);
  });
  test("an owner that exists only as a parent (_tcp.www) is an empty non-terminal: NODATA, not NXDOMAIN", async () => {
    for (const type of ["SRV", "A", "TXT"]) {
      const r = await dig(zone.server.port, "_tcp.www.example.test", type);
      assert.equal(r.status, "NOERROR", type);
      assert.deepEqual(r.answer, []);
      assert.deepEqual(r.authority.map((fields) => fields[3]), ["SOA"]);
    }
  });
  test("NODATA beside SRV (A at the SRV owner), NXDOMAIN for a sibling service", async () => {
    const nodata = await dig(zone.server.port, "_https._tcp.www.example.test", "A");
    assert.equal(nodata.status, "NOERROR");
    assert.deepEqual(nodata.answer, []);
    const missing = await dig(zone.server.port, "_imaps._tcp.www.example.test", "SRV");
    assert.equal(missing.status, "NXDOMAIN");
    assert.ok(missing.flags.includes("aa"));
  });
});
