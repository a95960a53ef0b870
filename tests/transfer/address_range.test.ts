import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inRange, peerAddress } from "../../src/transfer/address_range.ts";

describe("transfer source addresses", () => {
  test("a dual-stack socket's IPv4-mapped peer is plain IPv4; IPv6 is canonical", () => {
    assert.equal(peerAddress("::ffff:192.0.2.7"), "192.0.2.7");
    assert.equal(peerAddress("::FFFF:192.0.2.7"), "192.0.2.7");
    assert.equal(peerAddress("2001:DB8:0:0::1"), "2001:db8::1");
    assert.equal(peerAddress("192.0.2.7"), "192.0.2.7");
  });

  test("CIDR ranges: prefix bits only, families never mix", () => {
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
    assert.equal(inRange("::ffff:203.0.113.1", v4), false, "mapped addresses are made IPv4 first");
    assert.equal(inRange("anything", { address: "0.0.0.0", prefix: 0 }), false);
  });
});
