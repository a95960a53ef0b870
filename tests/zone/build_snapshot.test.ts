import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { buildSnapshot } from "../../src/zone/build_snapshot.ts";
import type { RecordConfig } from "../../src/config/config.ts";
import {
  ask,
  fixtureSnapshot,
  healthWithDown,
  NOW,
  testConfig,
  testKey,
} from "../../scripts/bench/harness/zone_fixture.ts";

const data = (packet: ReturnType<typeof ask>, type: string) =>
  (packet.answers ?? []).filter((a) => a.type === type).map((a) => (a as { data: unknown }).data)
    .sort();

describe("buildSnapshot (unsigned)", () => {
  test("serves SOA and NS at every apex; MNAME is the first name server, RNAME hostmaster.<zone>", async () => {
    const s = await fixtureSnapshot();
    for (const zone of ["example.test", "example.net"]) {
      const soa = data(ask(s, zone, "SOA"), "SOA")[0] as Record<string, unknown>;
      assert.equal(soa.mname, "ns1.example.test");
      assert.equal(soa.rname, `hostmaster.${zone}`);
      assert.equal(soa.serial, NOW / 1000);
      assert.deepEqual(data(ask(s, zone, "NS"), "NS"), ["ns1.example.test", "ns2.example.org"]);
    }
    assert.equal(s.serial, NOW / 1000);
    assert.equal(s.refreshAt, null);
  });
  test("IPv4 goes to A and IPv6 to AAAA", async () => {
    const s = await fixtureSnapshot();
    assert.deepEqual(data(ask(s, "www.example.test", "A"), "A"), ["192.0.2.1", "192.0.2.2"]);
    assert.deepEqual(data(ask(s, "www.example.test", "AAAA"), "AAAA"), ["2001:db8::1"]);
  });
  test("alias zones answer exactly like the hosted zone", async () => {
    const s = await fixtureSnapshot({ health: healthWithDown("192.0.2.1") });
    for (
      const [name, type] of [
        ["www", "A"],
        ["www", "AAAA"],
        ["static", "A"],
        ["fb", "A"],
        ["api.eu", "A"],
        ["eu", "A"],
        ["nope", "A"],
      ]
    ) {
      const hosted = ask(s, `${name}.example.test`, type);
      const alias = ask(s, `${name}.example.net`, type);
      assert.equal(alias.rcode, hosted.rcode, `${name} ${type}`);
      assert.deepEqual(data(alias, type), data(hosted, type), `${name} ${type}`);
    }
  });
  test("checked records serve only healthy addresses; static records always serve all", async () => {
    const s = await fixtureSnapshot({ health: healthWithDown("192.0.2.1", "198.51.100.7") });
    assert.deepEqual(data(ask(s, "www.example.test", "A"), "A"), ["192.0.2.2"]);
    assert.deepEqual(data(ask(s, "static.example.test", "A"), "A"), ["198.51.100.7"]);
  });
  test("health is per (address, check port)", async () => {
    const s = await buildSnapshot({
      config: testConfig(),
      health: { isHealthy: (address, port) => !(address === "192.0.2.10" && port === 443) },
      now: NOW,
      previous: null,
      key: null,
    });
    assert.deepEqual(data(ask(s, "api.eu.example.test", "A"), "A"), []);
    assert.deepEqual(data(ask(s, "www.example.test", "A"), "A"), ["192.0.2.1", "192.0.2.2"]);
  });
  test("all down, policy none: the name still exists (NODATA, RFC 8020)", async () => {
    const s = await fixtureSnapshot({
      health: healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1"),
    });
    const answer = ask(s, "www.example.test", "A");
    assert.equal(answer.rcode, "NOERROR");
    assert.equal(answer.answers?.length, 0);
    assert.equal(answer.authorities?.[0].type, "SOA");
  });
  test("all down, policy all: every configured address", async () => {
    const s = await fixtureSnapshot({ health: healthWithDown("192.0.2.20", "192.0.2.21") });
    assert.deepEqual(data(ask(s, "all.example.test", "A"), "A"), ["192.0.2.20", "192.0.2.21"]);
  });
  test("all down, policy fallback: the fallback addresses; healthy: the real ones", async () => {
    const down = await fixtureSnapshot({ health: healthWithDown("192.0.2.30") });
    assert.deepEqual(data(ask(down, "fb.example.test", "A"), "A"), ["203.0.113.5"]);
    const up = await fixtureSnapshot();
    assert.deepEqual(data(ask(up, "fb.example.test", "A"), "A"), ["192.0.2.30"]);
  });
  test("empty non-terminals exist: NODATA, not NXDOMAIN", async () => {
    const s = await fixtureSnapshot();
    const ent = ask(s, "eu.example.test", "A");
    assert.equal(ent.rcode, "NOERROR");
    assert.equal(ent.answers?.length, 0);
    assert.equal(ask(s, "x.eu.example.test", "A").rcode, "NXDOMAIN");
  });
  test("the serial moves only when served data changes, strictly increasing", async () => {
    const first = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key: null,
    });
    const same = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW + 60_000,
      previous: first,
      key: null,
    });
    assert.equal(same, first, "nothing changed: the same snapshot, the same serial");
    const second = await buildSnapshot({
      config: testConfig(),
      health: healthWithDown("192.0.2.1"),
      now: NOW,
      previous: first,
      key: null,
    });
    const third = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW - 5_000,
      previous: second,
      key: null,
    });
    assert.deepEqual([first.serial, second.serial, third.serial], [
      NOW / 1000,
      NOW / 1000 + 1,
      NOW / 1000 + 2,
    ]);
    assert.equal(
      (data(ask(third, "example.net", "SOA"), "SOA")[0] as { serial: number }).serial,
      NOW / 1000 + 2,
    );
  });
  test("the first build exceeds the serial of the last run, across the 2^32 wrap", async () => {
    const build = (lastSerial: number) =>
      buildSnapshot({
        config: testConfig(),
        health: ALL_HEALTHY,
        now: NOW,
        previous: null,
        lastSerial,
        key: null,
      });
    assert.equal((await build(NOW / 1000 - 100)).serial, NOW / 1000, "behind the clock: the clock");
    assert.equal((await build(NOW / 1000 + 100)).serial, NOW / 1000 + 101, "ahead: previous + 1");
    const wrapped = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: 1000,
      previous: null,
      lastSerial: 0xffffffff,
      key: null,
    });
    assert.equal(wrapped.serial, 1, "0xffffffff + 1 wraps to 0, and the clock (1) is after it");
    const atWrap = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: 0,
      previous: null,
      lastSerial: 0xffffffff,
      key: null,
    });
    assert.equal(atWrap.serial, 0, "previous + 1 wraps to 0");
  });
  test("the snapshot is frozen", async () => {
    const s = await fixtureSnapshot();
    assert.ok(Object.isFrozen(s));
    assert.ok(Object.isFrozen(s.zones));
    assert.ok(Object.isFrozen(s.zones[0]));
    assert.ok(Object.isFrozen([...s.names.values()][0]));
  });
});

describe("buildSnapshot: collectGarbage between stretches", () => {
  test("a small zone: called once, at the end, and the snapshot is the same", async () => {
    let calls = 0;
    const input = { config: testConfig(), health: ALL_HEALTHY, now: NOW, previous: null };
    const key = await testKey();
    const plain = await buildSnapshot({ ...input, key });
    const collected = await buildSnapshot({ ...input, key, collectGarbage: () => calls++ });
    assert.equal(calls, 1);
    assert.deepEqual(
      ask(collected, "www.example.net", "A", true),
      ask(plain, "www.example.net", "A", true),
    );
  });
  test("2,100 signed names in two zones: also called every 4,096 names, answers unchanged", async () => {
    const records: RecordConfig[] = Array.from({ length: 2100 }, (_, i) => ({
      name: `h${i}`,
      addresses: [`10.0.${i >> 8}.${i & 255}`],
      check: null,
      whenAllDown: { kind: "none" },
    }));
    const input = {
      config: testConfig({ records }),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
    };
    const key = await testKey();
    let calls = 0;
    const plain = await buildSnapshot({ ...input, key });
    const collected = await buildSnapshot({ ...input, key, collectGarbage: () => calls++ });
    // 2 × 2,101 names: once on passing 4,096 names, once at the end.
    assert.equal(calls, 2);
    assert.deepEqual([...collected.names.keys()], [...plain.names.keys()]);
    for (const name of ["h0.example.test", "h2099.example.net", "example.net"]) {
      assert.deepEqual(ask(collected, name, "ANY", true), ask(plain, name, "ANY", true));
      assert.deepEqual(ask(collected, name, "A", true), ask(plain, name, "A", true));
    }
  });
});
