// RFC 2308: negative caching — SOA in the authority section and its TTL.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({ config: testConfig(), key: null });
});
after(() => open.close());

type Soa = { minimum: number };

describe("RFC 2308", () => {
  test("§3: NXDOMAIN carries the zone's SOA in the authority section", async () => {
    for (
      const [name, apex] of [["gone.example.test", "example.test"], [
        "gone.example.net",
        "example.net",
      ]]
    ) {
      const r = await query(open.exchange, name, "A");
      assert.equal(r.rcode, "NXDOMAIN");
      assert.deepEqual(r.authorities.map((a) => [a.name, a.type]), [[apex, "SOA"]]);
    }
  });
  test("§2.2: NODATA is NOERROR with an empty answer and the SOA", async () => {
    const r = await query(open.exchange, "static.example.test", "AAAA");
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.answers.length, 0);
    assert.equal(r.authorities[0].type, "SOA");
  });
  test("§3/§5: the negative SOA's TTL is min(SOA TTL, SOA MINIMUM)", async () => {
    const soa = (await query(open.exchange, "example.test", "SOA")).answers[0];
    const minimum = (soa.data as Soa).minimum;
    for (const [name, type] of [["gone.example.test", "A"], ["www.example.test", "MX"]]) {
      const negative = (await query(open.exchange, name, type)).authorities[0];
      assert.equal(negative.ttl, Math.min(soa.ttl, minimum));
      assert.ok(negative.ttl < soa.ttl);
    }
  });
});
