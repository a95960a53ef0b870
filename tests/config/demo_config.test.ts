import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";
import { DEMO_CONFIG_YAML } from "../../src/config/load.ts";
import { DOCUMENTED_RATE_LIMIT, DOCUMENTED_TCP_LIMITS, errorOf, load } from "./load_helpers.ts";

const EXAMPLES = new URL("../../examples/", import.meta.url);
const readExample = (name: string) => readFile(new URL(name, EXAMPLES), "utf8");

describe("the embedded demo config", () => {
  test("examples/demo.yaml is the same text", async () => {
    assert.equal(await readExample("demo.yaml"), DEMO_CONFIG_YAML);
  });

  test("--port moves the demo: its listen addresses and the self-probe of www", async () => {
    const config = await load(["--demo", "--port", "25401"]);
    assert.deepEqual(config.listen, [
      { hostname: "127.0.0.1", port: 25401 },
      { hostname: "::1", port: 25401 },
    ]);
    assert.deepEqual(config.records.find((r) => r.name === "www")?.check, {
      port: 25401,
      timeoutMs: 1000,
    });
    assert.equal(config.records.find((r) => r.name === "api")?.check?.port, 8080);
    assert.equal(
      await errorOf(["--demo", "--port", "70000"]),
      '--port: "70000" is not a port (1-65535)',
    );
  });

  test("serves example.test and example.net on loopback port 53053", async () => {
    const config = await load(["--demo"]);
    // baseConfig's zone settings replaced; every other setting at its documented default.
    assert.deepEqual(
      config,
      baseConfig({
        aliasZones: ["example.net"],
        records: [
          {
            name: "www",
            addresses: ["127.0.0.1", "::1"],
            check: { port: 53053, timeoutMs: 1000 },
            whenAllDown: { kind: "none" },
          },
          {
            name: "api",
            addresses: ["127.0.0.2", "127.0.0.3"],
            check: { port: 8080, timeoutMs: 1000 },
            whenAllDown: { kind: "none" },
          },
          { name: "static", addresses: ["127.0.0.10"], check: null, whenAllDown: { kind: "none" } },
          // The name server's addresses (so the demo does not warn about its own config).
          {
            name: "ns1",
            addresses: ["127.0.0.1", "::1"],
            check: null,
            whenAllDown: { kind: "none" },
          },
        ],
        listen: [{ hostname: "127.0.0.1", port: 53053 }, { hostname: "::1", port: 53053 }],
        health: { intervalMs: 5000, timeoutMs: 1000, rise: 1, fall: 1, concurrency: 1000 },
        tcp: DOCUMENTED_TCP_LIMITS,
        rateLimit: DOCUMENTED_RATE_LIMIT,
        httpLimits: { maxConnections: 100, ioTimeoutMs: 5_000 },
        origins: { ...baseConfig().origins, listen: "listen (in --demo)" },
      }),
    );
    assert.ok(Object.isFrozen(config.records[0].check));
  });

  test("flags override it; it needs no file", async () => {
    const config = await load(["--demo", "--log-level", "debug", "--listen", "127.0.0.1:5353"]);
    assert.equal(config.logLevel, "debug");
    assert.deepEqual(config.listen, [{ hostname: "127.0.0.1", port: 5353 }]);
    assert.equal(await errorOf(["--demo", "--port", "0"]), '--port: "0" is not a port (1-65535)');
  });
});

describe("examples/*.yaml", () => {
  for (const name of ["minimal.yaml", "full.yaml", "dnssec.yaml"]) {
    test(`${name} is a valid config`, async () => {
      const path = `/examples/${name}`;
      const config = await load(["--config", path], { [path]: await readExample(name) });
      assert.equal(config.configFile, path);
      assert.ok(config.records.length >= 2);
    });
  }

  test("full.yaml sets every key to the documented value", async () => {
    const config = await load(["--config", "/e/full.yaml"], {
      "/e/full.yaml": await readExample("full.yaml"),
    });
    assert.deepEqual(config.health, {
      intervalMs: 30_000,
      timeoutMs: 2000,
      rise: 1,
      fall: 1,
      concurrency: 1000,
    });
    assert.deepEqual(config.dnssec, { keyPath: "/e/zone.pem", algorithm: "ECDSAP256SHA256" });
    assert.deepEqual(config.http, { hostname: "127.0.0.1", port: 9153 });
    assert.deepEqual(config.tcp, DOCUMENTED_TCP_LIMITS);
    assert.deepEqual(config.transfer, {
      tsigKeys: [{
        name: "xfr-key",
        algorithm: "hmac-sha256",
        secret: "bWFrZSB5b3VyIG93biB3aXRoIHRzaWcta2V5Z2VuIQ==",
      }],
      secondaries: [{ address: "192.0.2.53", port: 53, key: "xfr-key" }],
      allow: [{ address: "203.0.113.0", prefix: 24 }],
      maxTransfers: 10,
      maxTransfersPerSource: 4,
    });
    assert.deepEqual(config.rateLimit, {
      responsesPerSecond: 200,
      slip: 2,
      ipv4Prefix: 24,
      ipv6Prefix: 56,
      exempt: [{ address: "127.0.0.0", prefix: 8 }, { address: "::1", prefix: 128 }, {
        address: "192.0.2.0",
        prefix: 24,
      }],
    });
    assert.deepEqual(config.cookies, { secrets: ["0123456789abcdef0123456789abcdef"] });
    assert.deepEqual([config.logLevel, config.logFormat, config.lameDuckMs], ["info", "logfmt", 0]);
    assert.deepEqual(config.records.map((record) => record.name), [
      "www",
      "api",
      "api.eu",
      "static",
      "mail",
      "_acme-challenge.www",
      "_https._tcp.www",
      "ns1", // from name_servers
    ]);
    assert.deepEqual(config.apex?.mx, [
      { priority: 10, host: "mail" },
      { priority: 20, host: "mx.backup-provider.net." },
    ]);
    assert.deepEqual(config.records[5].statics?.ttl, 60);
    assert.deepEqual(config.records[6].statics?.srv, [
      { priority: 0, weight: 5, port: 443, target: "www" },
    ]);
    assert.equal(config.stateDir, "/var/lib/healthy-dns");
    assert.deepEqual(config.records[1].whenAllDown, {
      kind: "fallback",
      addresses: ["192.0.2.99"],
    });
  });
});
