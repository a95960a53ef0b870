import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadSigningKey } from "../../src/dnssec/keys.ts";
import { nsecRdata } from "../../src/dnssec/nsec.ts";
import { labelCount, signRRset } from "../../src/dnssec/rrsig.ts";
import {
  canonicalRdata,
  FIXTURE_ALGORITHMS,
  fixtureDir,
  fixtureDnskey,
  fixtureText,
  type FixtureZone,
  loadFixture,
  rrsigRdata,
  signedData,
  toHex,
  verifySignature,
} from "./dnssec_fixture.ts";

/** The RDATAs of the tool's RRset at (owner, type), NSEC RDATA built with our nsecRdata. */
function rdatasOf(zone: FixtureZone, owner: string, type: number): Uint8Array[] {
  if (type === 47) {
    return zone.nsecs.filter((n) => n.owner === owner).map((n) => nsecRdata(n.next, n.types));
  }
  return zone.records.filter((r) => r.owner === owner && r.type === type).map(canonicalRdata);
}

for (const algorithm of FIXTURE_ALGORITHMS) {
  const fixture = loadFixture(algorithm);
  // RSA PKCS#1 v1.5 and Ed25519 signatures are deterministic: byte-for-byte equal to ldns-signzone's.
  const deterministic = algorithm !== "ECDSAP256SHA256";

  describe(`signRRset ${algorithm} against ldns-signzone`, () => {
    for (const zone of fixture.zones) {
      test(`every RRSIG of ${zone.origin}`, async () => {
        const key = await loadSigningKey(
          fixtureText(`${fixtureDir(algorithm)}/key.pem`),
          algorithm,
        );
        const publicKey = canonicalRdata(fixtureDnskey(zone)).subarray(4);
        const signatureLength = key.algorithm === 8 ? 256 : 64;
        assert.ok(zone.rrsigs.length >= 20, "fixture has the RRSIGs of every RRset");
        for (const expected of zone.rrsigs) {
          const rdatas = rdatasOf(zone, expected.owner, expected.typeCovered);
          // Reversed: our canonical ordering must not rely on the tool's order.
          const ours = await signRRset(key, {
            owner: expected.owner,
            type: expected.typeCovered,
            ttl: expected.originalTtl,
            rdatas: [...rdatas].reverse(),
            signer: zone.origin,
            inception: fixture.inception,
            expiration: fixture.expiration,
          });
          const theirs = rrsigRdata(expected);
          const where = `${expected.owner}/${expected.typeCovered}`;
          if (deterministic) {
            assert.equal(toHex(ours), toHex(theirs), where);
          } else {
            assert.equal(toHex(ours.subarray(0, -64)), toHex(theirs.subarray(0, -64)), where);
          }
          const data = signedData(
            theirs,
            signatureLength,
            expected.owner,
            expected.typeCovered,
            expected.originalTtl,
            rdatas,
          );
          assert.ok(
            await verifySignature(key.algorithm, publicKey, data, theirs.slice(-signatureLength)),
            `tool's ${where}`,
          );
          assert.ok(
            await verifySignature(key.algorithm, publicKey, data, ours.slice(-signatureLength)),
            `our ${where}`,
          );
        }
      });
    }
  });
}

describe("signRRset canonical RRset", () => {
  test("duplicate RDATA is dropped and order does not matter", async () => {
    const algorithm = "ED25519";
    const key = await loadSigningKey(fixtureText("ed25519/key.pem"), algorithm);
    const base = {
      owner: "www.example.test",
      type: 1,
      ttl: 60,
      signer: "example.test",
      inception: 1_700_000_000,
      expiration: 1_700_086_400,
    };
    const a = new Uint8Array([192, 0, 2, 20]);
    const b = new Uint8Array([192, 0, 2, 3]);
    const once = await signRRset(key, { ...base, rdatas: [a, b] });
    const twice = await signRRset(key, { ...base, rdatas: [b, a, b, a] });
    assert.equal(toHex(twice), toHex(once));
    const other = await signRRset(key, { ...base, rdatas: [a] });
    assert.notEqual(toHex(other), toHex(once));
  });

  test("RRSIG header fields are laid out per RFC 4034 §3.1", async () => {
    const key = await loadSigningKey(fixtureText("ecdsap256sha256/key.pem"), "ECDSAP256SHA256");
    const rrsig = await signRRset(key, {
      owner: "api.eu.example.test",
      type: 28,
      ttl: 0x01020304,
      rdatas: [new Uint8Array(16)],
      signer: "Example.TEST",
      inception: 0x11223344,
      expiration: 0xfffffffe,
    });
    const signer = [
      7,
      ...new TextEncoder().encode("example"),
      4,
      ...new TextEncoder().encode("test"),
      0,
    ];
    assert.deepEqual([...rrsig.subarray(0, 18)], [
      0,
      28,
      13,
      4,
      1,
      2,
      3,
      4,
      0xff,
      0xff,
      0xff,
      0xfe,
      0x11,
      0x22,
      0x33,
      0x44,
      key.keyTag >> 8,
      key.keyTag & 0xff,
    ]);
    assert.deepEqual([...rrsig.subarray(18, 18 + signer.length)], signer);
    assert.equal(rrsig.length, 18 + signer.length + 64);
  });

  test("out-of-range fields and empty RRsets are refused", async () => {
    const key = await loadSigningKey(fixtureText("ed25519/key.pem"), "ED25519");
    const base = {
      owner: "a.test",
      type: 1,
      ttl: 60,
      rdatas: [new Uint8Array(4)],
      signer: "test",
      inception: 1,
      expiration: 2,
    };
    await assert.rejects(signRRset(key, { ...base, ttl: -1 }), /ttl -1 is out of range/);
    await assert.rejects(
      signRRset(key, { ...base, expiration: 2 ** 32 }),
      /expiration 4294967296 is out of range/,
    );
    await assert.rejects(signRRset(key, { ...base, rdatas: [] }), /a\.test\/1 has no records/);
  });
});

describe("labelCount", () => {
  test("counts labels without the root and a leading wildcard (RFC 4034 §3.1.3)", () => {
    assert.equal(labelCount("www.example.test"), 3);
    assert.equal(labelCount("www.example.test."), 3);
    assert.equal(labelCount("example.test"), 2);
    assert.equal(labelCount("*.example.test"), 2);
    assert.equal(labelCount(""), 0);
    assert.equal(labelCount("."), 0);
  });
});
