import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { labelCount } from "../../src/dnssec/label_count.ts";

describe("labelCount", () => {
  test("counts labels without the root and a leading wildcard (RFC 4034 §3.1.3)", () => {
    assert.equal(labelCount("www.example.test"), 3);
    assert.equal(labelCount("www.example.test."), 3);
    assert.equal(labelCount("example.test"), 2);
    assert.equal(labelCount("*.example.test"), 2);
    assert.equal(labelCount(""), 0);
    assert.equal(labelCount("."), 0);
  });
});
