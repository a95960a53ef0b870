import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { RecordConfig } from "../../src/config/config.ts";
import {
  estimatedCycleMs,
  nextSerial,
  signatureDueAt,
  signatureWindow,
  zoneTiming,
} from "../../src/zone/timing.ts";
import { testConfig } from "../../scripts/bench/harness/zone_fixture.ts";

const record = (
  name: string,
  addresses: string[],
  port: number,
  timeoutMs: number,
): RecordConfig => ({
  name,
  addresses,
  check: { port, timeoutMs },
  whenAllDown: { kind: "none" },
});

describe("zoneTiming", () => {
  test("derives every TTL from a 30 s interval", () => {
    const t = zoneTiming(testConfig());
    assert.equal(t.effectiveIntervalMs, 30_000);
    assert.equal(t.addressTtl, 60);
    assert.equal(t.nsTtl, 1800);
    assert.equal(t.soaTtl, 1800);
    assert.equal(t.soaRefresh, 600);
    assert.equal(t.dnskeyTtl, 600);
    assert.equal(t.soaRetry, 60);
    assert.equal(t.soaMinimum, 60);
    assert.equal(t.negativeTtl, 60);
    assert.equal(t.soaExpire, 14 * 86_400);
    assert.ok(t.soaExpire > t.soaRefresh + t.soaRetry);
    assert.equal(t.maxTtl, 1800);
  });
  test("rounds the A TTL up to whole seconds", () => {
    const t = zoneTiming(testConfig({ health: { ...testConfig().health, intervalMs: 1_250 } }));
    assert.equal(t.addressTtl, 3);
  });
  test("a check cycle longer than the interval stretches every TTL", () => {
    const addresses = Array.from({ length: 25 }, (_, i) => `192.0.2.${i}`);
    const config = testConfig({
      records: [
        record("a", addresses, 80, 3_000),
        record("b", addresses, 80, 1_000),
        record("c", addresses.slice(0, 5), 81, 7_000),
      ],
      health: { ...testConfig().health, intervalMs: 5_000, concurrency: 10 },
    });
    // unique endpoints: 25 on port 80 (shared by a and b) + 5 on port 81 = 30 → 3 waves × 7 s
    assert.equal(estimatedCycleMs(config), 21_000);
    const t = zoneTiming(config);
    assert.equal(t.effectiveIntervalMs, 21_000);
    assert.equal(t.addressTtl, 42);
    assert.equal(t.soaTtl, 1260);
  });
  test("static records do not count towards the cycle", () => {
    assert.equal(
      estimatedCycleMs(
        testConfig({ records: [{ ...record("s", ["192.0.2.1"], 80, 5_000), check: null }] }),
      ),
      0,
    );
  });
  test("clamps to 2^31 − 1 and expire grows past refresh + retry for long intervals", () => {
    const huge = zoneTiming(
      testConfig({ health: { ...testConfig().health, intervalMs: 2 ** 40 } }),
    );
    assert.equal(huge.addressTtl, 0x7fffffff);
    assert.equal(huge.soaTtl, 0x7fffffff);
    const long = zoneTiming(
      testConfig({ health: { ...testConfig().health, intervalMs: 86_400_000 } }),
    );
    assert.equal(long.soaExpire, 2 * (long.soaRefresh + long.soaRetry));
    assert.ok(long.soaExpire > long.soaRefresh + long.soaRetry);
  });
});

describe("nextSerial", () => {
  const now = Date.UTC(2026, 10, 26);
  test("is seconds since the epoch for a first snapshot", () => {
    assert.equal(nextSerial(now, null), now / 1000);
  });
  test("strictly increases even when the clock stands still or goes back", () => {
    const first = nextSerial(now, null);
    const second = nextSerial(now, first);
    const third = nextSerial(now - 100_000, second);
    assert.equal(second, first + 1);
    assert.equal(third, first + 2);
    assert.equal(nextSerial(now + 10_000, third), first + 10);
  });
  test("wraps mod 2^32 with serial arithmetic", () => {
    assert.equal(nextSerial(0, 0xffffffff), 0);
    const afterWrap = Date.UTC(2106, 1, 8); // past 2^32 seconds
    assert.ok(nextSerial(afterWrap, 0xfffffff0) < 0x1000000);
  });
});

describe("signature timing", () => {
  const t = zoneTiming(testConfig());
  const now = Date.UTC(2026, 10, 26);
  test("inception is backdated an hour; expiration covers the refresh margin plus a week", () => {
    const w = signatureWindow(now, t);
    assert.equal(w.inception, now / 1000 - 3600);
    assert.equal(w.expiration - now / 1000, 14 * 86_400 + t.maxTtl + 86_400 + 7 * 86_400);
    assert.ok(t.signatureValidity > t.soaExpire + t.maxTtl, "validity > SOA EXPIRE + largest TTL");
  });
  test("a fresh signature is due after a week, when EXPIRE + the largest TTL + a day is left", () => {
    const w = signatureWindow(now, t);
    const due = signatureDueAt(w.expiration, now, t);
    assert.equal(due - now, 7 * 86_400_000);
    assert.ok(
      due / 1000 + t.soaExpire + t.maxTtl < w.expiration,
      "at the refresh moment a secondary may serve it until EXPIRE and a resolver cache it a full TTL",
    );
  });
  test("the margin follows EXPIRE when a long interval raises it above two weeks", () => {
    const long = zoneTiming(
      testConfig({ health: { ...testConfig().health, intervalMs: 86_400_000 } }),
    );
    assert.ok(long.soaExpire > 14 * 86_400);
    assert.equal(long.signatureRefreshMargin, long.soaExpire + long.maxTtl + 86_400);
  });
});
