import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { answerQuery } from "../../src/answer/answer_query.ts";
import type { RecordConfig } from "../../src/config/config.ts";
import type { Snapshot } from "../../src/zone/snapshot.ts";
import {
  ask,
  decode,
  fixtureSnapshot,
  healthWithDown,
  makeQuery,
  testConfig,
} from "../../scripts/bench/harness/zone_fixture.ts";
import { responseRcode } from "../../src/wire/constants.ts";
import { appendRecord, aRecord, TSIG_TIME_AND_FUDGE, tsigRecord } from "../helpers/raw_records.ts";

type Rrsig = { typeCovered: string; originalTTL: number; signersName: string };

let plain: Snapshot;
let signed: Snapshot;
let wide: Snapshot;

/** A record with `count` IPv6 addresses: 28 octets each in an answer. */
function manyAddresses(name: string, count: number): RecordConfig {
  return {
    name,
    addresses: Array.from({ length: count }, (_, i) => `2001:db8::${(i + 1).toString(16)}`),
    check: null,
    whenAllDown: { kind: "none" },
  };
}

before(async () => {
  plain = await fixtureSnapshot();
  signed = await fixtureSnapshot({
    signed: true,
    health: healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1"),
  });
  wide = await fixtureSnapshot({
    config: testConfig({ records: [manyAddresses("forty", 40), manyAddresses("sixty", 60)] }),
  });
});

describe("answerQuery: classic rows (contract §1)", () => {
  test("a name outside every served zone: REFUSED, AA clear", () => {
    for (const name of ["example.org", "test", "xexample.test", "."]) {
      const r = ask(plain, name, "A");
      assert.equal(r.rcode, "REFUSED", name);
      assert.equal(r.flag_aa, false);
      assert.equal(r.answers!.length, 0);
    }
  });
  test("records of the asked type: NOERROR, AA, the full RRset with one TTL", () => {
    const r = ask(plain, "www.example.test", "A");
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.flag_aa, true);
    assert.deepEqual(r.answers!.map((a) => [a.name, a.type, a.ttl, (a as { data: string }).data]), [
      ["www.example.test", "A", 60, "192.0.2.1"],
      ["www.example.test", "A", 60, "192.0.2.2"],
    ]);
    assert.equal(r.authorities!.length, 0);
  });
  test("an existing name without that type, an ENT, an all-down name: NODATA with the apex SOA", () => {
    const down = decode(answerQuery(makeQuery("www.example.test", "A"), signed, "udp"));
    for (
      const r of [
        ask(plain, "static.example.test", "AAAA"),
        ask(plain, "eu.example.test", "A"),
        down,
      ]
    ) {
      assert.equal(r.rcode, "NOERROR");
      assert.equal(r.flag_aa, true);
      assert.equal(r.answers!.length, 0);
      assert.deepEqual(r.authorities!.map((a) => [a.name, a.type, a.ttl]), [[
        "example.test",
        "SOA",
        60,
      ]]);
    }
  });
  test("a name that does not exist: NXDOMAIN, AA, apex SOA with TTL min(SOA TTL, MINIMUM)", () => {
    for (
      const [name, apex] of [["nope.example.test", "example.test"], [
        "a.b.c.www.EXAMPLE.net",
        "example.net",
      ]]
    ) {
      const r = ask(plain, name, "A");
      assert.equal(r.rcode, "NXDOMAIN");
      assert.equal(r.flag_aa, true);
      assert.deepEqual(r.authorities!.map((a) => [a.name.toLowerCase(), a.type, a.ttl]), [[
        apex,
        "SOA",
        60,
      ]]);
      assert.equal((r.authorities![0] as { data: { minimum: number } }).data.minimum, 60);
    }
  });
  test("unknown and unsupported types are absent data", () => {
    assert.equal(ask(plain, "www.example.test", "MX").rcode, "NOERROR");
    assert.equal(ask(plain, "www.example.test", "TYPE65280").answers!.length, 0);
    assert.equal(ask(plain, "www.example.test", "TYPE65280").authorities![0].type, "SOA");
    assert.equal(ask(plain, "nope.example.test", "TYPE65280").rcode, "NXDOMAIN");
    assert.equal(
      ask(plain, "example.test", "DNSKEY").answers!.length,
      0,
      "DNSKEY absent when unsigned",
    );
  });
  test('ANY at an existing name: one HINFO "RFC8482" "" with the negative TTL (RFC 8482)', () => {
    for (const name of ["www.example.test", "example.test", "eu.example.test"]) {
      const r = ask(plain, name, "ANY");
      assert.equal(r.rcode, "NOERROR");
      assert.equal(r.flag_aa, true);
      assert.deepEqual(r.answers!.map((a) => [a.type, a.ttl, (a as { data: unknown }).data]), [[
        "HINFO",
        60,
        { cpu: "RFC8482", os: "" },
      ]]);
    }
    assert.equal(ask(plain, "nope.example.test", "ANY").rcode, "NXDOMAIN");
  });
  test("AXFR and IXFR: NOTIMP in zone (never a partial zone), REFUSED outside", () => {
    for (const type of ["AXFR", "IXFR"]) {
      const r = ask(plain, "example.test", type);
      assert.equal(r.rcode, "NOTIMP");
      assert.equal(r.flag_aa, false);
      assert.equal(r.answers!.length, 0);
      assert.equal(ask(plain, "nope.example.net", type).rcode, "NOTIMP");
      assert.equal(ask(plain, "example.org", type).rcode, "REFUSED");
    }
  });
  test("class other than IN: REFUSED, AA clear", () => {
    for (const qclass of [3, 4, 255]) {
      const r = decode(answerQuery(makeQuery("www.example.test", "A", { qclass }), plain, "udp"));
      assert.equal(r.rcode, "REFUSED");
      assert.equal(r.flag_aa, false);
      assert.equal(r.answers!.length, 0);
    }
  });
  test("opcode other than QUERY: NOTIMP, AA clear, ID and opcode copied", () => {
    for (const opcode of [1, 2, 4, 5, 6, 15]) {
      const q = makeQuery("www.example.test", "A", { id: 0xbeef });
      q[2] |= opcode << 3;
      const out = answerQuery(q, plain, "udp")!;
      assert.equal(out[0] << 8 | out[1], 0xbeef);
      assert.equal((out[2] >> 3) & 0xf, opcode);
      assert.equal(out[3] & 0xf, 4);
      assert.equal(out[2] & 0x04, 0, "AA clear");
      assert.equal(out[2] & 0x80, 0x80, "QR set");
    }
  });
  test("QDCOUNT ≠ 1: FORMERR, AA clear", () => {
    for (const count of [0, 2]) {
      const q = makeQuery("www.example.test", "A", { id: 7 });
      q[5] = count;
      const r = decode(answerQuery(q, plain, "udp"));
      assert.equal(r.rcode, "FORMERR");
      assert.equal(r.id, 7);
      assert.equal(r.flag_aa, false);
    }
  });
  test("malformed with a readable header: FORMERR with the query's ID", () => {
    const q = makeQuery("www.example.test", "A", { id: 4242 });
    const cases = [
      q.subarray(0, 14), // question cut off
      q.subarray(0, q.length - 2), // type present, class missing
      Uint8Array.from([...q.subarray(0, 12), 0xc0, 12, 0, 1, 0, 1]), // pointer in the question
      Uint8Array.from([...q.subarray(0, 11), 1, ...q.subarray(12)]), // ARCOUNT 1 but no record
    ];
    for (const bad of cases) {
      const out = answerQuery(bad, plain, "udp")!;
      assert.equal(out.length, 12);
      assert.equal(out[0] << 8 | out[1], 4242);
      assert.equal(out[3] & 0xf, 1);
      assert.equal(out[2] & 0x84, 0x80, "QR set, AA clear");
    }
  });
  test("fewer than 12 bytes or QR=1: dropped (null)", () => {
    assert.equal(answerQuery(new Uint8Array(11), plain, "udp"), null);
    assert.equal(answerQuery(new Uint8Array(0), plain, "tcp"), null);
    const response = makeQuery("www.example.test", "A");
    response[2] |= 0x80;
    assert.equal(answerQuery(response, plain, "udp"), null);
  });
  test("unknown or reserved header flags are ignored, never echoed except RD/CD", () => {
    const q = makeQuery("www.example.test", "A", { rd: true, cd: true });
    q[2] |= 0x06; // AA and TC in a query
    q[3] |= 0xe0; // RA, Z, AD
    const out = answerQuery(q, plain, "udp")!;
    const r = decode(out);
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.answers!.length, 2);
    assert.equal(out[2], 0x80 | 0x04 | 0x01, "QR AA RD; TC clear");
    assert.equal(out[3], 0x10, "CD only; RA, Z, AD clear");
  });
  test("the header: QR, ID, opcode, RD copied; RD clear stays clear", () => {
    const out = answerQuery(makeQuery("www.example.test", "A", { id: 0x0102 }), plain, "udp")!;
    assert.deepEqual([...out.subarray(0, 4)], [1, 2, 0x84, 0]);
  });
  test("the question is echoed exactly as sent (0x20 case) and names are compressed", () => {
    const q = makeQuery("wWw.ExAmPlE.TeSt", "A");
    const out = answerQuery(q, plain, "udp")!;
    assert.deepEqual([...out.subarray(12, q.length)], [...q.subarray(12)]);
    assert.deepEqual(
      [...out.subarray(q.length, q.length + 2)],
      [0xc0, 12],
      "answer owner points at the question",
    );
    const nx = decode(answerQuery(makeQuery("Deep.Nope.EXAMPLE.test", "A"), plain, "udp"));
    assert.equal(nx.questions![0].name, "Deep.Nope.EXAMPLE.test");
    assert.equal(nx.authorities![0].name.toLowerCase(), "example.test");
  });
  test("the additional section holds nothing but our OPT", () => {
    const r = decode(answerQuery(makeQuery("example.test", "NS", { edns: {} }), plain, "udp"));
    assert.deepEqual(r.additionals!.map((a) => a.type), ["OPT"]);
  });
  test("answers are pure: the same query twice gives the same bytes; long and short NXDOMAINs both decode", () => {
    const q = makeQuery("zz.example.test", "A", { edns: { dnssecOk: true } });
    assert.deepEqual(answerQuery(q, signed, "udp"), answerQuery(q, signed, "udp"));
    const long = ask(signed, "a.very.long.name.that.does.not.exist.example.test", "A", true);
    const short = ask(signed, "q.example.test", "A", true);
    for (const r of [long, short, ask(signed, "q.example.test", "A", true)]) {
      assert.equal(r.rcode, "NXDOMAIN");
      assert.ok(
        r.authorities!.every((a) => a.name === "example.test" || a.name.endsWith(".example.test")),
      );
    }
  });
});

describe("answerQuery: EDNS (RFC 6891)", () => {
  test("an OPT comes back with UDP size 1232, version 0 and DO copied; none without OPT", () => {
    for (const dnssecOk of [false, true]) {
      const out = answerQuery(
        makeQuery("www.example.test", "A", { edns: { udpSize: 4096, dnssecOk } }),
        plain,
        "udp",
      )!;
      const opt = decode(out).additionals!;
      assert.equal(opt.length, 1);
      assert.deepEqual([...out.subarray(out.length - 11)], [
        0,
        0,
        41,
        0x04,
        0xd0,
        0,
        0,
        dnssecOk ? 0x80 : 0,
        0,
        0,
        0,
      ]);
    }
    assert.equal(
      decode(answerQuery(makeQuery("www.example.test", "A"), plain, "udp")).additionals!.length,
      0,
    );
  });
  test("EDNS version > 0: BADVERS (extended RCODE 16) with our OPT", () => {
    const out = answerQuery(
      makeQuery("www.example.test", "A", { edns: { version: 1 } }),
      plain,
      "udp",
    )!;
    assert.equal(out[3] & 0xf, 0, "low bits of 16 in the header");
    assert.equal(out[out.length - 6], 1, "upper bits in the OPT TTL");
    assert.equal(out[out.length - 5], 0, "we speak version 0");
    assert.equal(out[7], 0, "no answer");
  });
  test("two OPTs, an OPT not at the root, or an OPT outside the additional section: FORMERR", () => {
    const q = makeQuery("www.example.test", "A", { edns: {} });
    const opt = q.subarray(q.length - 11);
    const twice = Uint8Array.from([...q, ...opt]);
    twice[11] = 2;
    const named = Uint8Array.from([...q.subarray(0, q.length - 11), 1, 0x61, ...opt]);
    const inAnswer = Uint8Array.from(q);
    inAnswer[7] = 1;
    inAnswer[11] = 0;
    const badOptions = Uint8Array.from([...q.subarray(0, q.length - 2), 0, 3, 0, 1, 0]);
    for (const bad of [twice, named, inAnswer, badOptions]) {
      const out = answerQuery(bad, plain, "udp")!;
      assert.equal(out[3] & 0xf, 1);
      assert.equal(out[0] << 8 | out[1], 0x1234);
    }
  });
  test("UDP responses fit 512 without EDNS, else TC with empty answer and authority", () => {
    const big = answerQuery(makeQuery("forty.example.test", "AAAA"), wide, "udp")!;
    const r = decode(big);
    assert.ok(big.length <= 512);
    assert.equal(r.flag_tc, true);
    assert.equal(r.answers!.length, 0);
    assert.equal(r.authorities!.length, 0);
    assert.equal(r.questions![0].name, "forty.example.test");
  });
  test("with EDNS: the advertised size (at least 512, at most our 1232); the OPT stays in a TC answer", () => {
    const fits = answerQuery(
      makeQuery("forty.example.test", "AAAA", { edns: { udpSize: 4096 } }),
      wide,
      "udp",
    )!;
    assert.equal(decode(fits).answers!.length, 40);
    assert.ok(fits.length <= 1232);
    const small = decode(
      answerQuery(makeQuery("forty.example.test", "AAAA", { edns: { udpSize: 100 } }), wide, "udp"),
    );
    assert.equal(small.flag_tc, true);
    const over = answerQuery(
      makeQuery("sixty.example.test", "AAAA", { edns: { udpSize: 4096 } }),
      wide,
      "udp",
    )!;
    assert.equal(decode(over).flag_tc, true);
    assert.deepEqual(decode(over).additionals!.map((a) => a.type), ["OPT"]);
    assert.ok(over.length <= 1232);
  });
  test("over TCP the whole answer comes back, TC clear", () => {
    const r = decode(answerQuery(makeQuery("sixty.example.test", "AAAA"), wide, "tcp"));
    assert.equal(r.flag_tc, false);
    assert.equal(r.answers!.length, 60);
  });
});

describe("answerQuery: DNSSEC (contract §3)", () => {
  test("DO=1 gets an RRSIG with the RRset, TTL equal to the covered RRset's", () => {
    for (
      const [name, type, ttl] of [["static.example.test", "A", 60], ["example.test", "NS", 1800], [
        "example.net",
        "SOA",
        1800,
      ], ["example.net", "DNSKEY", 600]] as const
    ) {
      const r = ask(signed, name, type, true);
      assert.deepEqual(r.answers!.map((a) => [a.type, a.ttl]), [
        ...r.answers!.slice(0, -1).map(() => [type, ttl]),
        ["RRSIG", ttl],
      ]);
      assert.equal((r.answers!.at(-1) as { data: Rrsig }).data.typeCovered, type);
    }
  });
  test("DO=0 gets no DNSSEC records, but DNSKEY, RRSIG and NSEC queries are answered", () => {
    assert.deepEqual(ask(signed, "static.example.test", "A").answers!.map((a) => a.type), ["A"]);
    assert.deepEqual(ask(signed, "nope.example.test", "A").authorities!.map((a) => a.type), [
      "SOA",
    ]);
    assert.deepEqual(ask(signed, "static.example.test", "MX").authorities!.map((a) => a.type), [
      "SOA",
    ]);
    assert.deepEqual(ask(signed, "example.test", "DNSKEY").answers!.map((a) => a.type), ["DNSKEY"]);
    assert.deepEqual(ask(signed, "static.example.test", "NSEC").answers!.map((a) => a.type), [
      "NSEC",
    ]);
    const sigs = ask(signed, "example.test", "RRSIG").answers!;
    assert.deepEqual(sigs.map((a) => (a as { data: Rrsig }).data.typeCovered).sort(), [
      "DNSKEY",
      "NS",
      "NSEC",
      "SOA",
    ]);
    assert.deepEqual(sigs.map((a) => a.ttl).sort((x, y) => x - y), [60, 600, 1800, 1800]);
  });
  test("NXDOMAIN: signed SOA, the NSEC covering the name and the NSEC denying the wildcard", () => {
    const r = ask(signed, "nope.example.test", "A", true);
    assert.equal(r.rcode, "NXDOMAIN");
    assert.deepEqual(r.authorities!.map((a) => [a.name, a.type, a.ttl]), [
      ["example.test", "SOA", 60],
      ["example.test", "RRSIG", 60],
      ["fb.example.test", "NSEC", 60],
      ["fb.example.test", "RRSIG", 60],
      ["example.test", "NSEC", 60],
      ["example.test", "RRSIG", 60],
    ]);
    assert.equal(
      (r.authorities![1] as { data: Rrsig }).data.originalTTL,
      1800,
      "Original TTL keeps the stored SOA TTL",
    );
  });
  test("NXDOMAIN where one NSEC covers both the name and the wildcard lists it once", () => {
    const r = ask(signed, "x.api.eu.example.net", "A", true);
    assert.deepEqual(r.authorities!.map((a) => [a.name, a.type]), [
      ["example.net", "SOA"],
      ["example.net", "RRSIG"],
      ["api.eu.example.net", "NSEC"],
      ["api.eu.example.net", "RRSIG"],
    ]);
  });
  test("NODATA: signed SOA and the name's own NSEC; at an ENT the NSEC covering it", () => {
    const r = ask(signed, "www.example.test", "A", true);
    assert.deepEqual(r.authorities!.map((a) => [a.name, a.type, a.ttl]), [
      ["example.test", "SOA", 60],
      ["example.test", "RRSIG", 60],
      ["www.example.test", "NSEC", 60],
      ["www.example.test", "RRSIG", 60],
    ]);
    const ent = ask(signed, "eu.example.test", "AAAA", true);
    assert.deepEqual(ent.authorities!.slice(2).map((a) => [a.name, a.type]), [[
      "all.example.test",
      "NSEC",
    ], ["all.example.test", "RRSIG"]]);
    assert.equal(
      (ent.authorities![2] as { data: { nextDomain: string } }).data.nextDomain,
      "api.eu.example.test",
    );
  });
  test("a DO=1 answer too big for UDP is truncated, never stripped of signatures", async () => {
    // 14 AAAA fit in 512 octets alone but not with their RRSIG: dropping the
    // signature would fit, so only TC is right.
    const fourteen = await fixtureSnapshot({
      signed: true,
      config: testConfig({ records: [manyAddresses("fourteen", 14)] }),
    });
    const ask512 = (dnssecOk: boolean, transport: "udp" | "tcp") =>
      answerQuery(
        makeQuery("fourteen.example.test", "AAAA", { edns: { udpSize: 512, dnssecOk } }),
        fourteen,
        transport,
      )!;
    const whole = ask512(true, "tcp");
    assert.ok(whole.length > 512, `the signed answer is ${whole.length} octets`);
    assert.deepEqual(decode(whole).answers!.map((a) => a.type), [
      ...Array(14).fill("AAAA"),
      "RRSIG",
    ]);
    assert.ok(ask512(false, "udp").length <= 512, "without its RRSIG the answer fits");
    const out = ask512(true, "udp");
    const r = decode(out);
    assert.ok(out.length <= 512);
    assert.equal(r.flag_tc, true);
    assert.deepEqual([r.answers!.length, r.authorities!.length], [0, 0]);
    // One that fits stays whole: NXDOMAIN with SOA, two NSECs and their RRSIGs.
    const fits = decode(
      answerQuery(
        makeQuery("nope.example.test", "A", { edns: { udpSize: 512, dnssecOk: true } }),
        signed,
        "udp",
      )!,
    );
    assert.equal(fits.flag_tc, false);
    assert.deepEqual(fits.authorities!.map((a) => a.type), [
      "SOA",
      "RRSIG",
      "NSEC",
      "RRSIG",
      "NSEC",
      "RRSIG",
    ]);
  });
});

/** FORMERR with the query's ID, AA clear, and only a header (plus an OPT when `withOpt`). */
function assertFormerr(out: Uint8Array | null, id: number, withOpt = false): void {
  assert.ok(out !== null);
  assert.equal(out[0] << 8 | out[1], id);
  assert.equal(out[3] & 0xf, 1, "FORMERR");
  assert.equal(out[2] & 0x84, 0x80, "QR set, AA clear");
  assert.equal(out.length, withOpt ? 23 : 12);
  assert.equal(out[11], withOpt ? 1 : 0);
}

describe("answerQuery: strict parsing (contract §1, RFC 1035 §4.1.4)", () => {
  const q = makeQuery("www.example.test", "A", { id: 0x5151 });
  test("bytes after the last counted record: FORMERR, on UDP and TCP", () => {
    const junk = Uint8Array.from([...q, 0xde, 0xad]);
    const padded = new Uint8Array(4096);
    padded.set(q);
    for (const bad of [junk, padded, Uint8Array.from([...q, 0])]) {
      assertFormerr(answerQuery(bad, plain, "udp"), 0x5151);
      assertFormerr(answerQuery(bad, plain, "tcp"), 0x5151);
    }
  });
  test("a record owner that points back to the question is fine", () => {
    const ok = appendRecord(q, "additional", aRecord([0xc0, 12]));
    assert.equal(decode(answerQuery(ok, plain, "udp")).rcode, "NOERROR");
    const viaLabel = appendRecord(q, "answer", aRecord([1, 0x61, 0xc0, 16]));
    assert.equal(decode(answerQuery(viaLabel, plain, "udp")).rcode, "NOERROR");
  });
  test("forward pointers, pointers into the header or to themselves: FORMERR", () => {
    const at = q.length; // where the appended owner name starts
    for (
      const owner of [
        [0xc0, at + 2], // just past itself
        [0xc0, at + 20], // into the record's own RDATA
        [0xc0, at], // itself
        [0xc0, 4], // into the header
        [1, 0x61, 0xc0, at + 2], // a label, then a pointer to that pointer
      ]
    ) {
      for (const section of ["answer", "authority", "additional"] as const) {
        const bad = appendRecord(q, section, aRecord(owner));
        assertFormerr(answerQuery(bad, plain, "udp"), 0x5151);
      }
    }
  });
  test("pointer loops and expansions beyond 255 octets: FORMERR", () => {
    const at = q.length;
    const loop = appendRecord(q, "additional", aRecord([1, 0x61, 0xc0, at])); // a.a.a.…
    assertFormerr(answerQuery(loop, plain, "udp"), 0x5151);
    // Three 63-octet labels and one of 50 (243 octets), then the 18-octet question name.
    const long = [...Array(3)].flatMap(() => [63, ...new Array(63).fill(0x62)]);
    const label50 = [50, ...new Array(50).fill(0x63)];
    const tooLong = appendRecord(q, "additional", aRecord([...long, ...label50, 0xc0, 12]));
    assertFormerr(answerQuery(tooLong, plain, "udp"), 0x5151);
    const fits = appendRecord(q, "additional", aRecord([...long.slice(0, 128), 0xc0, 12]));
    assert.equal(decode(answerQuery(fits, plain, "udp")).rcode, "NOERROR", "128 + 18 octets fit");
  });
  test("a question name longer than 255 octets: FORMERR", () => {
    const name = [...Array(5)].flatMap(() => [63, ...new Array(63).fill(0x62)]);
    const bad = Uint8Array.from([...q.subarray(0, 12), ...name, 0, 0, 1, 0, 1]);
    assertFormerr(answerQuery(bad, plain, "udp"), 0x5151);
  });
});

describe("answerQuery: errors keep the OPT (RFC 6891 §7) and stay small (contract §4)", () => {
  test("FORMERR and NOTIMP for an opcode carry our OPT when the query had a valid one", () => {
    const q = makeQuery("www.example.test", "A", { id: 0x0a0a, edns: { dnssecOk: true } });
    const question = q.subarray(12, q.length - 11);
    const twoQuestions = Uint8Array.from([
      ...q.subarray(0, q.length - 11),
      ...question,
      ...q.subarray(q.length - 11),
    ]);
    twoQuestions[5] = 2;
    const withJunk = Uint8Array.from([...q, 1, 2, 3]);
    for (const bad of [twoQuestions, withJunk]) {
      const out = answerQuery(bad, plain, "udp")!;
      assertFormerr(out, 0x0a0a, true);
      assert.deepEqual([...out.subarray(12)], [0, 0, 41, 0x04, 0xd0, 0, 0, 0x80, 0, 0, 0]);
    }
    const notify = Uint8Array.from(q);
    notify[2] |= 4 << 3;
    const out = answerQuery(notify, plain, "udp")!;
    assert.equal(out[3] & 0xf, 4);
    assert.equal(out.length, 23);
    assert.deepEqual([...out.subarray(12, 15)], [0, 0, 41]);
  });
  test("no OPT is echoed when the query's OPT was itself the fault", () => {
    const q = makeQuery("www.example.test", "A", { id: 9, edns: {} });
    const twice = Uint8Array.from([...q, ...q.subarray(q.length - 11)]);
    twice[11] = 2;
    assertFormerr(answerQuery(twice, plain, "udp"), 9);
  });
  test("no error response is larger than its query", () => {
    const q = makeQuery("www.example.test", "A", { edns: {} });
    const cases: Uint8Array[] = [
      Uint8Array.from([...q, 0]),
      makeQuery("www.example.test", "A", { edns: { version: 1 } }),
      makeQuery("nowhere.invalid", "A", { edns: {} }),
      makeQuery("www.example.test", "A", { qclass: 255 }),
      makeQuery("www.example.test", "AXFR"),
      appendRecord(makeQuery("www.example.test", "A"), "additional", tsigRecord("k.example", 1)),
    ];
    for (const bad of cases) {
      const out = answerQuery(bad, plain, "udp")!;
      assert.notEqual(responseRcode(out), 0, "an error");
      assert.ok(out.length <= bad.length, `${out.length} > ${bad.length}`);
    }
  });
  test("QCLASS ANY is REFUSED like every class other than IN", () => {
    const r = decode(
      answerQuery(makeQuery("www.example.test", "A", { qclass: 255 }), plain, "udp"),
    );
    assert.equal(r.rcode, "REFUSED");
    assert.equal(r.flag_aa, false);
  });
});

describe("answerQuery: TSIG (RFC 8945), no key configured", () => {
  test("a signed query gets NOTAUTH and an unsigned TSIG with error BADKEY (§5.2)", () => {
    const q = makeQuery("www.example.test", "A", { id: 0x7777, edns: {} });
    const signedQuery = appendRecord(q, "additional", tsigRecord("key.example", 0x7777));
    const out = answerQuery(signedQuery, plain, "udp")!;
    assert.equal(out[3] & 0xf, 9, "NOTAUTH");
    assert.equal(out[2] & 0x04, 0, "AA clear");
    assert.deepEqual([out[6], out[7], out[8], out[9], out[10], out[11]], [0, 0, 0, 0, 0, 2]);
    assert.deepEqual([...out.subarray(12, q.length - 11)], [...q.subarray(12, q.length - 11)]);
    const tsig = [...out.subarray(q.length)]; // after question and our OPT
    const owner = [3, 0x6b, 0x65, 0x79, 7, ...[..."example"].map((c) => c.charCodeAt(0)), 0];
    const algorithm = [11, ...[..."hmac-sha256"].map((c) => c.charCodeAt(0)), 0];
    const rdata = [...algorithm, ...TSIG_TIME_AND_FUDGE, 0, 0, 0x77, 0x77, 0, 17, 0, 0];
    assert.deepEqual(tsig, [...owner, 0, 250, 0, 255, 0, 0, 0, 0, 0, rdata.length, ...rdata]);
  });
  test("a compressed key name is written out in full", () => {
    const q = makeQuery("www.example.test", "A", { id: 3 });
    const record = tsigRecord("x", 3); // owner: 1 'x' 0
    const compressed = [1, 0x78, 0xc0, 16, ...record.slice(3)]; // x.example.test
    const out = answerQuery(appendRecord(q, "additional", compressed), plain, "tcp")!;
    assert.equal(out[3] & 0xf, 9);
    const owner = [...out.subarray(q.length, q.length + 16)];
    assert.deepEqual(owner, [
      1,
      0x78,
      7,
      ...[..."example"].map((c) => c.charCodeAt(0)),
      4,
      0x74,
      0x65,
      0x73,
      0x74,
      0,
    ]);
  });
  test("a TSIG that is not the last record, not of class ANY, or malformed, is FORMERR (§4.2, §5.2)", () => {
    const q = makeQuery("www.example.test", "A", { id: 5 });
    const notLast = appendRecord(
      appendRecord(q, "additional", tsigRecord("k", 5)),
      "additional",
      aRecord([0xc0, 12]),
    );
    assertFormerr(answerQuery(notLast, plain, "udp"), 5);
    const inAnswer = appendRecord(q, "answer", tsigRecord("k", 5));
    assertFormerr(answerQuery(inAnswer, plain, "udp"), 5);
    const inClassIn = tsigRecord("k", 5);
    inClassIn[3 + 3] = 1; // CLASS IN instead of ANY
    assertFormerr(answerQuery(appendRecord(q, "additional", inClassIn), plain, "udp"), 5);
    const record = tsigRecord("k", 5);
    record[14] -= 1; // RDLENGTH one short: the fields no longer fill it
    assertFormerr(answerQuery(appendRecord(q, "additional", record.slice(0, -1)), plain, "udp"), 5);
  });
});

describe("answerQuery: DNS cookies (RFC 7873)", () => {
  /** A query whose OPT carries a COOKIE option of `length` octets. */
  function withCookie(length: number, name = "www.example.test"): Uint8Array {
    const q = makeQuery(name, "A", { edns: {} });
    const option = [0, 10, 0, length, ...new Array(length).fill(0x11)];
    const out = Uint8Array.from([...q, ...option]);
    out[out.length - option.length - 1] = option.length; // OPT RDLENGTH (low octet)
    return out;
  }
  const cookie = new Uint8Array(24).map((_, i) => i + 1);
  /** The OPT's RDATA of a response whose OPT is its last record. */
  const optRdata = (out: Uint8Array, length: number) => [...out.subarray(out.length - length)];

  test("the cookie the server computed goes into our OPT, in answers and in errors", () => {
    for (const name of ["www.example.test", "nowhere.invalid", "nope.example.test"]) {
      const out = answerQuery(withCookie(8, name), plain, "udp", cookie)!;
      assert.deepEqual(optRdata(out, 28), [0, 10, 0, 24, ...cookie], name);
      assert.deepEqual([out[out.length - 30], out[out.length - 29]], [0, 28], "RDLENGTH");
      assert.ok(decode(out).rcode !== undefined, "decodes");
    }
    const formerr = Uint8Array.from([...withCookie(8), 0]);
    assert.deepEqual(optRdata(answerQuery(formerr, plain, "udp", cookie)!, 28), [
      0,
      10,
      0,
      24,
      ...cookie,
    ]);
  });
  test("no cookie given, none sent; a COOKIE option of a length RFC 7873 §5.2.2 forbids is FORMERR", () => {
    const out = answerQuery(withCookie(8), plain, "udp")!;
    assert.equal(out[out.length - 1], 0, "an empty OPT RDATA");
    assert.equal(decode(out).rcode, "NOERROR");
    for (const length of [0, 7, 9, 15, 41]) {
      assert.equal(answerQuery(withCookie(length), plain, "udp")![3] & 0x0f, 1, `${length}`);
    }
    for (const length of [16, 24, 40]) {
      assert.equal(answerQuery(withCookie(length), plain, "udp")![3] & 0x0f, 0, `${length}`);
    }
  });
});
