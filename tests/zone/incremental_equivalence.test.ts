/**
 * An incremental update (only health changed: the builder re-makes the
 * touched names and shares the rest) must answer exactly like a full build
 * of the same input: every existing and missing name, every type, DO=0 and
 * DO=1, byte for byte, signed and unsigned.
 *
 * The full build of each step gets the same previous snapshot under a copy
 * of the config (as a reload of an unchanged file would), so it derives every
 * name and keeps what is unchanged; Ed25519 signatures are deterministic, so
 * RRsets it signs anew come out byte-identical to the update's.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { answerQuery } from "../../src/answer/answer_query.ts";
import type { Config, RecordConfig } from "../../src/config/config.ts";
import type { SigningKey } from "../../src/dnssec/keys.ts";
import { endpointKey } from "../../src/health/endpoints.ts";
import { HealthState, type HealthView } from "../../src/health/health_state.ts";
import { buildSnapshot } from "../../src/zone/build_snapshot.ts";
import type { Snapshot } from "../../src/zone/snapshot.ts";
import { zoneShape } from "../../src/zone/zone_shape.ts";
import {
  healthWithDown,
  makeQuery,
  NOW,
  testConfig,
  testKey,
} from "../../scripts/bench/harness/zone_fixture.ts";

/** 600 more checked names (one endpoint each, some sharing one), so steps can flip many at once. */
const MANY: RecordConfig[] = Array.from({ length: 600 }, (_, i) => ({
  name: i % 3 === 0 ? `n${i}.deep` : `n${i}`,
  addresses: [`10.1.${i >> 8}.${i & 255}`, ...(i % 5 === 0 ? ["10.9.9.9"] : [])],
  check: { port: 8080, timeoutMs: 1_000 },
  whenAllDown: i % 7 === 0 ? { kind: "fallback", addresses: ["203.0.113.9"] } : { kind: "none" },
}));

function config(): Config {
  const base = testConfig();
  return Object.freeze({ ...base, records: [...base.records, ...MANY] });
}

/** Every type served somewhere, ANY, and TXT for all the types never served (NODATA alike). */
const TYPES = ["A", "AAAA", "NS", "SOA", "NSEC", "RRSIG", "DNSKEY", "ANY", "TXT"];
/** The machine may be loaded: these compare tens of thousands of answers per step. */
const SLOW = { timeout: 180_000 };

/** Every existing name of every zone, plus missing names beside, below and above them. */
function questionNames(c: Config): string[] {
  const names: string[] = [];
  for (const apex of [c.hostedZone, ...c.aliasZones]) {
    for (const name of zoneShape(apex, c, false).sorted) names.push(name, `nx.${name}`);
    names.push(`*.${apex}`, `zz-missing.${apex}`, `a.b.c.${apex}`, `*.eu.${apex}`);
  }
  return [...names, "elsewhere.invalid"];
}

/** Every question of `questionNames` × `TYPES` × DO=0/1, encoded once. */
const questions = new Map<Config, { label: string; query: Uint8Array }[]>();
function questionsFor(c: Config): { label: string; query: Uint8Array }[] {
  let found = questions.get(c);
  if (found !== undefined) return found;
  found = [];
  for (const name of questionNames(c)) {
    for (const type of TYPES) {
      for (const dnssecOk of [false, true]) {
        found.push({
          label: `${name} ${type} DO=${dnssecOk ? 1 : 0}`,
          query: makeQuery(name, type, { edns: { dnssecOk, udpSize: 4096 } }),
        });
      }
    }
  }
  questions.set(c, found);
  return found;
}

/** Asserts that two snapshots answer every question alike, byte for byte. */
function assertSameAnswers(incremental: Snapshot, full: Snapshot, c: Config, step: string): void {
  const all = questionsFor(c);
  for (const { label, query } of all) {
    const a = answerQuery(query, incremental, "tcp");
    const b = answerQuery(query, full, "tcp");
    assert.ok(a !== null && b !== null);
    if (Buffer.compare(a, b) !== 0) assert.fail(`${step}: ${label} differs`);
  }
  assert.ok(all.length > 20_000, `compared ${all.length} answers`);
}

/** The change list in a comparable form. */
function changeList(s: Snapshot): string[] {
  const hex = (bytes: Uint8Array | null | undefined) =>
    bytes ? Buffer.from(bytes).toString("hex") : "-";
  return (s.changes?.rrsets ?? []).map((c) =>
    [
      c.zone,
      c.owner,
      c.type,
      c.before ? `${c.before.ttl}/${c.before.rdatas.map(hex)}/${hex(c.before.rrsig)}` : "-",
      c.after ? `${c.after.ttl}/${c.after.rdatas.map(hex)}/${hex(c.after.rrsig)}` : "-",
    ].join(" ")
  ).sort();
}

/** Health as the monitor publishes it: HealthState versions, each derived from the one before. */
function monitorSteps(): [string, HealthState][] {
  const all = [
    ...testConfig().records.filter((r) => r.check !== null).flatMap((r) =>
      r.addresses.map((a) => endpointKey(a, r.check!.port))
    ),
    ...MANY.flatMap((r) => r.addresses.map((a) => endpointKey(a, 8080))),
  ];
  const up = HealthState.EMPTY.with(all.map((key) => [key, true]));
  const steps: [string, HealthState][] = [["all healthy", up]];
  const next = (label: string, changes: [string, boolean][]) =>
    steps.push([label, steps[steps.length - 1][1].with(changes)]);
  next("one www address down", [[endpointKey("192.0.2.1", 80), false]]);
  next("www's other IPv4 down", [[endpointKey("192.0.2.2", 80), false]]);
  next("www all down: NODATA, its NSEC bitmap shrinks", [[endpointKey("2001:db8::1", 80), false]]);
  next("fallback and policy all", [
    [endpointKey("192.0.2.30", 80), false],
    [endpointKey("192.0.2.20", 80), false],
    [endpointKey("192.0.2.21", 80), false],
  ]);
  next("a shared endpoint down (120 names)", [[endpointKey("10.9.9.9", 8080), false]]);
  next(
    "300 names down at once (the health state folds its base)",
    MANY.slice(0, 300).map((r) => [
      endpointKey(r.addresses[0], 8080),
      false,
    ]),
  );
  next("everything back", all.map((key) => [key, true]));
  next("api.eu down under an empty non-terminal", [[endpointKey("192.0.2.10", 443), false]]);
  return steps;
}

/** Health views that cannot tell what changed (the builder compares every endpoint). */
function plainSteps(): [string, HealthView][] {
  return [
    ["plain: all healthy", healthWithDown()],
    [
      "plain: www and 10.9.9.9 down",
      healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1", "10.9.9.9"),
    ],
    [
      "plain: the same again (no address changes)",
      healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1", "10.9.9.9"),
    ],
    ["plain: www back, fb down", healthWithDown("192.0.2.30")],
  ];
}

/** Runs the steps; returns how many left the served data unchanged (the snapshot kept). */
async function runSteps(
  key: SigningKey | null,
  steps: [string, HealthView][],
): Promise<number> {
  const c = config();
  let now = NOW;
  let previous = await buildSnapshot({ config: c, health: steps[0][1], now, previous: null, key });
  let unchanged = 0;
  for (const [label, health] of steps.slice(1)) {
    now += 7_000;
    const incremental = await buildSnapshot({ config: c, health, now, previous, key });
    assert.equal(incremental.source.config, c);
    // The same input through the full path: a copy of the config makes it a (no-op) reload.
    const full = await buildSnapshot({ config: { ...c }, health, now, previous, key });
    if (incremental === previous) {
      // Nothing served changed: both ways keep the snapshot, and with it the serial.
      assert.equal(full, previous, `${label}: the full build keeps the snapshot too`);
      unchanged++;
      continue;
    }
    // Unsigned, a build from nothing must match too.
    const scratch = key === null
      ? await buildSnapshot({ config: c, health, now, previous: null, key })
      : null;
    assert.equal(incremental.serial, full.serial, label);
    assert.equal(incremental.refreshAt, full.refreshAt, label);
    assertSameAnswers(incremental, full, c, label);
    if (scratch !== null) assertSameAnswers(incremental, scratch, c, `${label} (from nothing)`);
    assert.deepEqual(changeList(incremental), changeList(full), `${label}: changes`);
    assert.ok(changeList(incremental).some((line) => line.includes(" 6 ")), `${label}: SOA listed`);
    previous = incremental;
  }
  return unchanged;
}

describe("incremental zone update ≡ full build", () => {
  test("unsigned, health as the monitor publishes it", SLOW, async () => {
    assert.equal(await runSteps(null, monitorSteps()), 0);
  });
  test("unsigned, health views without change tracking", SLOW, async () => {
    assert.equal(await runSteps(null, plainSteps()), 1, "the step repeating the health");
  });
  test("signed (Ed25519), health as the monitor publishes it", SLOW, async () => {
    assert.equal(await runSteps(await testKey("ED25519"), monitorSteps()), 0);
  });
  test("signed (Ed25519), health views without change tracking", SLOW, async () => {
    assert.equal(await runSteps(await testKey("ED25519"), plainSteps()), 1);
  });
  test(
    "an update touches only what changed: one flip re-makes one name per zone and the apexes",
    SLOW,
    async () => {
      const key = await testKey("ED25519");
      const [[, up], [, down]] = monitorSteps();
      const c = config();
      const first = await buildSnapshot({ config: c, health: up, now: NOW, previous: null, key });
      const second = await buildSnapshot({
        config: c,
        health: down,
        now: NOW + 1000,
        previous: first,
        key,
      });
      const kept = [...second.names].filter(([k, entry]) => first.names.get(k) === entry).length;
      assert.equal(second.names.size - kept, 4, "www and the apex, in two zones");
      assert.deepEqual(
        changeList(second).map((line) => line.split(" ").slice(0, 3).join(" ")),
        ["0 example.test 6", "0 www.example.test 1", "1 example.net 6", "1 www.example.net 1"],
      );
      const www = second.changes!.rrsets.find((c) => c.owner === "www.example.test")!;
      assert.deepEqual(www.before?.rdatas.map((r) => [...r].join(".")), ["192.0.2.1", "192.0.2.2"]);
      assert.deepEqual(www.after?.rdatas.map((r) => [...r].join(".")), ["192.0.2.2"]);
      assert.ok(www.before?.rrsig && www.after?.rrsig);
      // a signature due for refresh sends the next build down the full path, which re-makes it
      const refreshed = await buildSnapshot({
        config: c,
        health: down,
        now: second.refreshAt!,
        previous: second,
        key,
      });
      assert.ok(refreshed.refreshAt! > second.refreshAt!);
      assert.ok(
        refreshed.changes!.rrsets.every((change) => change.before?.rrsig && change.after?.rrsig),
      );
    },
  );
});
