import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULTS } from "../../src/config/config.ts";
import type { SigningKey } from "../../src/dnssec/keys.ts";
import { buildInfo } from "../../src/observe/build_info.ts";
import { startupLine } from "../../src/server/run_serve.ts";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";

const INFO = buildInfo(
  { name: "bun", version: "1.4.5", platform: "linux-x64" },
  { commit: "3f2a1c9", target: "linux-x64-musl" },
);

describe("startupLine", () => {
  test("names the build, the config file, the zones, names, distinct endpoints and the key", () => {
    const config = baseConfig({
      configFile: "/etc/healthy-dns/config.yaml",
      aliasZones: ["example.net", "example.org"],
      records: [
        // Two names share 192.0.2.1:443, so three endpoints are probed in all.
        {
          name: "www",
          addresses: ["192.0.2.1", "192.0.2.2"],
          check: { port: 443, timeoutMs: 1 },
          whenAllDown: { kind: "none" },
        },
        {
          name: "api",
          addresses: ["192.0.2.1"],
          check: { port: 443, timeoutMs: 1 },
          whenAllDown: { kind: "none" },
        },
        {
          name: "db",
          addresses: ["192.0.2.1"],
          check: { port: 5432, timeoutMs: 1 },
          whenAllDown: { kind: "none" },
        },
        { name: "static", addresses: ["192.0.2.9"], check: null, whenAllDown: { kind: "none" } },
      ],
      dnssec: { keyPath: "/etc/healthy-dns/zone.pem", algorithm: "ECDSAP256SHA256" },
    });
    const key = { algorithm: 13, keyTag: 35706 } as SigningKey;
    assert.deepEqual(startupLine(INFO, config, key, "state_dir"), {
      message: "starting healthy-dns " + INFO.version + " (3f2a1c9, bun 1.4.5, linux-x64-musl)",
      fields: {
        config: "/etc/healthy-dns/config.yaml",
        zone: "example.test",
        aliases: "example.net,example.org",
        names: 4,
        endpoints: 3,
        dnssec: "ECDSAP256SHA256",
        key_tag: 35706,
        rate_limit: "200/s",
        rate_limit_exempt: "127.0.0.0/8,::1/128",
        cookie_secret: "state_dir",
      },
    });
  });

  test("flags only, no aliases, unsigned: config none, dnssec off, no key tag", () => {
    const { fields } = startupLine(
      INFO,
      baseConfig({ rateLimit: { ...DEFAULTS.rateLimit, responsesPerSecond: 0 } }),
      null,
      "random",
    );
    assert.equal(fields.config, "none");
    assert.equal(fields.aliases, undefined);
    assert.equal(fields.names, 1);
    assert.equal(fields.endpoints, 0);
    assert.equal(fields.dnssec, "off");
    assert.equal(fields.key_tag, undefined);
    assert.equal(fields.rate_limit, "off");
    assert.equal(fields.rate_limit_exempt, undefined);
    assert.equal(fields.cookie_secret, "random");
  });
});
