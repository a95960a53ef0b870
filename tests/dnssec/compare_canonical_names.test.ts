import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareCanonicalNames } from "../../src/dnssec/compare_canonical_names.ts";
import { FIXTURE_ALGORITHMS, loadFixture } from "./dnssec_fixture.ts";

describe("compareCanonicalNames", () => {
  test("sorts the RFC 4034 §6.1 example into its published order", () => {
    const rfcOrder = [
      "example",
      "a.example",
      "yljkjljk.a.example",
      "Z.a.example",
      "zABC.a.EXAMPLE",
      "z.example",
      "\x01.z.example",
      "*.z.example",
      "\x80.z.example",
    ];
    const shuffled = [
      rfcOrder[4],
      rfcOrder[8],
      rfcOrder[0],
      rfcOrder[6],
      rfcOrder[2],
      rfcOrder[7],
      rfcOrder[1],
      rfcOrder[5],
      rfcOrder[3],
    ];
    assert.deepEqual(shuffled.sort(compareCanonicalNames), rfcOrder);
  });

  test("is case-insensitive and ignores a trailing dot", () => {
    assert.equal(compareCanonicalNames("WWW.Example.TEST.", "www.example.test"), 0);
    assert.ok(compareCanonicalNames("a.test", "B.test") < 0);
    assert.ok(compareCanonicalNames("test", "a.test") < 0);
    assert.ok(compareCanonicalNames("", "test") < 0);
    assert.ok(
      compareCanonicalNames("z.a.test", "b.test") < 0,
      "a subtree sorts before the next sibling",
    );
  });

  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: the NSEC chain order matches ldns-signzone`, () => {
      for (const zone of loadFixture(algorithm).zones) {
        const ldnsOrder = zone.nsecs.map((n) => n.owner);
        assert.deepEqual([...ldnsOrder].reverse().sort(compareCanonicalNames), ldnsOrder);
      }
    });
  }
});
