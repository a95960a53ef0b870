// RFC 8659: CAA records (flags, tag, value) at the zone apex, in the hosted
// and an alias zone, over UDP and TCP, read with dig field by field; NODATA
// for CAA where a name has other types only.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dig, startStaticZone, type StaticZone } from "../helpers/static_zone.ts";

let zone: StaticZone;
before(async () => (zone = await startStaticZone()));
after(() => zone.close());

describe("RFC 8659", () => {
  test("§4.1: flags, tag and value of each CAA record at the apex, AA, in every zone", async () => {
    for (const [apex, extra] of [["example.test", []], ["example.net", ["+tcp"]]] as const) {
      const r = await dig(zone.server.port, apex, "CAA", [...extra]);
      assert.equal(r.status, "NOERROR");
      assert.ok(r.flags.includes("aa"), `flags ${r.flags}`);
      assert.deepEqual(r.answer, [
        [`${apex}.`, "1800", "IN", "CAA", "0", "issue", '"letsencrypt.org"'],
        [`${apex}.`, "1800", "IN", "CAA", "128", "iodef", '"mailto:security@example.test"'],
      ]);
    }
  });
  test("a name with other types only answers CAA with NODATA (the apex's SOA)", async () => {
    const r = await dig(zone.server.port, "www.example.test", "CAA");
    assert.equal(r.status, "NOERROR");
    assert.deepEqual(r.answer, []);
    assert.deepEqual(r.authority.map((fields) => [fields[0], fields[3]]), [[
      "example.test.",
      "SOA",
    ]]);
  });
});
