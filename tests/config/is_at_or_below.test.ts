import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isAtOrBelow } from "../../src/config/is_at_or_below.ts";

describe("isAtOrBelow", () => {
  test("matches whole labels only", () => {
    assert.equal(isAtOrBelow("example.test", "example.test"), true);
    assert.equal(isAtOrBelow("www.example.test", "example.test"), true);
    assert.equal(isAtOrBelow("myexample.test", "example.test"), false);
    assert.equal(isAtOrBelow("test", "example.test"), false);
  });
});
