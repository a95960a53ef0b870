import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { buildSnapshot } from "../../src/zone/build_snapshot.ts";
import { zoneShape } from "../../src/zone/zone_shape.ts";
import {
  ask,
  healthWithDown,
  NOW,
  testConfig,
  testKey,
} from "../../scripts/bench/harness/zone_fixture.ts";

type Nsec = { nextDomain: string; rrtypes: string[] };
type Rrsig = {
  typeCovered: string;
  signersName: string;
  originalTTL: number;
  expiration: number;
  inception: number;
};

function chainOf() {
  return zoneShape("example.test", testConfig(), true);
}

describe("signed snapshot: NSEC chain", () => {
  test("covers every name owning data in canonical order, skipping empty non-terminals, wrapping to the apex", async () => {
    const key = await testKey();
    const zone = chainOf();
    assert.deepEqual(zone.chain, [
      "example.test",
      "all.example.test",
      "api.eu.example.test",
      "fb.example.test",
      "ns1.example.test",
      "static.example.test",
      "www.example.test",
    ]);
    const s = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    const nexts = zone.chain.map((name) => {
      const answer = ask(s, name, "NSEC", true).answers!;
      assert.equal(answer[0].type, "NSEC");
      assert.equal(answer[0].ttl, 60, "NSEC TTL is the negative TTL");
      return (answer[0] as { data: Nsec }).data.nextDomain;
    });
    assert.deepEqual(nexts, [...zone.chain.slice(1), "example.test"]);
  });
  test("type bitmaps are exact; a configured name with every address down keeps its NSEC without A/AAAA", async () => {
    const key = await testKey();
    const s = await buildSnapshot({
      config: testConfig(),
      health: healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1"),
      now: NOW,
      previous: null,
      key,
    });
    const types = (name: string) =>
      (ask(s, name, "NSEC").answers![0] as { data: Nsec }).data.rrtypes.sort();
    assert.deepEqual(types("example.test"), ["DNSKEY", "NS", "NSEC", "RRSIG", "SOA"]);
    assert.deepEqual(types("static.example.test"), ["A", "NSEC", "RRSIG"]);
    assert.deepEqual(types("www.example.test"), ["NSEC", "RRSIG"]);
    const up = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    assert.deepEqual(
      (ask(up, "www.example.test", "NSEC").answers![0] as { data: Nsec }).data.rrtypes.sort(),
      ["A", "AAAA", "NSEC", "RRSIG"],
    );
    // the ENT owns no NSEC
    assert.equal(ask(s, "eu.example.test", "NSEC").answers!.length, 0);
  });
  test("pending (before the first health round): probed names SERVFAIL, no NSEC denies their addresses", async () => {
    const key = await testKey();
    const pending = await buildSnapshot({
      config: testConfig(),
      health: null,
      now: NOW,
      previous: null,
      key,
    });
    for (const zone of ["example.test", "example.net"]) {
      for (const name of ["www", "api.eu", "all", "fb"]) {
        const answer = ask(pending, `${name}.${zone}`, "A", true);
        assert.equal(answer.rcode, "SERVFAIL", `${name}.${zone}`);
        assert.equal(answer.answers!.length + answer.authorities!.length, 0);
      }
      assert.equal(ask(pending, `static.${zone}`, "A").rcode, "NOERROR");
      assert.equal(ask(pending, `static.${zone}`, "A").answers!.length, 1);
      assert.equal(ask(pending, zone, "SOA").rcode, "NOERROR");
    }
    // wwx sorts right after www: its NXDOMAIN proof is www's NSEC, which must not deny A or AAAA.
    const nx = ask(pending, "wwx.example.test", "A", true);
    assert.equal(nx.rcode, "NXDOMAIN");
    const covering = nx.authorities!.find((r) =>
      r.type === "NSEC" && r.name === "www.example.test"
    );
    assert.ok(covering !== undefined, "www's NSEC covers wwx");
    assert.deepEqual((covering.data as Nsec).rrtypes.sort(), ["A", "AAAA", "NSEC", "RRSIG"]);
    assert.equal(pending.transfer, null);
    // The first round's snapshot replaces it whole, with a higher serial and nothing undecided.
    const real = await buildSnapshot({
      config: testConfig(),
      health: healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1"),
      now: NOW,
      previous: pending,
      key,
    });
    assert.equal(real.undecided, null);
    assert.ok(real.serial > pending.serial, `${real.serial} > ${pending.serial}`);
    assert.equal(real.changes, null, "nothing of the pending zone was sent to a secondary");
    const www = ask(real, "www.example.test", "A");
    assert.deepEqual([www.rcode, www.answers!.length], ["NOERROR", 0]);
  });

  test("each served zone is signed under its own apex and has its own DNSKEY", async () => {
    const key = await testKey();
    const s = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    for (const zone of ["example.test", "example.net"]) {
      const dnskey = ask(s, zone, "DNSKEY", true).answers!;
      assert.equal(dnskey[0].type, "DNSKEY");
      assert.equal(dnskey[0].ttl, 600);
      for (const name of [zone, `www.${zone}`]) {
        for (const type of name === zone ? ["SOA", "NS", "DNSKEY"] : ["A", "AAAA"]) {
          const sigs = ask(s, name, type, true).answers!.filter((a) => a.type === "RRSIG");
          assert.equal(sigs.length, 1, `${name} ${type}`);
          assert.equal((sigs[0] as { data: Rrsig }).data.signersName, zone);
        }
      }
    }
  });
  test("signature window: inception an hour back; refreshAt a week ahead", async () => {
    const key = await testKey();
    const s = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    const sig = (ask(s, "www.example.test", "A", true).answers!.find((a) => a.type === "RRSIG") as {
      data: Rrsig;
    }).data;
    assert.equal(sig.inception, NOW / 1000 - 3600);
    assert.equal(sig.expiration, NOW / 1000 + 22 * 86_400 + 1800);
    assert.equal(s.refreshAt, NOW + 7 * 86_400_000);
  });
});

describe("signed snapshot: incremental re-signing", () => {
  const sigOf = (s: Awaited<ReturnType<typeof buildSnapshot>>, name: string, type: string) => {
    const rrsig = ask(s, name, type, true).answers!.find((a) => a.type === "RRSIG") as {
      data: Rrsig & { signature: Uint8Array };
    } | undefined;
    return rrsig === undefined
      ? null
      : Buffer.from(rrsig.data.signature).toString("hex") + rrsig.data.inception;
  };
  test("a health change re-signs only the changed RRset, the SOA (new serial) and nothing else", async () => {
    const key = await testKey();
    const first = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    const later = NOW + 60_000;
    const second = await buildSnapshot({
      config: testConfig(),
      health: healthWithDown("192.0.2.1"),
      now: later,
      previous: first,
      key,
    });
    // unchanged RRsets keep their signature (same inception proves reuse)
    for (
      const [name, type] of [
        ["static.example.test", "A"],
        ["www.example.test", "AAAA"],
        ["example.test", "NS"],
        ["example.test", "DNSKEY"],
        ["www.example.test", "NSEC"],
      ]
    ) {
      assert.equal(sigOf(second, name, type), sigOf(first, name, type), `${name} ${type} reused`);
    }
    assert.notEqual(sigOf(second, "www.example.test", "A"), sigOf(first, "www.example.test", "A"));
    assert.notEqual(sigOf(second, "example.test", "SOA"), sigOf(first, "example.test", "SOA"));
    const www = ask(second, "www.example.test", "A", true).answers!.find((a) =>
      a.type === "RRSIG"
    ) as { data: Rrsig };
    assert.equal(www.data.inception, later / 1000 - 3600);
    // what changed is listed: the changed set and the SOA in each of two zones, both re-signed
    assert.deepEqual(
      second.changes?.rrsets.map((c) => `${c.owner} ${c.type} ${c.after?.rrsig ? "signed" : "-"}`),
      [
        "example.test 6 signed",
        "www.example.test 1 signed",
        "example.net 6 signed",
        "www.example.net 1 signed",
      ],
    );
    assert.equal(second.changes?.since, first.serial);
  });
  test("signatures due for refresh are re-made; a new key re-signs everything", async () => {
    const key = await testKey();
    const first = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    const atRefresh = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: first.refreshAt!,
      previous: first,
      key,
    });
    assert.notEqual(
      sigOf(atRefresh, "static.example.test", "A"),
      sigOf(first, "static.example.test", "A"),
    );
    assert.equal(atRefresh.refreshAt, first.refreshAt! + 7 * 86_400_000);
    const other = await testKey("ECDSAP256SHA256");
    const rekeyed = await buildSnapshot({
      config: testConfig(),
      health: ALL_HEALTHY,
      now: NOW + 1000,
      previous: first,
      key: other,
    });
    // nothing is kept from a snapshot made with another key: no answer, hence no signature
    const answersOf = (s: typeof first) =>
      new Set([...s.names.values()].flatMap((entry) => entry.answers));
    const before = answersOf(first);
    assert.equal([...answersOf(rekeyed)].filter((answer) => before.has(answer)).length, 0);
    assert.equal(rekeyed.changes, null);
  });
  // Seconds of work: Bun's default 5 s deadline is too short on a loaded machine.
  test("10,000 names sign in seconds", { timeout: 60_000 }, async () => {
    const key = await testKey();
    const records = Array.from({ length: 10_000 }, (_, i) => ({
      name: `h${i}`,
      addresses: [`10.${(i >> 8) & 255}.${i & 255}.1`],
      check: null,
      whenAllDown: { kind: "none" } as const,
    }));
    const started = Date.now();
    const s = await buildSnapshot({
      config: testConfig({ records, aliasZones: [] }),
      health: ALL_HEALTHY,
      now: NOW,
      previous: null,
      key,
    });
    const elapsed = Date.now() - started;
    assert.equal(ask(s, "h9999.example.test", "A").answers![0].type, "A");
    assert.ok(elapsed < 30_000, `took ${elapsed} ms`);
  });
});
