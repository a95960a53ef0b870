import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { answerQuery } from "../../src/answer/answer_query.ts";
import { responseRcode } from "../../src/wire/constants.ts";
import { fixtureSnapshot, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

describe("responseRcode", () => {
  test("header RCODE plus the OPT's extension, for every kind of response we write", async () => {
    const snapshot = await fixtureSnapshot();
    const cases: [Uint8Array, number][] = [
      [makeQuery("www.example.test", "A", { edns: { version: 1 } }), 16],
      [makeQuery("www.example.test", "A", { edns: {} }), 0],
      [makeQuery("www.example.test", "A"), 0],
      [makeQuery("nothing.example.test", "A", { edns: {} }), 3],
      [makeQuery("elsewhere.invalid", "A", { edns: {} }), 5],
      [makeQuery("www.example.test", "A", { edns: {}, qclass: 3 }), 5],
    ];
    for (const [query, rcode] of cases) {
      assert.equal(responseRcode(answerQuery(query, snapshot, "udp")!), rcode);
    }
  });
  test("a header-only reply and an OPT after no question", () => {
    const header = new Uint8Array(12);
    header[3] = 1;
    assert.equal(responseRcode(header), 1);
    const opt = Uint8Array.from([...header, 0, 0, 41, 4, 0xd0, 1, 0, 0, 0, 0, 0]);
    opt[11] = 1;
    assert.equal(responseRcode(opt), 17);
  });
});
