import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { loadYaml, YAML_BASE, yamlError } from "./load_helpers.ts";

const KEY = `    - { name: xfr-key, secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" }\n`;
const withTransfer = (body: string) => `${YAML_BASE}transfer:\n${body}`;

describe("transfer config", () => {
  test("absent: null (AXFR/IXFR refused as before); algorithm and port get their defaults", async () => {
    assert.equal((await loadYaml(YAML_BASE)).transfer, null);
    const config = await loadYaml(
      withTransfer(
        `  tsig_keys:\n${KEY}  secondaries:\n    - { address: 127.0.0.1, key: xfr-key }\n`,
      ),
    );
    assert.deepEqual(config.transfer, {
      tsigKeys: [{
        name: "xfr-key",
        algorithm: "hmac-sha256",
        secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
      }],
      secondaries: [{ address: "127.0.0.1", port: 53, key: "xfr-key" }],
      allow: [],
      maxTransfers: 10,
      maxTransfersPerSource: 4,
    });
  });

  test("bad values stop with one line naming the field and the value", async () => {
    const cases: [string, string][] = [
      [
        `  tsig_keys:\n    - { name: k, algorithm: hmac-md5, secret: "YQ==" }\n  allow: [10.0.0.0/8]\n`,
        'transfer.tsig_keys[0].algorithm (in /etc/x.yaml): "hmac-md5" is not one of hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1',
      ],
      [
        `  tsig_keys:\n    - { name: k, secret: "not base64!" }\n  allow: [10.0.0.0/8]\n`,
        'transfer.tsig_keys[0].secret (in /etc/x.yaml): "not base64!" is not base64 (make one with tsig-keygen)',
      ],
      [
        `  tsig_keys:\n${KEY}  secondaries:\n    - { address: 127.0.0.1, key: nokey }\n`,
        'transfer.secondaries[0].key (in /etc/x.yaml): "nokey" is not a key of transfer.tsig_keys (xfr-key)',
      ],
      [
        `  tsig_keys:\n${KEY}  secondaries:\n    - { address: 300.0.0.1, key: xfr-key }\n`,
        'transfer.secondaries[0].address (in /etc/x.yaml): "300.0.0.1" is not an IP address',
      ],
      [
        `  tsig_keys:\n${KEY}  secondaries:\n    - { address: 127.0.0.1, port: 70000, key: xfr-key }\n`,
        "transfer.secondaries[0].port (in /etc/x.yaml): 70000 is not a port (1-65535)",
      ],
      [
        `  tsig_keys:\n${KEY}  allow: [10.0.0.0/33]\n`,
        'transfer.allow[0] (in /etc/x.yaml): "10.0.0.0/33" is not an IP address or CIDR range (e.g. 203.0.113.0/24)',
      ],
      [
        `  tsig_keys:\n${KEY}`,
        "transfer (in /etc/x.yaml): names no secondaries and no allow ranges; nothing could transfer the zone",
      ],
      [
        `  tsig_keys: []\n  allow: [10.0.0.0/8]\n`,
        "transfer.tsig_keys (in /etc/x.yaml): [] is empty; give at least one key",
      ],
      [
        `  tsig_keys:\n${KEY}${KEY}  allow: [10.0.0.0/8]\n`,
        'transfer.tsig_keys[1] (in /etc/x.yaml): "xfr-key" is listed twice',
      ],
      [
        `  keys: []\n`,
        "transfer.keys (in /etc/x.yaml): unknown key (expected one of tsig_keys, secondaries, allow, max_transfers, max_transfers_per_source)",
      ],
      [
        `  tsig_keys:\n${KEY}  allow: [10.0.0.0/8]\n  max_transfers: 0\n`,
        "transfer.max_transfers (in /etc/x.yaml): 0 is not a positive whole number",
      ],
      [
        `  tsig_keys:\n${KEY}  allow: [10.0.0.0/8]\n  max_transfers_per_source: many\n`,
        'transfer.max_transfers_per_source (in /etc/x.yaml): "many" is not a positive whole number',
      ],
    ];
    for (const [body, message] of cases) assert.equal(await yamlError(withTransfer(body)), message);
  });
});
