import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createJournal, soaSerial } from "../../src/transfer/journal.ts";
import type { ZoneRecords } from "../../src/zone/snapshot.ts";

const soa = (serial: number) => {
  const bytes = new Uint8Array(30);
  new DataView(bytes.buffer).setUint32(10, serial);
  return bytes;
};
const record = (n: number) => new Uint8Array([1, 2, n]);
/** A zone version whose names each hold one record (name `r<n>`, stamp `<n>`). */
const zone = (serial: number, records: number[], apex = "example.test"): ZoneRecords => {
  const names = records.map((n) => ({ name: `r${n}`, stamp: String(n), records: [record(n)] }));
  return { apex, soa: soa(serial), names, byName: new Map(names.map((e) => [e.name, e])) };
};

describe("journal", () => {
  test("compares records only where a name's stamp changed", () => {
    const journal = createJournal(10, 100);
    const before = zone(1, [1, 2]);
    // r2 changes its record but keeps its stamp: not compared, so not a change.
    const names = [before.names[0], { name: "r2", stamp: "2", records: [record(9)] }];
    journal.record([before], [{
      ...before,
      soa: soa(2),
      names,
      byName: new Map(names.map((e) => [e.name, e])),
    }]);
    const [change] = journal.changesSince("example.test", 1)!;
    assert.deepEqual([change.deleted.length, change.added.length], [0, 0]);
  });

  test("records the exact differences and chains them from any recorded serial", () => {
    const journal = createJournal(10, 100);
    const v1 = zone(1, [1, 2, 3]);
    const v2 = zone(2, [1, 3, 4]);
    const v3 = zone(3, [1, 4]);
    journal.record([v1], [v2]);
    journal.record([v2], [v3]);
    const all = journal.changesSince("example.test", 1)!;
    assert.deepEqual(
      all.map((c) => [
        c.fromSerial,
        soaSerial(c.toSoa),
        c.deleted.map((r) => r[2]),
        c.added.map((r) => r[2]),
      ]),
      [
        [1, 2, [2], [4]],
        [2, 3, [3], []],
      ],
    );
    assert.equal(journal.changesSince("example.test", 2)!.length, 1);
    assert.equal(journal.changesSince("example.test", 0), null, "older than the journal");
    assert.equal(journal.changesSince("example.net", 1), null, "another zone");
  });

  test("keeps at most maxChanges changes and maxRecords changed records, dropping the oldest", () => {
    const byCount = createJournal(2, 100);
    for (let serial = 1; serial < 5; serial++) {
      byCount.record([zone(serial, [serial])], [zone(serial + 1, [serial + 1])]);
    }
    assert.equal(byCount.changesSince("example.test", 2), null);
    assert.equal(byCount.changesSince("example.test", 3)!.length, 2);
    const bySize = createJournal(100, 4);
    for (let serial = 1; serial < 5; serial++) {
      bySize.record([zone(serial, [serial])], [zone(serial + 1, [serial + 1])]);
    }
    assert.equal(bySize.changesSince("example.test", 3)!.length, 2, "2 changes × 2 records");
  });

  test("a zone no longer served is forgotten", () => {
    const journal = createJournal(10, 100);
    journal.record([zone(1, [1], "a.test"), zone(1, [1], "b.test")], [
      zone(2, [2], "a.test"),
      zone(2, [2], "b.test"),
    ]);
    journal.record([zone(2, [2], "a.test"), zone(2, [2], "b.test")], [zone(3, [3], "a.test")]);
    assert.equal(journal.changesSince("b.test", 1), null);
    assert.equal(journal.changesSince("a.test", 1)!.length, 2);
  });

  test("a gap between recorded versions starts the chain anew (no IXFR across it)", () => {
    const journal = createJournal(10, 100);
    journal.record([zone(1, [1])], [zone(2, [2])]);
    journal.record([zone(5, [5])], [zone(6, [6])]); // 2 -> 5 was never recorded
    assert.equal(journal.changesSince("example.test", 1), null);
    assert.equal(journal.changesSince("example.test", 5)!.length, 1);
  });
});
