// RFC 4035 (with RFC 4034 and RFC 9077): serving signed zones.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { SigningKey } from "../../src/dnssec/keys.ts";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import {
  type DecodedRecord,
  healthWithDown,
  makeQuery,
  query,
  testConfig,
  testKey,
} from "../../scripts/bench/harness/zone_fixture.ts";
import { type RrsigData, verifyRrsig } from "./verify_rrsig.ts";

let open: OpenExchange;
let key: SigningKey;
before(async () => {
  key = await testKey("ED25519");
  open = await openExchange({
    config: testConfig(),
    key,
    health: healthWithDown("192.0.2.1", "192.0.2.2", "2001:db8::1"),
  });
});
after(() => open.close());

const TYPE_NUMBER: Record<string, number> = {
  A: 1,
  NS: 2,
  SOA: 6,
  HINFO: 13,
  AAAA: 28,
  NSEC: 47,
  DNSKEY: 48,
};
const DO = { edns: { dnssecOk: true } };

/** Every RRset in `records` (grouped by owner and type) has an RRSIG that verifies. */
function assertAllSigned(records: readonly DecodedRecord[], signer: string): void {
  const sigs = records.filter((r) => r.type === "RRSIG");
  const sets = new Map<string, DecodedRecord[]>();
  for (const r of records.filter((r) => r.type !== "RRSIG")) {
    const id = `${r.name.toLowerCase()} ${r.type}`;
    sets.set(id, [...(sets.get(id) ?? []), r]);
  }
  assert.ok(sets.size > 0);
  for (const [id, rrset] of sets) {
    const sig = sigs.find((s) =>
      s.name.toLowerCase() === rrset[0].name.toLowerCase() &&
      (s.data as RrsigData).typeCovered === rrset[0].type
    );
    assert.ok(sig !== undefined, `RRSIG for ${id}`);
    const data = sig.data as RrsigData;
    assert.equal(data.signersName, signer);
    assert.equal(sig.ttl, rrset[0].ttl, `RRSIG TTL equals ${id} TTL`);
    assert.ok(
      verifyRrsig(rrset, data, key.dnskeyRdata, TYPE_NUMBER[rrset[0].type]),
      `signature over ${id} verifies`,
    );
  }
}

describe("RFC 4035", () => {
  test("§3.1.1: DO=1 answers carry a valid RRSIG per RRset, signed by the zone's own apex", async () => {
    for (const zone of ["example.test", "example.net"]) {
      for (
        const [name, type] of [[zone, "SOA"], [zone, "NS"], [zone, "DNSKEY"], [
          `static.${zone}`,
          "A",
        ]]
      ) {
        const r = await query(open.exchange, name, type, DO);
        assertAllSigned(r.answers, zone);
      }
    }
  });
  test("the independent verifier rejects a tampered RRset", async () => {
    const r = await query(open.exchange, "static.example.test", "A", DO);
    const sig = r.answers.find((a) => a.type === "RRSIG")!.data as RrsigData;
    const a = r.answers.filter((x) => x.type === "A");
    assert.ok(verifyRrsig(a, sig, key.dnskeyRdata, 1));
    assert.ok(!verifyRrsig([{ ...a[0], data: "198.51.100.8" }], sig, key.dnskeyRdata, 1));
  });
  test("§3.1.1: DO=0 answers carry no RRSIG", async () => {
    const r = await query(open.exchange, "static.example.test", "A", { edns: {} });
    assert.deepEqual(r.answers.map((a) => a.type), ["A"]);
  });
  test("§3.1.3.2: NXDOMAIN carries the signed SOA, the NSEC covering the name and the NSEC denying the wildcard", async () => {
    const r = await query(open.exchange, "nothing.example.test", "A", DO);
    assert.equal(r.rcode, "NXDOMAIN");
    assertAllSigned(r.authorities, "example.test");
    const nsecs = r.authorities.filter((a) => a.type === "NSEC");
    const covers = (owner: string, next: string, name: string) =>
      owner < name && (name < next || next === "example.test");
    assert.ok(
      nsecs.some((n) =>
        covers(n.name, (n.data as { nextDomain: string }).nextDomain, "nothing.example.test")
      ),
    );
    assert.ok(nsecs.some((n) => n.name === "example.test"), "the apex NSEC covers *.example.test");
  });
  test("§3.1.3.1: NODATA carries the signed SOA and the name's NSEC without the type", async () => {
    const r = await query(open.exchange, "www.example.test", "A", DO);
    assert.equal(r.rcode, "NOERROR");
    assert.equal(r.answers.length, 0);
    assertAllSigned(r.authorities, "example.test");
    const nsec = r.authorities.find((a) => a.type === "NSEC")!;
    assert.equal(nsec.name, "www.example.test");
    assert.ok(!(nsec.data as { rrtypes: string[] }).rrtypes.includes("A"));
  });
  test("RFC 4034 §4 / RFC 9077: NSEC TTL is min(SOA TTL, MINIMUM); the negative SOA's RRSIG follows its TTL", async () => {
    const soa = (await query(open.exchange, "example.test", "SOA")).answers[0];
    const negative = Math.min(soa.ttl, (soa.data as { minimum: number }).minimum);
    const r = await query(open.exchange, "nothing.example.test", "A", DO);
    for (const record of r.authorities) {
      assert.equal(record.ttl, negative, `${record.name} ${record.type}`);
    }
    const soaSig = r.authorities.find((a) =>
      a.type === "RRSIG" && (a.data as RrsigData).typeCovered === "SOA"
    )!;
    assert.equal((soaSig.data as RrsigData).originalTTL, soa.ttl);
  });
  test("RFC 4034 §4.1.2: NSEC type bitmaps list exactly the types present plus RRSIG and NSEC", async () => {
    const bitmap = async (name: string) =>
      ((await query(open.exchange, name, "NSEC")).answers[0].data as { rrtypes: string[] }).rrtypes
        .sort();
    assert.deepEqual(await bitmap("example.test"), ["DNSKEY", "NS", "NSEC", "RRSIG", "SOA"]);
    assert.deepEqual(await bitmap("static.example.net"), ["A", "NSEC", "RRSIG"]);
    assert.deepEqual(await bitmap("www.example.test"), ["NSEC", "RRSIG"]);
  });
  test("§3.1.6: CD is copied; §3.2.3 AD is never set by us", async () => {
    const out =
      (await open.exchange(makeQuery("static.example.test", "A", { ...DO, cd: true }), "udp"))!;
    assert.equal(out[3] & 0x10, 0x10);
    assert.equal(out[3] & 0x20, 0);
  });
  test("§2.1: the DNSKEY at each apex is the configured key (flags 257, protocol 3)", async () => {
    const r = await query(open.exchange, "example.net", "DNSKEY");
    const data = r.answers[0].data as { flags: number; algorithm: number };
    assert.equal(data.flags, 257);
    assert.equal(data.algorithm, 15);
  });
});
