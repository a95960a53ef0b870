import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChunkedList, NameTable } from "../../src/zone/shared_structures.ts";

describe("NameTable", () => {
  const base = new Map(Array.from({ length: 2000 }, (_, i) => [`k${i}`, i]));
  test("with() replaces entries in a new table and leaves the old one as it was", () => {
    const first = new NameTable(base);
    const second = first.with(new Map([["k7", -7], ["k1999", -1999]]));
    assert.equal(second.get("k7"), -7);
    assert.equal(second.get("k1999"), -1999);
    assert.equal(second.get("k8"), 8);
    assert.equal(second.get("nope"), undefined);
    assert.equal(first.get("k7"), 7);
    assert.equal(second.size, 2000);
    assert.deepEqual([...second.entries()].slice(6, 9), [["k6", 6], ["k7", -7], ["k8", 8]]);
    assert.equal(first.with(new Map()), first);
  });
  test("new keys are refused: the set of names changes only in a full build", () => {
    assert.throws(() => new NameTable(base).with(new Map([["new", 1]])), /new key/);
  });
  test("an overlay outgrowing a sixteenth of the base is folded; every value stays right", () => {
    let table = new NameTable(base);
    for (let i = 0; i < 1000; i++) table = table.with(new Map([[`k${(i * 7) % 2000}`, -i]]));
    const expected = new Map(base);
    for (let i = 0; i < 1000; i++) expected.set(`k${(i * 7) % 2000}`, -i);
    assert.deepEqual(new Map(table), expected);
    for (const [key, value] of expected) assert.equal(table.get(key), value);
  });
});

describe("ChunkedList", () => {
  test("reads like an array; with() copies only the changed chunks", () => {
    const items = Array.from({ length: 1300 }, (_, i) => ({ i }));
    const list = ChunkedList.from(items);
    assert.equal(list.length, 1300);
    assert.equal(list.at(0), items[0]);
    assert.equal(list.at(1299), items[1299]);
    const marker = { i: -1 };
    const next = list.with(new Map([[600, marker]]));
    assert.equal(next.at(600), marker);
    assert.equal(list.at(600), items[600]);
    for (const i of [0, 511, 512, 599, 601, 1023, 1024, 1299]) assert.equal(next.at(i), items[i]);
    assert.throws(() => list.with(new Map([[1300, marker]])), /index 1300/);
  });
});
