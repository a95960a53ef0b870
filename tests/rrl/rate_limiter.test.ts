import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRateLimiter, DROP, SEND, SLIP } from "../../src/rrl/rate_limiter.ts";
import type { RateLimitConfig } from "../../src/config/config.ts";

const CONFIG: RateLimitConfig = {
  responsesPerSecond: 10,
  slip: 2,
  ipv4Prefix: 24,
  ipv6Prefix: 56,
  exempt: [{ address: "198.51.100.0", prefix: 24 }, { address: "2001:db8:ffff::", prefix: 48 }],
};

/** A response with the question `name` (of `qtype`, A by default), `rcode` and `answers` answer records (counts only). */
function response(name: string, rcode = 0, answers = 1, qtype = 1): Uint8Array {
  const labels = name.split(".").flatMap((
    l,
  ) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]);
  return Uint8Array.from([
    0,
    1,
    0x84,
    rcode,
    0,
    1,
    0,
    answers,
    0,
    0,
    0,
    0,
    ...labels,
    0,
    qtype >> 8,
    qtype & 0xff,
    0,
    1,
  ]);
}

/** How many of `count` responses at `nowMs` get each decision. */
function tally(decide: () => number, count: number) {
  const counts = [0, 0, 0];
  for (let i = 0; i < count; i++) counts[decide()]++;
  return { sent: counts[SEND], dropped: counts[DROP], slipped: counts[SLIP] };
}

describe("rate limiter", () => {
  test("a burst gets one second's worth, then every 2nd limited response slips", () => {
    const limiter = createRateLimiter(CONFIG);
    const r = response("www.example.test");
    const result = tally(() => limiter.decide("192.0.2.7", r, 1000), 110);
    assert.deepEqual(result, { sent: 10, dropped: 50, slipped: 50 });
    assert.equal(limiter.limited, 100);
    assert.equal(limiter.slipped, 50);
  });

  test("credit refills at the configured rate, up to one second's worth", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 });
    const r = response("www.example.test");
    tally(() => limiter.decide("192.0.2.7", r, 0), 10);
    assert.equal(limiter.decide("192.0.2.7", r, 0), DROP);
    assert.equal(limiter.decide("192.0.2.7", r, 100), SEND); // 100 ms = one response at 10/s
    assert.equal(limiter.decide("192.0.2.7", r, 100), DROP);
    assert.deepEqual(tally(() => limiter.decide("192.0.2.7", r, 60_000), 20), {
      sent: 10,
      dropped: 10,
      slipped: 0,
    });
  });

  test("one /24 shares a bucket; the next /24 does not", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 });
    const r = response("www.example.test");
    tally(() => limiter.decide("192.0.2.7", r, 0), 10);
    assert.equal(limiter.decide("192.0.2.200", r, 0), DROP);
    assert.equal(limiter.decide("::ffff:192.0.2.9", r, 0), DROP); // dual-stack form, same client net
    assert.equal(limiter.decide("192.0.3.7", r, 0), SEND);
  });

  test("IPv6 sources share a bucket per /56", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 });
    const r = response("www.example.test");
    tally(() => limiter.decide("2001:db8:1:100::1", r, 0), 10);
    assert.equal(limiter.decide("2001:db8:1:1ff::2", r, 0), DROP);
    assert.equal(limiter.decide("2001:db8:1:200::1", r, 0), SEND);
  });

  test("answers are grouped per name and type (case-insensitively); NXDOMAIN per prefix", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 });
    tally(() => limiter.decide("192.0.2.7", response("www.example.test"), 0), 10);
    assert.equal(limiter.decide("192.0.2.7", response("WWW.Example.TEST"), 0), DROP);
    assert.equal(limiter.decide("192.0.2.7", response("api.example.test"), 0), SEND);
    assert.equal(limiter.decide("192.0.2.7", response("www.example.test", 0, 0), 0), SEND); // NODATA
    // Random names do not dodge the NXDOMAIN limit.
    const nx = tally(
      () => limiter.decide("192.0.2.7", response(`r${Math.random()}.example.test`, 3, 0), 0),
      30,
    );
    assert.deepEqual(nx, { sent: 10, dropped: 20, slipped: 0 });
    const refused = tally(
      () => limiter.decide("192.0.2.7", response(`r${Math.random()}.other`, 5, 0), 0),
      30,
    );
    assert.deepEqual(refused, { sent: 10, dropped: 20, slipped: 0 });
  });

  test("NODATA is grouped per name, whatever the type: rotating the type does not escape", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 });
    const nodata = tally(
      () =>
        limiter.decide(
          "192.0.2.7",
          response("static.example.test", 0, 0, 1 + Math.floor(Math.random() * 60_000)),
          0,
        ),
      100,
    );
    assert.deepEqual(nodata, { sent: 10, dropped: 90, slipped: 0 });
    // Another name has its own bucket; answers with records keep theirs per name and type.
    assert.equal(limiter.decide("192.0.2.7", response("www.example.test", 0, 0, 16), 0), SEND);
    assert.equal(limiter.decide("192.0.2.7", response("static.example.test", 0, 1, 1), 0), SEND);
  });

  test("exempt prefixes are never limited", () => {
    const limiter = createRateLimiter(CONFIG);
    const r = response("www.example.test");
    assert.equal(tally(() => limiter.decide("198.51.100.99", r, 0), 100).sent, 100);
    assert.equal(tally(() => limiter.decide("2001:db8:ffff:1::1", r, 0), 100).sent, 100);
  });

  test("group prefixes off a byte boundary (/22, /52) keep exactly their bits", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0, ipv4Prefix: 22, ipv6Prefix: 52 });
    const r = response("www.example.test");
    tally(() => limiter.decide("192.0.4.1", r, 0), 10);
    assert.equal(limiter.decide("192.0.7.254", r, 0), DROP, "192.0.4.0/22 holds 192.0.7.254");
    assert.equal(limiter.decide("192.0.8.1", r, 0), SEND, "192.0.8.1 is the next /22");
    tally(() => limiter.decide("2001:db8:0:1000::1", r, 0), 10);
    assert.equal(limiter.decide("2001:db8:0:1fff::1", r, 0), DROP, "same /52");
    assert.equal(limiter.decide("2001:db8:0:2000::1", r, 0), SEND, "the next /52");
  });

  test("exempt ranges off a byte boundary, and IPv4-mapped ones, cover exactly their addresses", () => {
    const limiter = createRateLimiter({
      ...CONFIG,
      exempt: [
        { address: "198.51.100.128", prefix: 25 },
        { address: "::ffff:203.0.113.0", prefix: 120 }, // 203.0.113.0/24 written as IPv6
        { address: "2001:db8:ffff:f000::", prefix: 52 },
      ],
    });
    const r = response("www.example.test");
    const sent = (source: string) => tally(() => limiter.decide(source, r, 0), 100).sent;
    assert.equal(sent("198.51.100.200"), 100);
    assert.equal(sent("198.51.100.100"), 10, "below .128: not in the /25");
    assert.equal(sent("203.0.113.77"), 100);
    assert.equal(sent("::ffff:203.0.113.78"), 100);
    assert.equal(sent("203.0.114.1"), 10, "outside the mapped /120");
    assert.equal(sent("2001:db8:ffff:fabc::1"), 100);
    assert.equal(sent("2001:db8:ffff:e000::1"), 10, "outside the /52");
  });

  test("bounded memory: a million one-off sources do not evict a bucket that is limiting", () => {
    const limiter = createRateLimiter({ ...CONFIG, slip: 0 }, 1 << 10);
    const r = response("www.example.test");
    tally(() => limiter.decide("192.0.2.7", r, 0), 10);
    for (let i = 0; i < 1_000_000; i++) {
      limiter.decide(`10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, r, 1 + i / 1_000_000);
    }
    // Still limited (its bucket survived as the emptier of its pair), refilled by ~1.1 s at most.
    assert.ok(tally(() => limiter.decide("192.0.2.7", r, 2), 30).sent <= 11);
  });
});
