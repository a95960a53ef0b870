import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { generateKeyPem, loadSigningKey } from "../../src/dnssec/keys.ts";
import {
  canonicalRdata,
  FIXTURE_ALGORITHMS,
  fixtureDir,
  fixtureDnskey,
  fixtureText,
  loadFixture,
  toHex,
  verifySignature,
} from "./dnssec_fixture.ts";

/** The older PEM form openssl wrote for each algorithm (Ed25519 has none). */
const TRADITIONAL: Partial<Record<DnssecAlgorithmName, string>> = {
  RSASHA256: "key.pkcs1.pem",
  ECDSAP256SHA256: "key.sec1.pem",
};

describe("loadSigningKey", () => {
  test("with no algorithm given, takes the key's own: RSA, EC P-256 and Ed25519 in every PEM form", async () => {
    for (const algorithm of FIXTURE_ALGORITHMS) {
      const files = ["key.pem", TRADITIONAL[algorithm]].filter((f): f is string => f !== undefined);
      for (const file of files) {
        const key = await loadSigningKey(fixtureText(`${fixtureDir(algorithm)}/${file}`), null);
        assert.equal(key.algorithm, loadFixture(algorithm).zones[0].ds.algorithm, file);
      }
    }
  });

  test("a given algorithm that disagrees names where it was given", async () => {
    await assert.rejects(
      loadSigningKey(
        fixtureText("ed25519/key.pem"),
        "RSASHA256",
        "dnssec.algorithm (in zone.yaml)",
      ),
      {
        message: "key is an Ed25519 key (ED25519) but dnssec.algorithm (in zone.yaml) is RSASHA256",
      },
    );
  });

  for (const algorithm of FIXTURE_ALGORITHMS) {
    const fixture = loadFixture(algorithm);
    const zone = fixture.zones[0];
    const files = ["key.pem", TRADITIONAL[algorithm]].filter((f): f is string => f !== undefined);
    for (const file of files) {
      test(`${algorithm} ${file}: DNSKEY and key tag match ldns and BIND`, async () => {
        const key = await loadSigningKey(
          fixtureText(`${fixtureDir(algorithm)}/${file}`),
          algorithm,
        );
        assert.equal(toHex(key.dnskeyRdata), toHex(canonicalRdata(fixtureDnskey(zone))));
        assert.equal(key.keyTag, zone.ds.keyTag);
        assert.equal(key.keyTag, zone.rrsigs[0].keyTag);
        assert.equal(key.algorithm, zone.ds.algorithm);
        assert.ok(Object.isFrozen(key));
        const data = new TextEncoder().encode("signed by the loaded key");
        const signature = await key.sign(data);
        assert.equal(signature.length, algorithm === "RSASHA256" ? 256 : 64);
        assert.equal(key.bits, algorithm === "RSASHA256" ? 2048 : 256);
        assert.ok(
          await verifySignature(
            key.algorithm,
            key.dnskeyRdata.subarray(4),
            data,
            new Uint8Array(signature),
          ),
        );
      });
    }
  }

  const refusals: readonly [string, DnssecAlgorithmName, string][] = [
    [
      "ecdsap256sha256/key.pem",
      "RSASHA256",
      "key is an EC P-256 key (ECDSAP256SHA256) but --priv-key-alg is RSASHA256",
    ],
    [
      "ecdsap256sha256/key.sec1.pem",
      "ED25519",
      "key is an EC P-256 key (ECDSAP256SHA256) but --priv-key-alg is ED25519",
    ],
    [
      "rsasha256/key.pem",
      "ECDSAP256SHA256",
      "key is an RSA key (RSASHA256) but --priv-key-alg is ECDSAP256SHA256",
    ],
    [
      "rsasha256/key.pkcs1.pem",
      "ED25519",
      "key is an RSA key (RSASHA256) but --priv-key-alg is ED25519",
    ],
    [
      "ed25519/key.pem",
      "RSASHA256",
      "key is an Ed25519 key (ED25519) but --priv-key-alg is RSASHA256",
    ],
    [
      "other/p384.pem",
      "ECDSAP256SHA256",
      "key is an EC P-384 key; DNSSEC signing takes RSA, EC P-256 or Ed25519",
    ],
    [
      "other/p384.sec1.pem",
      "ECDSAP256SHA256",
      "key is an EC P-384 key; DNSSEC signing takes RSA, EC P-256 or Ed25519",
    ],
    [
      "other/ed448.pem",
      "ED25519",
      "key is an Ed448 key; DNSSEC signing takes RSA, EC P-256 or Ed25519",
    ],
    [
      "other/p256.explicit.pem",
      "ECDSAP256SHA256",
      "key is an EC (explicit curve parameters) key; DNSSEC signing takes RSA, EC P-256 or Ed25519",
    ],
    [
      "other/rsa512.pem",
      "RSASHA256",
      "RSA key has 512 bits; DNSSEC needs 1024 to 4096 (2048 recommended)",
    ],
    [
      "other/encrypted.pem",
      "ECDSAP256SHA256",
      "key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)",
    ],
    [
      "other/encrypted.pkcs1.pem",
      "RSASHA256",
      "key is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN.pem)",
    ],
    ["other/public.pem", "ED25519", 'PEM block "PUBLIC KEY" is not a private key'],
  ];
  for (const [file, algorithm, message] of refusals) {
    test(`refuses ${file} as ${algorithm} with one clear line`, async () => {
      await assert.rejects(loadSigningKey(fixtureText(file), algorithm), (error: Error) => {
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  test("refuses text that is not PEM, bad base64 and broken DER", async () => {
    await assert.rejects(loadSigningKey("hello", "ED25519"), {
      message: "no PEM block (-----BEGIN … PRIVATE KEY-----) found",
    });
    await assert.rejects(
      loadSigningKey("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", "ED25519"),
      { message: 'PEM block "PRIVATE KEY" is not valid base64' },
    );
    await assert.rejects(
      loadSigningKey(
        "-----BEGIN PRIVATE KEY-----\nMAMCAQA=\n-----END PRIVATE KEY-----\n",
        "ED25519",
      ),
      { message: "key is not a valid PKCS#8 PrivateKeyInfo" },
    );
    await assert.rejects(
      loadSigningKey(
        "-----BEGIN EC PRIVATE KEY-----\nMAMCAQE=\n-----END EC PRIVATE KEY-----\n",
        "ECDSAP256SHA256",
      ),
      { message: "EC key does not name its curve" },
    );
  });

  test("skips an EC PARAMETERS block before the key (openssl ecparam -genkey)", async () => {
    const params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    const key = await loadSigningKey(
      params + fixtureText("ecdsap256sha256/key.sec1.pem"),
      "ECDSAP256SHA256",
    );
    assert.equal(key.keyTag, loadFixture("ECDSAP256SHA256").zones[0].ds.keyTag);
  });
});

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
