import { type Config, DEFAULTS } from "../../../src/config/config.ts";

/**
 * The Config every test fixture starts from: hosted zone example.test with one
 * static record www → 192.0.2.1, listening on 127.0.0.1 port 0, every other
 * setting at its documented default but the TCP limits (tests/config checks
 * that loading this zone gives it). Fixtures override what their tests are
 * about; the result is a plain object so a fixture can freeze it or not.
 */
export function baseConfig(overrides: Partial<Config> = {}): Config {
  return {
    hostedZone: "example.test",
    aliasZones: [],
    nameServers: ["ns1.example.test"],
    records: [{
      name: "www",
      addresses: ["192.0.2.1"],
      check: null,
      whenAllDown: { kind: "none" },
    }],
    listen: [{ hostname: "127.0.0.1", port: 0 }],
    logLevel: "info",
    logFormat: "logfmt",
    lameDuckMs: 0,
    health: { intervalMs: 30_000, timeoutMs: 2_000, rise: 1, fall: 1, concurrency: 1000 },
    dnssec: null,
    tcp: {
      idleTimeoutMs: 10_000,
      ioTimeoutMs: 3_000,
      maxConnections: 100,
      maxConnectionsPerSource: 100,
      maxUnsentBytes: 65_536,
    },
    // Production defaults: tests that send bursts from 127.0.0.1 turn rate limiting off themselves.
    rateLimit: DEFAULTS.rateLimit,
    cookies: { secrets: [] },
    http: null,
    httpLimits: DEFAULTS.httpLimits,
    transfer: null,
    configFile: null,
    stateDir: null,
    origins: {
      listen: "--listen",
      http: "--http",
      dnssecKey: "--priv-key-path",
      dnssecAlgorithm: "--priv-key-alg",
      stateDir: "--state-dir",
    },
    ...overrides,
  };
}
