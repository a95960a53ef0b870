import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readQuestionName } from "../../src/wire/read_question_name.ts";
import { skipName } from "../../src/wire/skip_name.ts";

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
