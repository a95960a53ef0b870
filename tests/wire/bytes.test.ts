import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareBytes, concatBytes, equalBytes } from "../../src/wire/bytes.ts";

describe("concatBytes", () => {
  test("joins the parts in order into a new array", () => {
    const a = new Uint8Array([1, 2]);
    const joined = concatBytes(a, new Uint8Array([]), new Uint8Array([3]));
    assert.deepEqual([...joined], [1, 2, 3]);
    joined[0] = 9;
    assert.equal(a[0], 1, "a copy, not a view");
  });

  test("no parts give an empty array", () => {
    assert.equal(concatBytes().length, 0);
  });
});

describe("compareBytes", () => {
  test("orders octet by octet as unsigned, a prefix first", () => {
    const b = (...xs: number[]) => new Uint8Array(xs);
    assert.ok(compareBytes(b(1, 2), b(1, 3)) < 0);
    assert.ok(compareBytes(b(0xff), b(0x01, 0x00)) > 0, "unsigned, left-justified");
    assert.ok(compareBytes(b(1), b(1, 0)) < 0, "the shorter prefix first");
    assert.equal(compareBytes(b(7, 8), b(7, 8)), 0);
  });
});

describe("equalBytes", () => {
  test("same bytes, different lengths, nulls", () => {
    const b = (...xs: number[]) => new Uint8Array(xs);
    assert.equal(equalBytes(b(1, 2), b(1, 2)), true);
    assert.equal(equalBytes(b(1, 2), b(1, 3)), false);
    assert.equal(equalBytes(b(1, 2), b(1, 2, 0)), false);
    assert.equal(equalBytes(null, null), true);
    assert.equal(equalBytes(null, b()), false);
    assert.equal(equalBytes(b(), null), false);
  });
});
