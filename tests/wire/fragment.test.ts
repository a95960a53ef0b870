import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { FragmentWriter } from "../../src/wire/fragment.ts";
import { nameToWire } from "../../src/wire/names.ts";

describe("FragmentWriter", () => {
  test("compresses the owner to the question name at offset 12", () => {
    const w = new FragmentWriter("www.example.test", false);
    w.record("www.example.test", 1, 60, new Uint8Array([192, 0, 2, 1]));
    const f = w.finish();
    assert.deepEqual([...f.bytes], [0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]);
    assert.equal(f.count, 1);
    assert.equal(f.relocs.length, 0);
  });
  test("NS names compress against question suffixes; relocatable writers record pointers", () => {
    const w = new FragmentWriter("example.test", true);
    w.rrset("example.test", 2, 1800, [nameToWire("ns1.example.test"), nameToWire("ns.other.org")]);
    const f = w.finish();
    assert.equal(f.count, 2);
    // owner ptr, NS target "ns1" + pointer, second owner; "ns.other.org" shares no suffix
    assert.deepEqual([...f.relocs], [0, 16, 18]);
    assert.deepEqual([...f.bytes.subarray(0, 2)], [0xc0, 12]);
    assert.deepEqual([...f.bytes.subarray(10, 18)], [0, 6, 3, 0x6e, 0x73, 0x31, 0xc0, 12]);
  });
  test("the SOA RDATA keeps its 20 octets of counters after the names", () => {
    const w = new FragmentWriter("example.test", false);
    const rdata = new Uint8Array([
      ...nameToWire("ns1.example.test"),
      ...nameToWire("hostmaster.example.test"),
      ...new Array(20).fill(7),
    ]);
    w.rrset("example.test", 6, 60, [rdata]);
    const f = w.finish();
    const rdlength = (f.bytes[10] << 8) | f.bytes[11];
    assert.equal(rdlength, 6 + 13 + 20);
    assert.deepEqual([...f.bytes.subarray(f.bytes.length - 20)], new Array(20).fill(7));
  });
});
