import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareCanonicalNames, nsecRdata } from "../../src/dnssec/nsec.ts";
import { FIXTURE_ALGORITHMS, loadFixture, toHex, wireName } from "./dnssec_fixture.ts";
import { RFC4034_NAME_ORDER } from "../helpers/rfc4034_names.ts";

const RRSIG = 46;
const NSEC = 47;

describe("nsecRdata", () => {
  test("reproduces the RFC 4034 §4.3 example (A MX RRSIG NSEC TYPE1234)", () => {
    const expected = [
      ...wireName("host.example.com"),
      0x00,
      0x06,
      0x40,
      0x01,
      0x00,
      0x00,
      0x00,
      0x03,
      0x04,
      0x1b,
      ...new Array(26).fill(0),
      0x20,
    ];
    assert.equal(
      toHex(nsecRdata("host.example.com", [1234, 47, 46, 15, 1])),
      toHex(new Uint8Array(expected)),
    );
  });

  test("lowercases the next name and ignores duplicate types", () => {
    assert.equal(
      toHex(nsecRdata("B.Example.TEST", [1, 1, 46, 47])),
      toHex(nsecRdata("b.example.test", [1, 46, 47])),
    );
  });

  test("an empty type list gives only the next name", () => {
    assert.equal(toHex(nsecRdata("a.test", [])), toHex(new Uint8Array(wireName("a.test"))));
  });

  test("refuses a type that is not a 16-bit number", () => {
    assert.throws(() => nsecRdata("a.test", [65536]), {
      message: "NSEC type 65536 is not a 16-bit type number",
    });
    assert.throws(() => nsecRdata("a.test", [1.5]), {
      message: "NSEC type 1.5 is not a 16-bit type number",
    });
  });

  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: a chain built from the zone's data equals ldns-signzone's NSEC records`, () => {
      for (const zone of loadFixture(algorithm).zones) {
        const types = new Map<string, Set<number>>();
        for (const r of zone.records) {
          types.set(r.owner, (types.get(r.owner) ?? new Set()).add(r.type));
        }
        const owners = [...types.keys()].sort(compareCanonicalNames);
        const ours = owners.map((owner, i) => ({
          owner,
          next: owners[(i + 1) % owners.length],
          rdata: toHex(
            nsecRdata(owners[(i + 1) % owners.length], [...types.get(owner)!, RRSIG, NSEC]),
          ),
        }));
        const theirs = zone.nsecs.map((n) => ({
          owner: n.owner,
          next: n.next,
          rdata: toHex(nsecRdata(n.next, n.types)),
        }));
        assert.deepEqual(ours, theirs, zone.origin);
      }
    });
  }
});

describe("compareCanonicalNames", () => {
  test("sorts the RFC 4034 §6.1 example into its published order", () => {
    const rfcOrder = RFC4034_NAME_ORDER;
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
