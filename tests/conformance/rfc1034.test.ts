// RFC 1034: domain concepts — authoritative answers, names, existence.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({ config: testConfig(), key: null });
});
after(() => open.close());

describe("RFC 1034", () => {
  test("§4.3.2 step 3a: data at the name is returned with AA set", async () => {
    const r = await query(open.exchange, "static.example.test", "A");
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.flag_aa, true);
    assert.deepEqual(r.answers.map((a) => a.data), ["198.51.100.7"]);
  });
  test("§4.3.2 step 3c: a name that does not exist in an authoritative zone is a name error (NXDOMAIN, AA)", async () => {
    const r = await query(open.exchange, "missing.example.test", "A");
    assert.equal(r.rcode, "NXDOMAIN");
    assert.equal(r.flag_aa, true);
  });
  test("§3.1: a node with children but no data exists (empty non-terminal answers NODATA)", async () => {
    const r = await query(open.exchange, "eu.example.test", "A");
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.answers.length, 0);
    assert.equal((await query(open.exchange, "api.eu.example.test", "A")).answers.length, 1);
  });
  test("§4.3.2 step 2: a name in no zone we serve is refused, not answered", async () => {
    for (const name of ["example.com", "test"]) {
      const r = await query(open.exchange, name, "A");
      assert.equal(r.rcode, "REFUSED");
      assert.equal(r.flag_aa, false);
    }
  });
  test("§4.3.5: the apex holds SOA and NS", async () => {
    assert.equal((await query(open.exchange, "example.test", "SOA")).answers[0].type, "SOA");
    assert.equal((await query(open.exchange, "example.net", "NS")).answers.length, 2);
  });
});
