// RFC 2181: clarifications — RRsets, TTLs, truncation.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { makeQuery, query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  const duplicated = {
    name: "dup",
    addresses: ["192.0.2.9", "192.0.2.9"],
    check: null,
    whenAllDown: { kind: "none" },
  } as const;
  const config = testConfig({
    records: [...testConfig().records, duplicated, {
      ...duplicated,
      addresses: ["192.0.2.9", "192.0.2.8"],
    }],
  });
  open = await openExchange({ config, key: null });
});
after(() => open.close());

describe("RFC 2181", () => {
  test("§5.2: every record of an RRset carries the same TTL", async () => {
    for (const [name, type] of [["www.example.test", "A"], ["example.test", "NS"]]) {
      const ttls = new Set((await query(open.exchange, name, type)).answers.map((a) => a.ttl));
      assert.equal(ttls.size, 1, `${name} ${type}`);
    }
  });
  test("§5: an RRset holds no duplicate records, even when configured twice", async () => {
    const r = await query(open.exchange, "dup.example.test", "A");
    assert.deepEqual(r.answers.map((a) => a.data).sort(), ["192.0.2.8", "192.0.2.9"]);
  });
  test("§8: TTLs stay within 0 .. 2^31 − 1", async () => {
    const soa = (await query(open.exchange, "example.test", "SOA")).answers[0];
    assert.ok(soa.ttl >= 0 && soa.ttl <= 0x7fffffff);
  });
  test("§9: TC is not set when the whole answer fits", async () => {
    const out = (await open.exchange(makeQuery("www.example.test", "A"), "udp"))!;
    assert.equal(out[2] & 0x02, 0);
  });
  test("§6.1: the apex SOA and NS are authoritative data (AA set)", async () => {
    assert.equal((await query(open.exchange, "example.net", "SOA")).flag_aa, true);
  });
});
