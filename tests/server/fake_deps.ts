import type { Config } from "../../src/config/config.ts";
import { ALL_HEALTHY, type HealthView } from "../../src/health/health_state.ts";
import type { SigningKey } from "../../src/dnssec/keys.ts";
import type { ServerDeps } from "../../src/server/server_deps.ts";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";

/** A minimal valid Config for server tests, listening on 127.0.0.1 port 0. */
export function fakeConfig(overrides: Partial<Config> = {}): Config {
  return Object.freeze(baseConfig({
    records: [{
      name: "www",
      addresses: ["192.0.2.1"],
      check: { port: 9, timeoutMs: 100 },
      whenAllDown: { kind: "none" },
    }],
    health: { intervalMs: 60_000, timeoutMs: 100, rise: 1, fall: 1, concurrency: 10 },
    ...overrides,
  }));
}

/** What the fake zone builder produced: the serial and the inputs it saw. */
export interface FakeSnapshot {
  readonly serial: number;
  readonly refreshAt: number;
  readonly zone: string;
  readonly healthy: boolean;
}

/**
 * Fake zone/answer/health/key modules. The fake answer echoes the query's ID
 * with QR set, RCODE 0, and the serial in bytes 4-5, so a test can see which
 * snapshot answered. A query starting with 0xde 0xad makes it throw.
 */
export function fakeDeps(options: { refreshInMs?: number } = {}) {
  const state = {
    builds: 0,
    buildGate: null as Promise<void> | null,
    failNextBuild: false,
    onChange: null as ((view: HealthView) => void) | null,
    monitorStopped: false,
    keyPems: [] as string[],
  };
  const deps: ServerDeps<FakeSnapshot> = {
    async buildSnapshot({ config, health, now }) {
      if (state.buildGate) await state.buildGate;
      if (state.failNextBuild) {
        state.failNextBuild = false;
        throw new Error("fake build failure");
      }
      // The pending zone (before the first health round) is serial 0, so real builds count from 1.
      if (health === null) {
        return Object.freeze({
          serial: 0,
          refreshAt: now + 3_600_000,
          zone: config.hostedZone,
          healthy: false,
        });
      }
      state.builds++;
      return Object.freeze({
        serial: state.builds,
        refreshAt: now + (options.refreshInMs ?? 3_600_000),
        zone: config.hostedZone,
        healthy: health.isHealthy("192.0.2.1", 9),
      });
    },
    answerQuery(query, snapshot) {
      if (query[0] === 0xde && query[1] === 0xad) throw new Error("fake answer bug");
      if (query.length < 12) return null;
      return new Uint8Array([
        query[0],
        query[1],
        0x84,
        0,
        snapshot.serial >> 8,
        snapshot.serial & 0xff,
      ]);
    },
    loadSigningKey(pem) {
      state.keyPems.push(pem);
      if (!pem.includes("GOOD")) return Promise.reject(new Error("not a PEM private key"));
      return Promise.resolve({} as SigningKey);
    },
    createHealthMonitor(_config, _dialer, _clock, _logger, onChange) {
      state.onChange = onChange;
      return {
        start: () => Promise.resolve(ALL_HEALTHY),
        updateConfig: () => ALL_HEALTHY,
        stop: () => {
          state.monitorStopped = true;
          return Promise.resolve();
        },
        cycleDurationMs: 12,
        endpointStatus: () => [],
      };
    },
  };
  return { deps, state };
}
