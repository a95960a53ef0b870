import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readDer, readDerChildren } from "../../src/dnssec/private_key.ts";

describe("readDer", () => {
  test("reads short and long definite lengths", () => {
    const short = readDer(new Uint8Array([0x04, 0x02, 0xaa, 0xbb, 0xff]));
    assert.equal(short.tag, 0x04);
    assert.deepEqual([...short.content], [0xaa, 0xbb]);
    assert.equal(short.end, 4);
    const long = readDer(new Uint8Array([0x04, 0x81, 0x80, ...new Uint8Array(0x80)]));
    assert.equal(long.content.length, 0x80);
    assert.equal(long.end, 3 + 0x80);
  });

  test("reads the children of a SEQUENCE", () => {
    const children = readDerChildren(new Uint8Array([0x02, 0x01, 0x07, 0x05, 0x00]));
    assert.deepEqual(children.map((c) => [c.tag, c.content.length]), [[0x02, 1], [0x05, 0]]);
  });

  test("errors name the offset and what is missing", () => {
    assert.throws(
      () => readDer(new Uint8Array([0x30]), 0),
      { message: "key data is truncated (DER): a TLV needs 2 bytes at offset 0, 1 left" },
    );
    assert.throws(
      () => readDer(new Uint8Array([0x30, 0x05, 0x01]), 0),
      { message: "key data is truncated (DER): 5 content bytes at offset 2, 1 left" },
    );
    assert.throws(
      () => readDer(new Uint8Array([0x30, 0x84, 0, 0, 0, 1]), 0),
      { message: "key data has an invalid DER length 0x84 at offset 1" },
    );
  });
});
