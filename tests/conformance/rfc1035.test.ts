// RFC 1035: message format, header, compression, UDP size, opcodes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { decode, makeQuery, query, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";
import { appendRecord, aRecord } from "../helpers/raw_records.ts";
import { dig, LONG_TXT, startStaticZone, type StaticZone } from "../helpers/static_zone.ts";

let open: OpenExchange;
before(async () => {
  const many = Array.from({ length: 40 }, (_, i) => `2001:db8::${i + 1}`);
  const config = testConfig({
    records: [...testConfig().records, {
      name: "many",
      addresses: many,
      check: null,
      whenAllDown: { kind: "none" },
    }],
  });
  open = await openExchange({ config, key: null });
});
after(() => open.close());

describe("RFC 1035", () => {
  test("§4.1.1: ID copied, QR set, opcode copied, RD copied, RA clear, Z clear", async () => {
    for (const rd of [false, true]) {
      const out =
        (await open.exchange(makeQuery("www.example.test", "A", { id: 0xa55a, rd }), "udp"))!;
      assert.equal((out[0] << 8) | out[1], 0xa55a);
      assert.equal(out[2] & 0x80, 0x80);
      assert.equal(out[2] & 0x78, 0);
      assert.equal(out[2] & 0x01, rd ? 1 : 0);
      assert.equal(out[3] & 0xf0, 0);
    }
  });
  test("§4.1.2: the question section is returned as sent", async () => {
    const q = makeQuery("WWW.example.TEST", "AAAA");
    const out = (await open.exchange(q, "udp"))!;
    assert.deepEqual([...out.subarray(12, q.length)], [...q.subarray(12)]);
    assert.equal((out[4] << 8) | out[5], 1);
  });
  test("§4.1.4: names are compressed with pointers into the message", async () => {
    const out = (await open.exchange(makeQuery("example.test", "NS"), "udp"))!;
    const r = decode(out);
    assert.deepEqual(r.answers.map((a) => a.data), ["ns1.example.test", "ns2.example.org"]);
    const uncompressed = 12 + 18 + 2 * (14 + 10) + 18 + 17;
    assert.ok(out.length < uncompressed, `${out.length} octets`);
  });
  test("§4.2.1: UDP answers over 512 octets are truncated (TC) without EDNS", async () => {
    const out = (await open.exchange(makeQuery("many.example.test", "AAAA"), "udp"))!;
    assert.ok(out.length <= 512);
    assert.equal(decode(out).flag_tc, true);
  });
  test("§4.2.2: over TCP the same query gets the full answer", async () => {
    const r = decode(await open.exchange(makeQuery("many.example.test", "AAAA"), "tcp"));
    assert.equal(r.flag_tc, false);
    assert.equal(r.answers.length, 40);
  });
  test("§4.1.1: opcodes other than QUERY get NOTIMP (IQUERY, STATUS, NOTIFY, UPDATE)", async () => {
    for (const opcode of [1, 2, 4, 5]) {
      const q = makeQuery("example.test", "SOA");
      q[2] |= opcode << 3;
      const out = (await open.exchange(q, "udp"))!;
      assert.equal(out[3] & 0x0f, 4, `opcode ${opcode}`);
      assert.equal((out[2] >> 3) & 0x0f, opcode);
    }
  });
  test("§4.1.1: a message that cannot be parsed gets FORMERR with its ID", async () => {
    const q = makeQuery("example.test", "SOA", { id: 99 });
    const out = (await open.exchange(q.subarray(0, 20), "udp"))!;
    assert.equal((out[0] << 8) | out[1], 99);
    assert.equal(out[3] & 0x0f, 1);
  });
  test("§4.1.1: responses (QR=1) and fragments shorter than a header get no reply", async () => {
    // Silence counts only from a server that answers: a query before and after each.
    const alive = async (when: string) =>
      assert.notEqual(
        await open.exchange(makeQuery("example.test", "SOA"), "udp"),
        null,
        `the server answers a query ${when}`,
      );
    const q = makeQuery("example.test", "SOA");
    q[2] |= 0x80;
    await alive("first");
    assert.equal(await open.exchange(q, "udp"), null);
    await alive("after the response");
    assert.equal(await open.exchange(q.subarray(0, 5), "udp"), null);
    await alive("after the fragment");
  });
  test("§3.2.4: classes other than IN are refused; §3.2.3 AXFR is not implemented", async () => {
    assert.equal(
      (await query(open.exchange, "example.test", "SOA", { qclass: 3 })).rcode,
      "REFUSED",
    );
    assert.equal((await query(open.exchange, "example.test", "AXFR", {}, "tcp")).rcode, "NOTIMP");
  });
  test("§4.1: octets after the last record the counts announce are FORMERR (UDP and TCP)", async () => {
    const q = makeQuery("www.example.test", "A", { id: 0x4d4d });
    for (const bad of [Uint8Array.from([...q, 0]), Uint8Array.from([...q, ...new Array(4000)])]) {
      for (const transport of ["udp", "tcp"] as const) {
        const out = (await open.exchange(bad, transport))!;
        assert.equal((out[0] << 8) | out[1], 0x4d4d);
        assert.equal(out[3] & 0x0f, 1, `${bad.length} octets over ${transport}`);
        assert.equal(out[2] & 0x04, 0, "AA clear");
      }
    }
  });
  test("§4.1.4: a backward pointer is read; forward pointers and loops are FORMERR", async () => {
    const q = makeQuery("www.example.test", "A");
    const at = q.length;
    const backward = appendRecord(q, "additional", aRecord([1, 0x61, 0xc0, 12]));
    assert.equal((await open.exchange(backward, "udp"))![3] & 0x0f, 0);
    const forward = appendRecord(q, "additional", aRecord([0xc0, at + 4]));
    const loop = appendRecord(q, "authority", aRecord([1, 0x61, 0xc0, at]));
    for (const bad of [forward, loop]) {
      for (const transport of ["udp", "tcp"] as const) {
        assert.equal((await open.exchange(bad, transport))![3] & 0x0f, 1, transport);
      }
    }
  });
  test("§2.3.4/§4.1.4: a name longer than 255 octets once expanded is FORMERR", async () => {
    const q = makeQuery("www.example.test", "A");
    const labels = [...Array(4)].flatMap(() => [60, ...new Array(60).fill(0x78)]); // 244 octets
    const bad = appendRecord(q, "answer", aRecord([...labels, 0xc0, 12])); // + 18
    assert.equal((await open.exchange(bad, "udp"))![3] & 0x0f, 1);
  });
});

describe("RFC 1035 TXT and MX (static records)", () => {
  let zone: StaticZone;
  before(async () => (zone = await startStaticZone()));
  after(() => zone.close());

  test("§3.3.14 TXT: each value one record, AA, over UDP and TCP, in the hosted and an alias zone", async () => {
    for (const [apex, extra] of [["example.test", []], ["example.net", ["+tcp"]]] as const) {
      const r = await dig(zone.server.port, apex, "TXT", [...extra]);
      assert.equal(r.status, "NOERROR");
      assert.ok(r.flags.includes("aa"), `flags ${r.flags}`);
      assert.deepEqual(r.answer, [
        [`${apex}.`, "1800", "IN", "TXT", '"v=spf1 -all"'],
        [`${apex}.`, "1800", "IN", "TXT", '"google-site-verification=abc"'],
      ]);
    }
  });
  test("§3.3.14 TXT: a value over 255 octets is one record of 255-octet character-strings", async () => {
    const r = await dig(zone.server.port, "dkim._domainkey.example.test", "TXT");
    assert.equal(r.answer.length, 1);
    const strings = r.answer[0].slice(4);
    assert.deepEqual(strings, [`"${LONG_TXT.slice(0, 255)}"`, `"${LONG_TXT.slice(255)}"`]);
  });
  test("TXT beside addresses, with the name's ttl; underscore names with their own ttl", async () => {
    const www = await dig(zone.server.port, "www.example.test", "TXT");
    assert.deepEqual(www.answer, [["www.example.test.", "120", "IN", "TXT", '"hello"']]);
    const a = await dig(zone.server.port, "www.example.test", "A");
    assert.deepEqual(a.answer.map((fields) => fields[4]), ["192.0.2.10"]);
    const acme = await dig(zone.server.port, "_acme-challenge.www.example.test", "TXT");
    assert.deepEqual(acme.answer, [
      ["_acme-challenge.www.example.test.", "60", "IN", "TXT", '"token-1"'],
    ]);
  });
  test("§3.3.9 MX: preference and exchange; relative exchange in each zone, absolute kept", async () => {
    for (const apex of ["example.test", "example.net"]) {
      const r = await dig(zone.server.port, apex, "MX");
      assert.ok(r.flags.includes("aa"));
      assert.deepEqual(r.answer, [
        [`${apex}.`, "1800", "IN", "MX", "10", `mail.${apex}.`],
        [`${apex}.`, "1800", "IN", "MX", "20", "mx.example.org."],
      ]);
    }
  });
  test("NODATA beside the new types (MX at a TXT-only name), NXDOMAIN below them", async () => {
    const nodata = await dig(zone.server.port, "_acme-challenge.www.example.test", "MX");
    assert.equal(nodata.status, "NOERROR");
    assert.deepEqual(nodata.answer, []);
    assert.deepEqual(nodata.authority.map((fields) => fields[3]), ["SOA"]);
    const nx = await dig(zone.server.port, "x._acme-challenge.www.example.test", "TXT");
    assert.equal(nx.status, "NXDOMAIN");
  });
  test("§4.2.1: a TXT RRset over 512 octets is truncated (TC) over UDP without EDNS, whole over TCP", async () => {
    const udp = await dig(zone.server.port, "big.example.test", "TXT", ["+noedns", "+ignore"]);
    assert.ok(udp.flags.includes("tc"), `flags ${udp.flags}`);
    assert.deepEqual(udp.answer, []);
    const tcp = await dig(zone.server.port, "big.example.test", "TXT", ["+tcp"]);
    assert.equal(tcp.answer.length, 30);
  });
  test("ANY at a name with the new types keeps the RFC 8482 answer", async () => {
    const r = await dig(zone.server.port, "example.test", "ANY");
    assert.deepEqual(r.answer.map((fields) => fields[3]), ["HINFO"]);
  });
});
