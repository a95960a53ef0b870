// RFC 8482: minimal responses to ANY.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { query, testConfig, testKey } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({ config: testConfig(), key: await testKey() });
});
after(() => open.close());

describe("RFC 8482", () => {
  test('§4.2: ANY at an existing name gets one synthesised HINFO "RFC8482" ""', async () => {
    for (const name of ["example.test", "www.example.net", "eu.example.test"]) {
      const r = await query(open.exchange, name, "ANY");
      assert.equal(r.rcode, "NOERROR");
      assert.equal(r.flag_aa, true);
      assert.deepEqual(r.answers.map((a) => [a.type, a.data]), [["HINFO", {
        cpu: "RFC8482",
        os: "",
      }]]);
    }
  });
  test("§6: its TTL is the negative-answer TTL, not the SOA TTL", async () => {
    const soa = (await query(open.exchange, "example.test", "SOA")).answers[0];
    const hinfo = (await query(open.exchange, "example.test", "ANY")).answers[0];
    assert.equal(hinfo.ttl, Math.min(soa.ttl, (soa.data as { minimum: number }).minimum));
  });
  test("§4.2: in a signed zone, DO=1 gets the HINFO with its RRSIG", async () => {
    const r = await query(open.exchange, "www.example.test", "ANY", { edns: { dnssecOk: true } });
    assert.deepEqual(r.answers.map((a) => a.type), ["HINFO", "RRSIG"]);
  });
  test("ANY at a name that does not exist is NXDOMAIN", async () => {
    assert.equal((await query(open.exchange, "nothing.example.test", "ANY")).rcode, "NXDOMAIN");
  });
});
