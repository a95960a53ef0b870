import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readSourceAddress } from "../../src/abuse/read_source_address.ts";
import { addressToRdata } from "../../src/wire/ip_address.ts";

const read = (text: string) => {
  const out = new Uint8Array(16).fill(0xaa);
  const length = readSourceAddress(text, out);
  return length === 0 ? null : Array.from(out.subarray(0, length));
};

describe("readSourceAddress", () => {
  test("reads IPv4 and IPv6 text as the wire does", () => {
    for (
      const text of [
        "0.0.0.0",
        "192.0.2.7",
        "255.255.255.255",
        "::1",
        "::",
        "2001:db8::1",
        "2001:DB8:0:0:8:800:200C:417A",
        "fe80::",
        "1::2:3",
        "1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6::8",
        "::2:3:4:5:6:7:8",
        "64:ff9b::192.0.2.33",
      ]
    ) {
      assert.deepEqual(read(text), Array.from(addressToRdata(text)), text);
    }
  });
  test("reads IPv4-mapped IPv6 (dual-stack sockets) as the IPv4 client it is", () => {
    assert.deepEqual(read("::ffff:192.0.2.7"), [192, 0, 2, 7]);
    assert.deepEqual(read("::ffff:c000:207"), [192, 0, 2, 7]);
  });
  test("ignores a zone suffix", () => {
    assert.deepEqual(read("fe80::1%eth0"), Array.from(addressToRdata("fe80::1")));
  });
  test("rejects what is not an address", () => {
    for (
      const text of [
        "",
        "1.2.3",
        "1.2.3.4.5",
        "256.1.1.1",
        "1..2.3",
        "a.b.c.d",
        ":::",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7",
        ":1::",
        "1:",
        "localhost",
      ]
    ) {
      assert.equal(read(text), null, text);
    }
  });
  test("agrees with the wire parser on random addresses", () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 16;
    for (let n = 0; n < 2000; n++) {
      const groups = Array.from({ length: 8 }, () => (next() % 3 === 0 ? 0 : next()));
      const text = groups.map((g) => g.toString(16)).join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
      if (groups.slice(0, 6).join() === "0,0,0,0,0,65535") continue;
      assert.deepEqual(read(text), Array.from(addressToRdata(text)), text);
    }
  });
});
