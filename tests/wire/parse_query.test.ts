import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ParsedQuery, parseQuery, QueryShape, readName } from "../../src/wire/parse_query.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";
import { appendRecord, aRecord, tsigRecord } from "../helpers/raw_records.ts";

/** `values` placed at offset 12, behind a zeroed header, so pointers may target them. */
const message = (...values: number[]) => new Uint8Array([...new Array(12).fill(0), ...values]);

describe("readName", () => {
  test("returns the offset past the root label, or past the first pointer", () => {
    assert.equal(readName(message(1, 0x61, 1, 0x62, 0, 9), 12), 17);
    assert.equal(readName(message(0), 12), 13);
    assert.equal(readName(message(1, 0x61, 0, 1, 0x62, 0xc0, 12), 15), 19);
  });
  test("rejects forward, self and header pointers, reserved label types and truncation", () => {
    assert.equal(readName(message(0xc0, 14, 0), 12), -1, "forward");
    assert.equal(readName(message(1, 0x61, 0xc0, 14), 14), -1, "itself");
    assert.equal(readName(message(0xc0, 2), 12), -1, "header");
    assert.equal(readName(message(0x41, 0x61), 12), -1, "label type 01");
    assert.equal(readName(message(0x81, 0x61), 12), -1, "label type 10");
    assert.equal(readName(message(3, 0x61, 0x62), 12), -1, "cut short");
    assert.equal(readName(message(1, 0x61, 0xc0), 12), -1, "half a pointer");
  });
  test("ends pointer loops by the 255-octet limit", () => {
    assert.equal(readName(message(1, 0x61, 0xc0, 12), 12), -1);
  });
  test("rejects names over 255 octets, expanded or not, and accepts 255", () => {
    const labels = (count: number, last: number) => {
      const out: number[] = [];
      for (let i = 0; i < count; i++) out.push(63, ...new Array(63).fill(0x61));
      out.push(last, ...new Array(last).fill(0x61));
      return out;
    };
    assert.equal(readName(message(...labels(3, 61), 0), 12), 12 + 255);
    assert.equal(readName(message(...labels(3, 62), 0), 12), -1);
    // 1 a 0 (3 octets), then 3×64 + 60 octets pointing at it: 252 + 3 = 255 fits.
    assert.equal(readName(message(1, 0x61, 0, ...labels(3, 59), 0xc0, 12), 15), 15 + 252 + 2);
    assert.equal(readName(message(1, 0x61, 0, ...labels(3, 60), 0xc0, 12), 15), -1);
  });
});

describe("parseQuery", () => {
  const parsed = new ParsedQuery();
  test("records where the question, OPT and TSIG are", () => {
    const q = makeQuery("www.example.test", "AAAA", { edns: { udpSize: 4096, dnssecOk: true } });
    assert.equal(parseQuery(q, parsed), QueryShape.OK);
    assert.equal(parsed.nameEnd, 12 + 18);
    assert.equal(parsed.questionEnd, 12 + 22);
    assert.equal(parsed.qtype, 28);
    assert.equal(parsed.qclass, 1);
    assert.equal(parsed.optAt, q.length - 10);
    assert.equal(parsed.udpSize, 4096);
    assert.equal(parsed.dnssecOk, true);
    assert.equal(parsed.tsigAt, -1);
    const signed = appendRecord(q, "additional", tsigRecord("k", 1));
    assert.equal(parseQuery(signed, parsed), QueryShape.OK);
    assert.equal(parsed.tsigAt, q.length);
    assert.equal(parsed.tsigRdataAt, q.length + 3 + 10);
  });
  test("forgets the previous query", () => {
    parseQuery(makeQuery("a.test", "A", { edns: { dnssecOk: true } }), parsed);
    assert.equal(parseQuery(makeQuery("a.test", "A"), parsed), QueryShape.OK);
    assert.equal(parsed.optAt, -1);
    assert.equal(parsed.dnssecOk, false);
  });
  test("malformed: trailing octets, missing records, a bad name anywhere", () => {
    const q = makeQuery("a.test", "A");
    const cases = [
      Uint8Array.from([...q, 0]),
      Uint8Array.from([...q.subarray(0, 7), 1, ...q.subarray(8)]),
      appendRecord(q, "authority", aRecord([0xc0, 40])),
      appendRecord(q, "additional", aRecord([0x40])),
    ];
    for (const bad of cases) assert.equal(parseQuery(bad, parsed), QueryShape.MALFORMED);
  });
  test("a valid OPT before the fault is kept; a second OPT clears it", () => {
    const q = makeQuery("a.test", "A", { edns: {} });
    assert.equal(parseQuery(Uint8Array.from([...q, 7]), parsed), QueryShape.MALFORMED);
    assert.equal(parsed.optAt, q.length - 10);
    const twice = Uint8Array.from([...q, ...q.subarray(q.length - 11)]);
    twice[11] = 2;
    assert.equal(parseQuery(twice, parsed), QueryShape.MALFORMED);
    assert.equal(parsed.optAt, -1);
  });
});
