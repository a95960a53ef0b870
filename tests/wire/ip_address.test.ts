import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  addressToRdata,
  canonicalIp,
  inRange,
  parseAddressRange,
  parseIpAddress,
  peerAddress,
  readSourceAddress,
  tcpSourceKey,
  unmapIpv4,
} from "../../src/wire/ip_address.ts";

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

describe("canonicalIp", () => {
  test("keeps valid IPv4 dotted quads", () => {
    for (const text of ["0.0.0.0", "192.0.2.1", "255.255.255.255", "10.0.100.9"]) {
      assert.equal(canonicalIp(text), text);
    }
  });

  test("rejects IPv4 with leading zeros, out-of-range octets or the wrong shape", () => {
    for (
      const text of [
        "01.2.3.4",
        "1.2.3.004",
        "256.1.1.1",
        "300.1.1.1",
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.",
        "a.b.c.d",
        " 1.2.3.4",
        "1.2.3.4 ",
        "",
        "+1.2.3.4",
        "1.2.3.-4",
      ]
    ) {
      assert.equal(canonicalIp(text), null, text);
    }
  });

  test("writes IPv6 in RFC 5952 form", () => {
    const cases: [string, string][] = [
      ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
      ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
      ["::1", "::1"],
      ["::", "::"],
      ["0:0:0:0:0:0:0:0", "::"],
      ["1::", "1::"],
      ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // one zero group is not compressed
      ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longest run wins
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of equal runs
      ["fe80::ABCD:0:0:1", "fe80::abcd:0:0:1"],
      ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
      ["::FFFF:C000:0201", "::ffff:192.0.2.1"],
      ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ];
    for (const [text, canonical] of cases) assert.equal(canonicalIp(text), canonical, text);
  });

  test("rejects malformed IPv6", () => {
    for (
      const text of [
        "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        ":1::2",
        "1:::2",
        "12345::",
        "g::1",
        "fe80::1%eth0",
        "1.2.3.4::",
        "::1.2.3",
        "::01.2.3.4",
        "1:2:3:4:5:6:7::8",
        "[::1]",
      ]
    ) {
      assert.equal(canonicalIp(text), null, text);
    }
  });
});

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

describe("transfer source addresses", () => {
  test("a dual-stack socket's IPv4-mapped peer is plain IPv4; IPv6 is canonical", () => {
    assert.equal(peerAddress("::ffff:192.0.2.7"), "192.0.2.7");
    assert.equal(peerAddress("::FFFF:192.0.2.7"), "192.0.2.7");
    assert.equal(peerAddress("2001:DB8:0:0::1"), "2001:db8::1");
    assert.equal(peerAddress("192.0.2.7"), "192.0.2.7");
  });

  test("CIDR ranges: prefix bits only, IPv4 and IPv6 never mix", () => {
    const v4 = { address: "203.0.113.0", prefix: 24 };
    assert.equal(inRange("203.0.113.255", v4), true);
    assert.equal(inRange("203.0.114.0", v4), false);
    assert.equal(inRange("10.1.2.3", { address: "10.0.0.0", prefix: 8 }), true);
    assert.equal(inRange("192.0.2.1", { address: "192.0.2.1", prefix: 32 }), true);
    assert.equal(inRange("192.0.2.2", { address: "192.0.2.1", prefix: 32 }), false);
    assert.equal(inRange("192.0.2.129", { address: "192.0.2.128", prefix: 25 }), true);
    assert.equal(inRange("192.0.2.127", { address: "192.0.2.128", prefix: 25 }), false);
    const v6 = { address: "2001:db8:1::", prefix: 48 };
    assert.equal(inRange("2001:db8:1:ffff::1", v6), true);
    assert.equal(inRange("2001:db8:2::1", v6), false);
    assert.equal(inRange("203.0.113.1", v6), false);
    // IPv4-mapped addresses and ranges are IPv4 (unmapIpv4), as for RRL exemptions.
    assert.equal(inRange("::ffff:203.0.113.1", v4), true);
    assert.equal(inRange("203.0.113.1", { address: "::ffff:203.0.113.0", prefix: 120 }), true);
    assert.equal(inRange("203.0.114.1", { address: "::ffff:203.0.113.0", prefix: 120 }), false);
    assert.equal(inRange("anything", { address: "0.0.0.0", prefix: 0 }), false);
  });
});

describe("CIDR text, IPv4-mapped addresses and per-source keys", () => {
  test("parseAddressRange reads an address or a CIDR range in canonical form", () => {
    assert.deepEqual(parseAddressRange("203.0.113.0/24"), { address: "203.0.113.0", prefix: 24 });
    assert.deepEqual(parseAddressRange("2001:DB8::/32"), { address: "2001:db8::", prefix: 32 });
    assert.deepEqual(parseAddressRange("192.0.2.1"), { address: "192.0.2.1", prefix: 32 });
    assert.deepEqual(parseAddressRange("::1"), { address: "::1", prefix: 128 });
    for (
      const bad of ["192.0.2.0/33", "2001:db8::/129", "192.0.2.0/", "192.0.2.0/x", "a/8", "1/2/3"]
    ) {
      assert.equal(parseAddressRange(bad), null, bad);
    }
  });

  test("unmapIpv4 unmaps ::ffff:a.b.c.d and nothing else", () => {
    assert.deepEqual([...unmapIpv4(parseIpAddress("::ffff:192.0.2.7")!)], [192, 0, 2, 7]);
    assert.deepEqual([...unmapIpv4(parseIpAddress("::ffff:c000:207")!)], [192, 0, 2, 7]);
    assert.equal(unmapIpv4(parseIpAddress("::1:ffff:192.0.2.7")!).length, 16);
    assert.equal(unmapIpv4(parseIpAddress("64:ff9b::192.0.2.7")!).length, 16);
    assert.equal(unmapIpv4(parseIpAddress("192.0.2.7")!).length, 4);
  });

  test("tcpSourceKey: an IPv4 address, an IPv6 /64, a mapped address as IPv4", () => {
    assert.equal(tcpSourceKey("192.0.2.1"), "192.0.2.1");
    assert.equal(tcpSourceKey("::ffff:192.0.2.1"), "192.0.2.1");
    assert.equal(tcpSourceKey("2001:db8::1"), tcpSourceKey("2001:db8::2"));
    assert.notEqual(tcpSourceKey("2001:db8::1"), tcpSourceKey("2001:db8:0:1::1"));
    assert.equal(tcpSourceKey("2001:db8::1"), "20010db800000000::/64");
    assert.equal(tcpSourceKey("not an address"), "not an address");
  });
});
