import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { dsRdata } from "../../src/dnssec/ds.ts";
import { loadSigningKey } from "../../src/dnssec/keys.ts";
import {
  FIXTURE_ALGORITHMS,
  fixtureDir,
  fixtureText,
  loadFixture,
  toHex,
} from "./dnssec_fixture.ts";

describe("dsRdata", () => {
  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: equals ldns-key2ds and dnssec-dsfromkey for every zone`, async () => {
      const fixture = loadFixture(algorithm);
      const key = await loadSigningKey(fixtureText(`${fixtureDir(algorithm)}/key.pem`), algorithm);
      for (const zone of fixture.zones) {
        const { keyTag, algorithm: number, digestType, digest } = zone.ds;
        const expected = toHex(new Uint8Array([keyTag >> 8, keyTag & 0xff, number, digestType])) +
          digest.toLowerCase();
        assert.equal(toHex(dsRdata(zone.origin, key)), expected, zone.origin);
        assert.equal(
          toHex(dsRdata(`${zone.origin.toUpperCase()}.`, key)),
          expected,
          "case and trailing dot ignored",
        );
      }
    });
  }

  test("only digest type 2 is offered", async () => {
    const key = await loadSigningKey(fixtureText("ed25519/key.pem"), "ED25519");
    assert.throws(() => dsRdata("example.test", key, 1), {
      message: "DS digest type 1 is not supported (only 2, SHA-256)",
    });
  });
});
