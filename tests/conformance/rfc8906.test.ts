// RFC 8906: a common operational problem — always answer, never drop a well-formed query.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { makeQuery, query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  open = await openExchange({ config: testConfig(), key: null });
});
after(() => open.close());

describe("RFC 8906", () => {
  test("§8.1: unknown query types are answered (NODATA), not dropped", async () => {
    for (const type of ["TYPE1000", "TYPE65280", "CAA", "TXT", "DS"]) {
      const r = await query(open.exchange, "example.test", type);
      assert.equal(r.rcode, "NOERROR", type);
      assert.equal(r.answers.length, 0, type);
    }
  });
  test("§8.2: unknown header flags (Z, AD in a query) are ignored and cleared", async () => {
    const q = makeQuery("example.test", "SOA");
    q[3] |= 0x60;
    const out = (await open.exchange(q, "udp"))!;
    assert.equal(out[3], 0);
    assert.equal((out[6] << 8) | out[7], 1);
  });
  test("§8.2.2: an EDNS query with an unknown option and a large size is answered", async () => {
    const q = makeQuery("example.test", "SOA", { edns: { udpSize: 65535 } });
    const withOption = Uint8Array.from([...q.subarray(0, q.length - 2), 0, 4, 0x00, 0x64, 0, 0]);
    const out = (await open.exchange(withOption, "udp"))!;
    assert.equal(out[3] & 0x0f, 0);
  });
  test("§8.1: unknown opcodes get NOTIMP, not silence", async () => {
    const q = makeQuery("example.test", "SOA");
    q[2] |= 7 << 3;
    assert.equal((await open.exchange(q, "udp"))![3] & 0x0f, 4);
  });
});
