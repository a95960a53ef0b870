import { describe, test } from "node:test";
import assert from "node:assert/strict";
import dnsPacket from "dns-packet";
import { slipResponse } from "../../src/rrl/rate_limiter.ts";
import { answerQuery } from "../../src/answer/answer_query.ts";
import { messageEnd } from "../../scripts/bench/harness/dns_fuzz.ts";
import { fixtureSnapshot } from "../../scripts/bench/harness/zone_fixture.ts";

/** A query with opcode 8 (unassigned), no question and an OPT: the answer path says NOTIMP. */
const NO_QUESTION_QUERY = Buffer.from(
  "bdbf46be0001000000000001047a6f6e6506616363657074047465737400000600010000290200000080000000",
  "hex",
);

/** A full answer with two A records and an OPT carrying a COOKIE option. */
function answer(withOpt: boolean): Uint8Array {
  return new Uint8Array(dnsPacket.encode({
    type: "response",
    id: 77,
    flags: dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED,
    questions: [{ name: "www.example.test", type: "A", class: "IN" }],
    answers: [
      { name: "www.example.test", type: "A", ttl: 60, data: "192.0.2.1" },
      { name: "www.example.test", type: "A", ttl: 60, data: "192.0.2.2" },
    ],
    additionals: withOpt
      ? [{
        type: "OPT",
        name: ".",
        udpPayloadSize: 1232,
        options: [{
          code: 10,
          data: Buffer.from("0102030405060708" + "01000000aabbccdd1122334455667788", "hex"),
        }],
      } as unknown as dnsPacket.Answer]
      : [],
  }));
}

describe("slipResponse", () => {
  test("TC=1, the question and the OPT with its cookie, no records", () => {
    const slipped = slipResponse(answer(true), false)!;
    const decoded = dnsPacket.decode(Buffer.from(slipped)) as dnsPacket.DecodedPacket & {
      flag_tc: boolean;
      rcode: string;
    };
    assert.equal(decoded.id, 77);
    assert.equal(decoded.flag_tc, true);
    assert.equal(decoded.rcode, "NOERROR");
    assert.deepEqual(decoded.questions, [{ name: "www.example.test", type: "A", class: "IN" }]);
    assert.equal(decoded.answers!.length, 0);
    const opt = decoded.additionals![0] as unknown as {
      type: string;
      options: { code: number; data: Buffer }[];
    };
    assert.equal(opt.type, "OPT");
    assert.equal(opt.options[0].data.length, 24);
    assert.ok(slipped.length < answer(true).length);
  });

  test("without an OPT: header and question only", () => {
    const slipped = slipResponse(answer(false), false)!;
    assert.equal(slipped.length, 12 + 18 + 4);
    assert.equal(slipped[11], 0);
  });

  test("BADCOOKIE: extended RCODE 23 (header 7, OPT 1), AA and TC clear", () => {
    const slipped = slipResponse(answer(true), true)!;
    assert.equal(slipped[3] & 0x0f, 7);
    assert.equal(slipped[2] & 0x06, 0);
    const opt = 12 + 18 + 4;
    assert.equal(slipped[opt + 5], 1);
    // BADCOOKIE needs an OPT to carry its upper bits: without one the slip is TC=1 (a fuzzed
    // query's FORMERR loses its OPT), never a dropped reply.
    const plain = slipResponse(answer(false), true)!;
    assert.deepEqual([plain[2] & 0x02, plain[3] & 0x0f, plain.length], [0x02, 0, 12 + 18 + 4]);
  });

  test("a response without a question slips as header and OPT, which parse to the last octet", async () => {
    const response = answerQuery(
      new Uint8Array(NO_QUESTION_QUERY),
      await fixtureSnapshot(),
      "udp",
    )!;
    assert.equal((response[4] << 8) | response[5], 0, "the NOTIMP reply has no question");
    assert.equal(response[3] & 0x0f, 4);
    for (const badCookie of [false, true]) {
      const slipped = slipResponse(response, badCookie)!;
      assert.equal(
        messageEnd(slipped),
        slipped.length,
        `no trailing octets (badCookie ${badCookie})`,
      );
      assert.deepEqual(
        [...slipped.subarray(4, 12)],
        [0, 0, 0, 0, 0, 0, 0, 1],
        "QDCOUNT 0, the OPT counted",
      );
      const opt = dnsPacket.decode(Buffer.from(slipped)).additionals![0] as unknown as {
        type: string;
        udpPayloadSize: number;
      };
      assert.equal(opt.type, "OPT");
      assert.equal(slipped[2] & 0x02, badCookie ? 0 : 0x02, "TC unless BADCOOKIE");
    }
    // Without an OPT: the header alone, TC set.
    const bare = slipResponse(Uint8Array.from([0, 1, 0x80, 4, 0, 0, 0, 0, 0, 0, 0, 0]), false)!;
    assert.deepEqual([...bare], [0, 1, 0x82, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test("not a response of ours (no readable question): null", () => {
    assert.equal(
      slipResponse(Uint8Array.from([0, 1, 0x84, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63]), false),
      null,
    );
  });
});
