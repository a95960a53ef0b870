import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { addressToRdata, parseIpAddress } from "../../src/wire/ip_address.ts";

describe("parseIpAddress and addressToRdata", () => {
  test("IPv4 gives 4 octets", () => {
    assert.deepEqual([...addressToRdata("192.0.2.255")], [192, 0, 2, 255]);
  });
  test("IPv6 forms give 16 octets", () => {
    assert.deepEqual([...addressToRdata("2001:db8::1")], [
      0x20,
      1,
      0x0d,
      0xb8,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
    ]);
    assert.deepEqual([...addressToRdata("::")], new Array(16).fill(0));
    assert.deepEqual([...addressToRdata("::ffff:192.0.2.1")].slice(10), [0xff, 0xff, 192, 0, 2, 1]);
    assert.deepEqual([...addressToRdata("1:2:3:4:5:6:7:8")].slice(14), [0, 8]);
  });
  test("rejects what is not an address, naming it", () => {
    for (
      const bad of [
        "192.0.2",
        "192.0.2.256",
        "1::2::3",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "www",
      ]
    ) {
      assert.throws(() => addressToRdata(bad), new RegExp(`"${bad.replace(/\./g, "\\.")}"`));
    }
  });
  test("parseIpAddress returns null where addressToRdata throws, leading zeros included", () => {
    for (const bad of ["01.2.3.4", "1.2.3.4%eth0", "fe80::1%eth0", "", "::1::"]) {
      assert.equal(parseIpAddress(bad), null, bad);
      assert.throws(() => addressToRdata(bad), RangeError);
    }
    assert.deepEqual([...parseIpAddress("10.0.0.9")!], [10, 0, 0, 9]);
  });
});
