import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { skipName } from "../../src/wire/skip_name.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

describe("skipName", () => {
  test("stops after the first pointer without following it", () => {
    assert.equal(skipName(bytes(1, 0x61, 0xc0, 0x02), 0), 4);
    assert.equal(skipName(bytes(0xc0, 0x00), 0), 2);
    assert.equal(skipName(bytes(1, 0x61, 0), 0), 3);
  });
  test("rejects truncation and reserved label types", () => {
    assert.equal(skipName(bytes(0xc0), 0), -1);
    assert.equal(skipName(bytes(0x80, 0), 0), -1);
    assert.equal(skipName(bytes(2, 0x61), 0), -1);
  });
});
