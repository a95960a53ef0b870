import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";
import { DEFAULTS } from "../../src/config/config.ts";
import type { SigningKey } from "../../src/dnssec/keys.ts";
import type { EndpointStatus } from "../../src/health/endpoints.ts";
import type { HealthView } from "../../src/health/health_state.ts";
import { buildInfo } from "../../src/observe/build_info.ts";
import {
  endpointUps,
  serverStatus,
  startupLine,
  type StatusInput,
} from "../../src/server/status.ts";
import { statusPage } from "../../src/server/status_page.ts";

const T0 = Date.UTC(2026, 11, 2, 7, 0, 0);

/** www on 192.0.2.1 (healthy) and 192.0.2.2 (down, refused), api on 192.0.2.3 (not probed yet), static. */
function input(overrides: Partial<StatusInput> = {}): StatusInput {
  const config = healthConfig(
    [
      { name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 443 },
      { name: "api", addresses: ["192.0.2.3"], port: 8443, timeoutMs: 900 },
    ],
    { rise: 2, fall: 3 },
    [{ name: "static", addresses: ["192.0.2.10"], check: null, whenAllDown: { kind: "none" } }],
  );
  const endpoints: EndpointStatus[] = [
    {
      address: "192.0.2.1",
      port: 443,
      state: "healthy",
      since: T0 - 60_000,
      lastProbe: { ok: true, ms: 1.234 },
      lastProbeAt: T0 - 1000,
      successes: 7,
      failures: 0,
    },
    {
      address: "192.0.2.2",
      port: 443,
      state: "unhealthy",
      since: T0 - 5000,
      lastProbe: { ok: false, reason: "refused", ms: 0.5, detail: "connection <refused>" },
      lastProbeAt: T0 - 1000,
      successes: 0,
      failures: 4,
    },
    {
      address: "192.0.2.3",
      port: 8443,
      state: "unknown",
      since: T0 - 10,
      lastProbe: null,
      lastProbeAt: null,
      successes: 0,
      failures: 0,
    },
  ];
  const healthy: HealthView = { isHealthy: (address) => address === "192.0.2.1" };
  return {
    config,
    phase: "serving",
    now: T0,
    version: "0.1.0",
    runtime: "deno 2.9.6",
    zone: { serial: 42, builtAt: T0 - 4000 },
    servedHealth: healthy,
    endpoints,
    lastCycleMs: 12.345,
    ...overrides,
  };
}

describe("serverStatus", () => {
  test("every name and address: check, state, since, last probe, counters, override, served", () => {
    const status = serverStatus(input());
    assert.equal(status.phase, "serving");
    assert.deepEqual(status.zones, ["example.test", "alias.test"]);
    assert.equal(status.serial, 42);
    assert.equal(status.builtAt, "2026-12-02T06:59:56.000Z");
    assert.deepEqual(status.health, { intervalMs: 100, rise: 2, fall: 3, lastCycleMs: 12.3 });
    assert.deepEqual(status.names.map((n) => [n.fqdn, n.check, n.serving]), [
      ["www.example.test", { port: 443, timeoutMs: 300 }, ["192.0.2.1"]],
      ["api.example.test", { port: 8443, timeoutMs: 900 }, []],
      ["static.example.test", null, ["192.0.2.10"]],
    ]);
    assert.deepEqual(status.names[0].addresses, [
      {
        address: "192.0.2.1",
        state: "healthy",
        since: "2026-12-02T06:59:00.000Z",
        lastProbe: {
          at: "2026-12-02T06:59:59.000Z",
          ok: true,
          reason: null,
          detail: null,
          ms: 1.2,
        },
        successes: 7,
        failures: 0,
        override: null,
        served: true,
      },
      {
        address: "192.0.2.2",
        state: "unhealthy",
        since: "2026-12-02T06:59:55.000Z",
        lastProbe: {
          at: "2026-12-02T06:59:59.000Z",
          ok: false,
          reason: "refused",
          detail: "connection <refused>",
          ms: 0.5,
        },
        successes: 0,
        failures: 4,
        override: null,
        served: false,
      },
    ]);
    assert.equal(status.names[1].addresses[0].state, "unknown");
    assert.equal(status.names[1].addresses[0].lastProbe, null);
    assert.deepEqual(status.names[2].addresses[0], {
      address: "192.0.2.10",
      state: "static",
      since: null,
      lastProbe: null,
      successes: 0,
      failures: 0,
      override: null,
      served: true,
    });
  });

  test("before the first build: no serial, nothing served", () => {
    const status = serverStatus(input({ phase: "starting", zone: null, servedHealth: null }));
    assert.equal(status.serial, null);
    assert.equal(status.builtAt, null);
    assert.deepEqual(status.names.map((n) => n.serving), [[], [], []]);
  });
});

describe("statusPage", () => {
  test("one table row per address with its state, escaped, refreshing itself, no script", () => {
    const page = statusPage(serverStatus(input()));
    assert.match(page, /^<!DOCTYPE html>/);
    assert.match(page, /<meta http-equiv="refresh" content="1">/);
    assert.doesNotMatch(page, /<script|src=|href="http/i);
    const rows = [
      ...page.matchAll(
        /<tr class="[^"]*" data-name="([^"]+)" data-address="([^"]+)" data-state="([^"]+)">/g,
      ),
    ]
      .map((m) => m.slice(1));
    assert.deepEqual(rows, [
      ["www.example.test", "192.0.2.1", "healthy"],
      ["www.example.test", "192.0.2.2", "unhealthy"],
      ["api.example.test", "192.0.2.3", "unknown"],
      ["static.example.test", "192.0.2.10", "static"],
    ]);
    // One clean reason in the cell, the system's own message (escaped) in its tooltip.
    assert.match(
      page,
      /<td class="probe" title="connection &#60;refused&#62;">connection refused<\/td>/,
    );
    assert.match(page, /· DNSSEC off ·/);
    assert.match(page, /0\/2 to rise/);
    assert.match(page, /0\/3 to fall/);
  });

  test("reloads every check interval in whole seconds, at least every 1 s, at most every 10 s", () => {
    const base = input();
    const refreshFor = (intervalMs: number) => {
      const config = { ...base.config, health: { ...base.config.health, intervalMs } };
      const page = statusPage(serverStatus({ ...base, config }));
      const meta = /<meta http-equiv="refresh" content="(\d+)">/.exec(page)?.[1];
      assert.match(page, new RegExp(`reloads every ${meta} s\\.`));
      return Number(meta);
    };
    assert.deepEqual(
      [100, 999, 2_000, 4_000, 7_400, 10_000, 10_600, 30_000, 3_600_000].map(refreshFor),
      [1, 1, 2, 4, 7, 10, 10, 10, 10],
    );
  });
});

describe("endpointUps", () => {
  test("one sample per address of each health-checked name, up as the view says; static names none", () => {
    const config = healthConfig(
      [
        { name: "www", addresses: ["192.0.2.1", "2001:db8::1"], port: 443 },
        { name: "api", addresses: ["192.0.2.1"], port: 8443 },
      ],
      {},
      [{ name: "static", addresses: ["192.0.2.10"], check: null, whenAllDown: { kind: "none" } }],
    );
    const view = {
      isHealthy: (address: string, port: number) => address === "192.0.2.1" && port === 443,
    };
    assert.deepEqual(endpointUps(config, view), [
      { name: "www.example.test", address: "192.0.2.1", port: 443, up: true },
      { name: "www.example.test", address: "2001:db8::1", port: 443, up: false },
      { name: "api.example.test", address: "192.0.2.1", port: 8443, up: false },
    ]);
  });
});

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
