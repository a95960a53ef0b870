import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalIp } from "../../src/config/canonical_ip.ts";

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
