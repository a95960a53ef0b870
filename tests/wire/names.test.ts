import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareCanonicalNames } from "../../src/dnssec/nsec.ts";
import {
  canonicalKey,
  nameToWire,
  readQuestionName,
  skipName,
  wireKey,
} from "../../src/wire/names.ts";
import { RFC4034_NAME_ORDER } from "../helpers/rfc4034_names.ts";

const key = (name: string) => canonicalKey(nameToWire(name), 0);

describe("canonicalKey", () => {
  test("orders like RFC 4034 §6.1 (the example list), agreeing with compareCanonicalNames", () => {
    const rfc = [...RFC4034_NAME_ORDER];
    const shuffled = [...rfc].reverse();
    assert.deepEqual(shuffled.sort((a, b) => (key(a) < key(b) ? -1 : 1)), rfc);
    const names = [
      "b.test",
      "a-b.test",
      "a.test",
      "test",
      "x.a.test",
      "*.a.test",
      "a0.test",
      "ab.test",
    ];
    for (const a of names) {
      for (const b of names) {
        assert.equal(
          Math.sign(key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
          Math.sign(compareCanonicalNames(a, b)),
          `${a} vs ${b}`,
        );
      }
    }
  });
  test("lowercases and starts at a label boundary", () => {
    const wire = new Uint8Array([3, 0x57, 0x57, 0x57, ...nameToWire("example.test")]);
    assert.equal(canonicalKey(wire, 0), key("www.example.test"));
    assert.equal(canonicalKey(wire, 4), key("example.test"));
  });
});

describe("wireKey", () => {
  test("is case-insensitive and suffix keys are substrings", () => {
    const upper = new Uint8Array([3, 0x57, 0x77, 0x57, 1, 0x54, 0]);
    assert.equal(wireKey(upper, 0, upper.length), "\u0003www\u0001t\u0000");
    assert.equal(wireKey(upper, 4, upper.length), wireKey(nameToWire("t"), 0, 3));
  });
});

const bytes = (...values: number[]) => new Uint8Array(values);

describe("readQuestionName", () => {
  test("returns the offset past the root label", () => {
    assert.equal(readQuestionName(bytes(0, 0, 1, 0x61, 1, 0x62, 0, 9), 2), 7);
    assert.equal(readQuestionName(bytes(0), 0), 1);
  });
  test("rejects compression pointers, reserved label types and truncation", () => {
    assert.equal(readQuestionName(bytes(1, 0x61, 0xc0, 0x0c), 0), -1);
    assert.equal(readQuestionName(bytes(0x41, 0x61), 0), -1);
    assert.equal(readQuestionName(bytes(3, 0x61, 0x62), 0), -1);
    assert.equal(readQuestionName(bytes(1, 0x61), 0), -1);
  });
  test("rejects names over 255 octets and accepts 255", () => {
    const name = (labels: number, last: number) => {
      const out: number[] = [];
      for (let i = 0; i < labels; i++) out.push(63, ...new Array(63).fill(0x61));
      out.push(last, ...new Array(last).fill(0x61), 0);
      return new Uint8Array(out);
    };
    assert.equal(readQuestionName(name(3, 61), 0), 255);
    assert.equal(readQuestionName(name(3, 62), 0), -1);
  });
});

describe("skipName", () => {
  test("stops at a pointer without following it (no loop possible)", () => {
    assert.equal(skipName(bytes(1, 0x61, 0xc0, 0x02), 0), 4);
    assert.equal(skipName(bytes(0xc0, 0x00), 0), 2);
  });
  test("returns -1 on truncation and reserved label types", () => {
    assert.equal(skipName(bytes(0xc0), 0), -1);
    assert.equal(skipName(bytes(0x80, 0), 0), -1);
    assert.equal(skipName(bytes(2, 0x61), 0), -1);
  });
});
