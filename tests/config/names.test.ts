import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { domainNameProblem, isAtOrBelow } from "../../src/config/names.ts";

describe("domainNameProblem", () => {
  test("accepts host names", () => {
    for (
      const name of [
        "example.test",
        "a",
        "xn--bcher-kva.example",
        "a-b.c-d.e",
        "1.2.3",
        "a".repeat(63) + ".test",
      ]
    ) {
      assert.equal(domainNameProblem(name), null, name);
    }
  });

  test("accepts 253 characters and rejects 254", () => {
    const name = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
    assert.equal(name.length, 253);
    assert.equal(domainNameProblem(name), null);
    assert.equal(domainNameProblem(`${name}e`), "it is longer than 253 characters");
  });

  test("names each problem", () => {
    assert.equal(domainNameProblem(""), "it is empty");
    assert.equal(domainNameProblem("a..b"), "it has an empty label");
    assert.equal(domainNameProblem(".a"), "it has an empty label");
    assert.equal(
      domainNameProblem(`${"x".repeat(64)}.test`),
      `label "${"x".repeat(64)}" is longer than 63 characters`,
    );
    assert.equal(
      domainNameProblem("a_b.test"),
      'label "a_b" may hold only letters, digits and hyphens',
    );
    assert.equal(
      domainNameProblem("*.test"),
      'label "*" may hold only letters, digits and hyphens',
    );
    assert.equal(
      domainNameProblem("bücher.test"),
      'label "bücher" may hold only letters, digits and hyphens',
    );
    assert.equal(domainNameProblem("-a.test"), 'label "-a" starts or ends with a hyphen');
    assert.equal(domainNameProblem("a-.test"), 'label "a-" starts or ends with a hyphen');
  });
});

describe("isAtOrBelow", () => {
  test("matches whole labels only", () => {
    assert.equal(isAtOrBelow("example.test", "example.test"), true);
    assert.equal(isAtOrBelow("www.example.test", "example.test"), true);
    assert.equal(isAtOrBelow("myexample.test", "example.test"), false);
    assert.equal(isAtOrBelow("test", "example.test"), false);
  });
});
