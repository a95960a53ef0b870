import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { generateKeyPem } from "../../src/dnssec/generate_key_pem.ts";
import { loadSigningKey } from "../../src/dnssec/load_signing_key.ts";
import { FIXTURE_ALGORITHMS, verifySignature } from "./dnssec_fixture.ts";

/** DNSKEY RDATA length: 4 fixed bytes + public key (RSA-2048 with e=65537: 1 + 3 + 256). */
const DNSKEY_LENGTH = { RSASHA256: 264, ECDSAP256SHA256: 68, ED25519: 36 } as const;

describe("generateKeyPem", () => {
  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: a fresh PKCS#8 PEM that loads and signs`, async () => {
      const pem = await generateKeyPem(algorithm);
      assert.match(
        pem,
        /^-----BEGIN PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END PRIVATE KEY-----\n$/,
      );
      const key = await loadSigningKey(pem, algorithm);
      assert.equal(key.dnskeyRdata.length, DNSKEY_LENGTH[algorithm]);
      if (algorithm === "RSASHA256") {
        assert.deepEqual([...key.dnskeyRdata.subarray(4, 8)], [3, 1, 0, 1], "e = 65537");
      }
      const data = new Uint8Array([1, 2, 3]);
      assert.ok(
        await verifySignature(
          key.algorithm,
          key.dnskeyRdata.subarray(4),
          data,
          new Uint8Array(await key.sign(data)),
        ),
      );
      assert.notEqual(await generateKeyPem(algorithm), pem);
    });
  }
});
