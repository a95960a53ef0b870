// RFC 4343: DNS case insensitivity.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { makeQuery, query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({ config: testConfig(), key: null });
});
after(() => open.close());

describe("RFC 4343", () => {
  test("§3: ASCII letters match case-insensitively", async () => {
    for (const name of ["WWW.EXAMPLE.TEST", "wWw.ExAmPlE.tEsT", "www.example.test"]) {
      const r = await query(open.exchange, name, "A");
      assert.equal(r.rcode, "NOERROR", name);
      assert.equal(r.answers.length, 2, name);
    }
    assert.equal((await query(open.exchange, "EXAMPLE.NET", "SOA")).answers.length, 1);
  });
  test("§4.1: the question keeps the client's case (0x20 randomisation survives)", async () => {
    const q = makeQuery("wWw.EXAMPLE.test", "A");
    const out = (await open.exchange(q, "udp"))!;
    assert.deepEqual([...out.subarray(12, q.length)], [...q.subarray(12)]);
  });
  test("§3: octets outside ASCII letters are not case-folded", async () => {
    const q = makeQuery("www.example.test", "A");
    q[13] = 0xd7; // "w" (0x77) with a high bit: a different label, not a case variant
    const out = (await open.exchange(q, "udp"))!;
    assert.equal(out[3] & 0x0f, 3, "NXDOMAIN");
  });
});
