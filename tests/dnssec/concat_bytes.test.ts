import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { concatBytes } from "../../src/dnssec/concat_bytes.ts";

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
