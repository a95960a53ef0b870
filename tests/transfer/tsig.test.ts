import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import dnsPacket from "dns-packet";
import type { TsigAlgorithmName } from "../../src/config/config.ts";
import { TSIG_ALGORITHMS } from "../../src/config/transfer.ts";
import {
  appendUnsignedTsig,
  FUDGE,
  readTsig,
  signMessage,
  TSIG_ERROR,
  tsigKeyTable,
  verifyTsig,
} from "../../src/transfer/tsig.ts";

const NOW = 1_796_000_000;
const query = () =>
  new Uint8Array(dnsPacket.encode({
    type: "query",
    id: 0x4242,
    questions: [{ type: "AXFR", name: "example.test", class: "IN" }],
  }));
const keyOf = (algorithm: TsigAlgorithmName, secret = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0") =>
  tsigKeyTable([{ name: "xfr-key", algorithm, secret }]).get("xfr-key")!;
const fields = (timeSigned = NOW) => ({
  timeSigned,
  fudge: FUDGE,
  originalId: 0x4242,
  error: 0,
  other: new Uint8Array(0),
});

describe("TSIG (RFC 8945)", () => {
  test("every algorithm signs and verifies; the MAC has the hash's length", () => {
    const lengths: Record<string, number> = {
      "hmac-sha1": 20,
      "hmac-sha224": 28,
      "hmac-sha256": 32,
      "hmac-sha384": 48,
      "hmac-sha512": 64,
    };
    for (const algorithm of TSIG_ALGORITHMS) {
      const key = keyOf(algorithm);
      const signed = signMessage(query(), key, null, fields());
      const tsig = readTsig(signed.message);
      assert.ok(tsig !== null && tsig !== "formerr");
      assert.equal(tsig.algorithm, algorithm);
      assert.equal(tsig.mac.length, lengths[algorithm]);
      assert.equal(verifyTsig(signed.message, tsig, key, null, NOW), "ok", algorithm);
      assert.equal(signed.message[11], 1, "ARCOUNT counts the TSIG record");
    }
  });

  test("a changed byte, another secret or another prior MAC is BADSIG; the clock outside the fudge BADTIME", () => {
    const key = keyOf("hmac-sha256");
    const signed = signMessage(query(), key, null, fields());
    const tsig = readTsig(signed.message);
    assert.ok(tsig !== null && tsig !== "formerr");
    const tampered = signed.message.slice();
    tampered[2] ^= 0x01; // RD
    assert.equal(verifyTsig(tampered, tsig, key, null, NOW), "badsig");
    assert.equal(
      verifyTsig(signed.message, tsig, keyOf("hmac-sha256", "b3RoZXI="), null, NOW),
      "badsig",
    );
    assert.equal(verifyTsig(signed.message, tsig, key, new Uint8Array(32), NOW), "badsig");
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW + FUDGE), "ok");
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW + FUDGE + 1), "badtime");
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW - FUDGE - 1), "badtime");
  });

  test("a wider fudge in the message does not widen the window beyond FUDGE (300 s)", () => {
    const key = keyOf("hmac-sha256");
    const signed = signMessage(query(), key, null, { ...fields(), fudge: 65_535 });
    const tsig = readTsig(signed.message);
    assert.ok(tsig !== null && tsig !== "formerr");
    assert.equal(tsig.fudge, 65_535);
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW + FUDGE), "ok");
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW + FUDGE + 1), "badtime");
    assert.equal(verifyTsig(signed.message, tsig, key, null, NOW - 3_600), "badtime");
    // A narrower one narrows it.
    const narrow = signMessage(query(), key, null, { ...fields(), fudge: 10 });
    const short = readTsig(narrow.message);
    assert.ok(short !== null && short !== "formerr");
    assert.equal(verifyTsig(narrow.message, short, key, null, NOW + 11), "badtime");
  });

  test("a response chains to the request's MAC, later messages to the previous one with timers only", () => {
    const key = keyOf("hmac-sha384");
    const request = signMessage(query(), key, null, fields());
    const first = signMessage(query(), key, request.mac, fields());
    const second = signMessage(query(), key, first.mac, fields(), true);
    const tsig1 = readTsig(first.message);
    const tsig2 = readTsig(second.message);
    assert.ok(tsig1 !== null && tsig1 !== "formerr" && tsig2 !== null && tsig2 !== "formerr");
    assert.equal(verifyTsig(first.message, tsig1, key, request.mac, NOW), "ok");
    assert.equal(verifyTsig(second.message, tsig2, key, first.mac, NOW, true), "ok");
    assert.equal(verifyTsig(second.message, tsig2, key, first.mac, NOW, false), "badsig");
    assert.equal(verifyTsig(second.message, tsig2, key, request.mac, NOW, true), "badsig");
  });

  test("a truncated MAC is checked on its prefix; shorter than half the hash (or 10 bytes) is FORMERR", () => {
    const key = keyOf("hmac-sha256");
    const signed = signMessage(query(), key, null, fields());
    const tsig = readTsig(signed.message);
    assert.ok(tsig !== null && tsig !== "formerr");
    assert.equal(
      verifyTsig(signed.message, { ...tsig, mac: tsig.mac.slice(0, 16) }, key, null, NOW),
      "ok",
    );
    assert.equal(
      verifyTsig(signed.message, { ...tsig, mac: tsig.mac.slice(0, 15) }, key, null, NOW),
      "formerr",
    );
  });

  test("TSIG anywhere but last in the additional section is FORMERR; none is null", () => {
    assert.equal(readTsig(query()), null);
    const key = keyOf("hmac-sha256");
    const signed = signMessage(query(), key, null, fields()).message;
    // Move the TSIG into the answer section: same bytes, counts say answer instead of additional.
    const moved = signed.slice();
    moved[7] = 1;
    moved[11] = 0;
    assert.equal(readTsig(moved), "formerr");
    assert.equal(readTsig(signed.slice(0, signed.length - 3)), "formerr");
    const classIn = signed.slice();
    const tsig = readTsig(signed);
    assert.ok(tsig !== null && tsig !== "formerr");
    classIn[tsig.start + 11] = 0; // owner "xfr-key" is 9 octets, then the type, then the class
    classIn[tsig.start + 12] = 1;
    assert.equal(readTsig(classIn), "formerr", "class IN");
  });

  test("BADKEY/BADSIG answers carry an empty MAC and the error, naming the request's key", () => {
    const signed = signMessage(query(), keyOf("hmac-sha256"), null, fields());
    const tsig = readTsig(signed.message);
    assert.ok(tsig !== null && tsig !== "formerr");
    const answer = appendUnsignedTsig(query(), tsig, TSIG_ERROR.BADKEY);
    const back = readTsig(answer);
    assert.ok(back !== null && back !== "formerr");
    assert.deepEqual(
      [back.keyName, back.algorithm, back.error, back.mac.length, back.timeSigned],
      ["xfr-key", "hmac-sha256", TSIG_ERROR.BADKEY, 0, NOW],
    );
  });
});

/** One message of tests/fixtures/tsig/vectors.json: before and after dnspython signed it. */
interface Vector {
  readonly unsigned: string;
  readonly signed: string;
  readonly timersOnly?: boolean;
}
/** The vectors of one algorithm (see scripts/make_tsig_fixtures.sh). */
interface AlgorithmVectors {
  readonly algorithm: TsigAlgorithmName;
  readonly secret: string;
  readonly query: Vector;
  readonly response: Vector;
  readonly badtime: Vector;
  readonly transfer: readonly Vector[];
}
const VECTORS: { keyName: string; timeSigned: number; vectors: AlgorithmVectors[] } = JSON.parse(
  readFileSync(new URL("../fixtures/tsig/vectors.json", import.meta.url), "utf8"),
);
const fromHex = (hex: string) =>
  new Uint8Array(hex.match(/../g)!.map((byte) => parseInt(byte, 16)));

/**
 * Signs `vector.unsigned` with our code and the fields of dnspython's record,
 * expects dnspython's bytes exactly, and expects our verifier to accept them;
 * returns the MAC (the prior MAC of what follows).
 */
function checkVector(
  label: string,
  vector: Vector,
  algorithm: AlgorithmVectors,
  priorMac: Uint8Array | null,
): Uint8Array {
  const key = tsigKeyTable([{
    name: VECTORS.keyName,
    algorithm: algorithm.algorithm,
    secret: algorithm.secret,
  }])
    .get(VECTORS.keyName)!;
  const theirs = fromHex(vector.signed);
  const tsig = readTsig(theirs);
  assert.ok(tsig !== null && tsig !== "formerr", label);
  assert.equal(tsig.timeSigned, VECTORS.timeSigned, label);
  const timersOnly = vector.timersOnly ?? false;
  const ours = signMessage(fromHex(vector.unsigned), key, priorMac, tsig, timersOnly);
  assert.equal(
    Buffer.from(ours.mac).toString("hex"),
    Buffer.from(tsig.mac).toString("hex"),
    `${label}: MAC`,
  );
  assert.deepEqual(ours.message, theirs, `${label}: signed message`);
  assert.equal(
    verifyTsig(theirs, tsig, key, priorMac, VECTORS.timeSigned, timersOnly),
    "ok",
    label,
  );
  return tsig.mac;
}

describe("TSIG against dnspython's vectors (tests/fixtures/tsig)", () => {
  test("the fixtures cover every algorithm we support", () => {
    assert.deepEqual(
      VECTORS.vectors.map((vectors) => vectors.algorithm).sort(),
      [...TSIG_ALGORITHMS].sort(),
    );
  });

  for (const vectors of VECTORS.vectors) {
    test(`${vectors.algorithm}: query, response (prior MAC), BADTIME (error, Other Data), three-message transfer (§5.3.1)`, () => {
      const queryMac = checkVector("query", vectors.query, vectors, null);
      checkVector("response", vectors.response, vectors, queryMac);
      checkVector("badtime", vectors.badtime, vectors, queryMac);
      let prior = queryMac;
      vectors.transfer.forEach((message, i) => {
        assert.equal(message.timersOnly, i > 0);
        prior = checkVector(`transfer message ${i + 1}`, message, vectors, prior);
      });
    });
  }

  test("a response checked without the request's MAC, or a later transfer message with all variables, is BADSIG", () => {
    const vectors = VECTORS.vectors.find((each) => each.algorithm === "hmac-sha256")!;
    const key = tsigKeyTable([{
      name: VECTORS.keyName,
      algorithm: vectors.algorithm,
      secret: vectors.secret,
    }])
      .get(VECTORS.keyName)!;
    const response = fromHex(vectors.response.signed);
    const responseTsig = readTsig(response);
    assert.ok(responseTsig !== null && responseTsig !== "formerr");
    assert.equal(verifyTsig(response, responseTsig, key, null, VECTORS.timeSigned), "badsig");
    const first = readTsig(fromHex(vectors.transfer[0].signed));
    const second = fromHex(vectors.transfer[1].signed);
    const secondTsig = readTsig(second);
    assert.ok(
      first !== null && first !== "formerr" && secondTsig !== null && secondTsig !== "formerr",
    );
    assert.equal(
      verifyTsig(second, secondTsig, key, first.mac, VECTORS.timeSigned, false),
      "badsig",
    );
    assert.equal(verifyTsig(second, secondTsig, key, first.mac, VECTORS.timeSigned, true), "ok");
  });
});
