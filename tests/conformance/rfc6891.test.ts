// RFC 6891: EDNS(0).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { decode, makeQuery, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

let open: OpenExchange;
before(async () => {
  const many = Array.from({ length: 40 }, (_, i) => `2001:db8::${i + 1}`);
  const sixteen = many.slice(0, 16);
  const config = testConfig({
    records: [
      { name: "many", addresses: many, check: null, whenAllDown: { kind: "none" } },
      { name: "sixteen", addresses: sixteen, check: null, whenAllDown: { kind: "none" } },
    ],
  });
  open = await openExchange({ config, key: null });
});
after(() => open.close());

const optOf = (out: Uint8Array) => out.subarray(out.length - 11);

describe("RFC 6891", () => {
  test("§7: a query with OPT gets an OPT; without, none", async () => {
    const withOpt = (await open.exchange(makeQuery("example.test", "SOA", { edns: {} }), "udp"))!;
    assert.equal((withOpt[10] << 8) | withOpt[11], 1);
    assert.deepEqual([...optOf(withOpt)].slice(0, 3), [0, 0, 41]);
    const without = (await open.exchange(makeQuery("example.test", "SOA"), "udp"))!;
    assert.equal((without[10] << 8) | without[11], 0);
  });
  test("§6.1.2/§6.2.5: our OPT advertises 1232 octets, version 0, and copies DO", async () => {
    const out = (await open.exchange(
      makeQuery("example.test", "SOA", { edns: { dnssecOk: true, udpSize: 4096 } }),
      "udp",
    ))!;
    const opt = optOf(out);
    assert.equal((opt[3] << 8) | opt[4], 1232);
    assert.equal(opt[6], 0);
    assert.equal(opt[7] & 0x80, 0x80);
  });
  test("§6.1.3: version > 0 gets BADVERS", async () => {
    const out =
      (await open.exchange(makeQuery("example.test", "SOA", { edns: { version: 2 } }), "udp"))!;
    assert.equal((optOf(out)[5] << 4) | (out[3] & 0x0f), 16);
  });
  test("§6.1.1: more than one OPT is FORMERR", async () => {
    const q = makeQuery("example.test", "SOA", { edns: {} });
    const twice = Uint8Array.from([...q, ...q.subarray(q.length - 11)]);
    twice[11] = 2;
    assert.equal((await open.exchange(twice, "udp"))![3] & 0x0f, 1);
  });
  test("§6.1.1: an OPT whose owner is not the root is FORMERR", async () => {
    const q = makeQuery("example.test", "SOA", { edns: {} });
    const named = Uint8Array.from([
      ...q.subarray(0, q.length - 11),
      1,
      0x78,
      ...q.subarray(q.length - 11),
    ]);
    assert.equal((await open.exchange(named, "udp"))![3] & 0x0f, 1);
  });
  test("§6.2.3/§6.2.5: a UDP response fits the advertised size (values below 512 count as 512)", async () => {
    for (
      const [size, truncated] of [[4096, false], [1232, false], [600, true], [100, true]] as const
    ) {
      const out = (await open.exchange(
        makeQuery("many.example.test", "AAAA", { edns: { udpSize: size } }),
        "udp",
      ))!;
      assert.ok(out.length <= Math.max(size, 512), `size ${size}: ${out.length}`);
      assert.equal(decode(out).flag_tc, truncated, `size ${size}`);
    }
  });
  test("§6.2.5: an advertised size below 512 is treated as 512, not obeyed", async () => {
    // 16 AAAA make a response of 496 octets: more than these sizes, less than 512.
    for (const size of [0, 100, 495]) {
      const out = (await open.exchange(
        makeQuery("sixteen.example.test", "AAAA", { edns: { udpSize: size } }),
        "udp",
      ))!;
      assert.ok(out.length > size && out.length <= 512, `size ${size}: ${out.length}`);
      const r = decode(out);
      assert.equal(r.flag_tc, false, `size ${size}`);
      assert.equal(r.answers!.length, 16, `size ${size}`);
    }
  });
  test("§7: unknown EDNS options are ignored", async () => {
    const q = makeQuery("example.test", "SOA", { edns: {} });
    const withOption = Uint8Array.from([
      ...q.subarray(0, q.length - 2),
      0,
      6,
      0xfd,
      0xe9,
      0,
      2,
      0xab,
      0xcd,
    ]);
    const r = decode(await open.exchange(withOption, "udp"));
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.answers.length, 1);
  });
  test("§7: FORMERR and NOTIMP responses carry an OPT when the query had a valid one", async () => {
    const q = makeQuery("example.test", "SOA", { edns: { dnssecOk: true } });
    const junk = Uint8Array.from([...q, 0xff]);
    const formerr = (await open.exchange(junk, "udp"))!;
    assert.equal(formerr[3] & 0x0f, 1);
    assert.equal((formerr[10] << 8) | formerr[11], 1);
    assert.deepEqual([...optOf(formerr)].slice(0, 3), [0, 0, 41]);
    assert.equal(optOf(formerr)[7] & 0x80, 0x80, "DO copied");
    const notify = Uint8Array.from(q);
    notify[2] |= 4 << 3;
    const notimp = (await open.exchange(notify, "udp"))!;
    assert.equal(notimp[3] & 0x0f, 4);
    assert.deepEqual([...optOf(notimp)].slice(0, 3), [0, 0, 41]);
    const plain = makeQuery("example.test", "SOA");
    plain[2] |= 4 << 3;
    assert.equal((await open.exchange(plain, "udp"))!.length, 12, "no OPT without one");
  });
});
