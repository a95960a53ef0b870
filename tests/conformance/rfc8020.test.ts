// RFC 8020: NXDOMAIN means there is nothing underneath.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { healthWithDown, query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({
    config: testConfig(),
    key: null,
    health: healthWithDown("192.0.2.10", "192.0.2.1", "192.0.2.2", "2001:db8::1"),
  });
});
after(() => open.close());

describe("RFC 8020", () => {
  test("§2: a name with something below it (ENT) is never NXDOMAIN", async () => {
    assert.equal((await query(open.exchange, "eu.example.test", "A")).rcode, "NOERROR");
    assert.equal((await query(open.exchange, "eu.example.net", "AAAA")).rcode, "NOERROR");
  });
  test("a configured name whose addresses are all down answers NODATA, not NXDOMAIN", async () => {
    for (const name of ["www.example.test", "api.eu.example.test"]) {
      const r = await query(open.exchange, name, "A");
      assert.equal(r.rcode, "NOERROR", name);
      assert.equal(r.answers.length, 0, name);
      assert.equal(r.authorities[0].type, "SOA");
    }
  });
  test("§2: below a name that is NXDOMAIN everything is NXDOMAIN too", async () => {
    assert.equal((await query(open.exchange, "none.example.test", "A")).rcode, "NXDOMAIN");
    assert.equal((await query(open.exchange, "deeper.none.example.test", "A")).rcode, "NXDOMAIN");
  });
});
