/**
 * The server's status: the /status report (what each name serves and why,
 * every probe, the overrides in force, the secondaries), the endpoint counts
 * and per-endpoint samples that /metrics reads straight from the health
 * view, and the line `serve` logs when it starts.
 */
import type { Config } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup, type OverrideState } from "../config/overrides.ts";
import { algorithmName, type SigningKey } from "../dnssec/keys.ts";
import { collectEndpoints, endpointKey, type EndpointStatus } from "../health/endpoints.ts";
import type { HealthView } from "../health/health_state.ts";
import { type BuildInfo, formatBuildInfo } from "../observe/build_info.ts";
import type { LogFields } from "../observe/logger.ts";
import type { EndpointUp, SecondaryMetrics } from "../observe/metrics.ts";
import { servedAddresses } from "../zone/name_rrsets.ts";
import type { CookieSecretSource } from "./preflight.ts";

/**
 * An address's state on /status: the probe states, or `static` for an address
 * of a record without a health check (always served, never probed).
 */
export type AddressState = "healthy" | "unhealthy" | "unknown" | "static";

/** The last probe of an address, as /status shows it. */
export interface ProbeReport {
  /** When its result came in (ISO 8601). */
  readonly at: string;
  readonly ok: boolean;
  /** Why it failed: refused, timeout, unreachable or error; null when it succeeded. */
  readonly reason: string | null;
  /** The system's message for a failure, null on success. */
  readonly detail: string | null;
  /** Connect latency, or time until the failure, in milliseconds (one decimal). */
  readonly ms: number;
}

/** An operator override in force for an address (docs/operations.md, operator overrides). */
export interface OverrideReport {
  /** `down`: drained, never served; `up`: served whatever its probe says. */
  readonly state: OverrideState;
  /** The one record it is limited to, or null when it applies to every name listing the address. */
  readonly name: string | null;
  /** When it stops applying (ISO 8601), or null for no end. */
  readonly until: string | null;
  readonly reason: string | null;
}

/** One address of one name. */
export interface AddressStatus {
  readonly address: string;
  readonly state: AddressState;
  /** Since when `state` holds (ISO 8601), null when not known (static addresses). */
  readonly since: string | null;
  readonly lastProbe: ProbeReport | null;
  /** Consecutive successful probes; `rise` of them turn an unhealthy address healthy. */
  readonly successes: number;
  /** Consecutive failed probes; `fall` of them turn a healthy address unhealthy. */
  readonly failures: number;
  /**
   * The operator override in force for this address of this name, or null.
   * `state` still shows the probe's verdict underneath; `served` the effect.
   */
  readonly override: OverrideReport | null;
  /** Whether the zone being served answers with this address now. */
  readonly served: boolean;
}

/** One configured name. */
export interface NameStatus {
  /** Relative, as configured (`www`). */
  readonly name: string;
  /** Under the hosted zone (`www.example.com`); alias zones serve the same. */
  readonly fqdn: string;
  /** The health check, or null for a static record. */
  readonly check: { readonly port: number; readonly timeoutMs: number } | null;
  /** What the name serves when no address is healthy: none, all or fallback. */
  readonly whenAllDown: "none" | "all" | "fallback";
  /** The addresses the zone being served answers with now (A and AAAA), in config order. */
  readonly serving: readonly string[];
  readonly addresses: readonly AddressStatus[];
}

/** The whole of GET /status. */
export interface ServerStatus {
  readonly phase: "starting" | "serving" | "stopping";
  /** When this report was made (ISO 8601). */
  readonly generatedAt: string;
  readonly version: string;
  readonly runtime: string;
  /** Served zones: the hosted zone first, then the alias zones. */
  readonly zones: readonly string[];
  /** SOA serial of the zone being served, null before the first build. */
  readonly serial: number | null;
  /** When the zone being served was built (ISO 8601), null before the first build. */
  readonly builtAt: string | null;
  /**
   * Why a newer zone is not served, null when none is waiting: its serial
   * could not be made durable in `state_dir` (e.g. the disk is full).
   */
  readonly stale: string | null;
  /** Whether the zones are signed online (a DNSSEC key is configured). */
  readonly dnssec: boolean;
  readonly health: {
    readonly intervalMs: number;
    readonly rise: number;
    readonly fall: number;
    /** Duration of the last completed check cycle, null before the first. */
    readonly lastCycleMs: number | null;
  };
  readonly names: readonly NameStatus[];
  /** With a `transfer` config: what each secondary has (docs/scaling-out.md); absent without. */
  readonly secondaries?: readonly SecondaryReport[];
}

/** One secondary of the hidden primary, as /status shows it. */
export interface SecondaryReport {
  /** `address:port` as configured. */
  readonly secondary: string;
  readonly notifyAckedSerial: number | null;
  /** When it acknowledged that NOTIFY (ISO 8601), or null. */
  readonly notifyAckedAt: string | null;
  readonly transferredSerial: number | null;
  readonly lagSeconds: number;
}

/** What `serverStatus` reads. */
export interface StatusInput {
  readonly config: Config;
  readonly phase: ServerStatus["phase"];
  readonly now: number;
  readonly version: string;
  readonly runtime: string;
  /** The zone being served, or null before the first build. */
  readonly zone: { readonly serial: number; readonly builtAt: number } | null;
  /** Why a newer zone is not served (default null: none is waiting). */
  readonly stale?: string | null;
  /** The health the zone being served was built from, or null before the first build. */
  readonly servedHealth: HealthView | null;
  /** The overrides the zone being served was built with (default none). */
  readonly servedOverrides?: OverrideLookup;
  /** The overrides in force now (default none). */
  readonly overrides?: OverrideLookup;
  /** The health monitor's view of every probed endpoint. */
  readonly endpoints: readonly EndpointStatus[];
  readonly lastCycleMs: number | null;
  /** The transfer service's view of each secondary, or absent without a `transfer` config. */
  readonly secondaries?: readonly SecondaryMetrics[];
}

const iso = (ms: number) => new Date(ms).toISOString();

function overrideReport(lookup: OverrideLookup, address: string, name: string) {
  const found = lookup.find(address, name);
  return found === null ? null : {
    state: found.state,
    name: found.name,
    until: found.until === null ? null : iso(found.until),
    reason: found.reason,
  };
}
const tenth = (ms: number) => Math.round(ms * 10) / 10;

/**
 * The /status report: every configured name and address with its probe state
 * and what the name serves now. Derived afresh per request from the config,
 * the health monitor and the zone being served; nothing here is on the query path.
 */
export function serverStatus(input: StatusInput): ServerStatus {
  const { config } = input;
  const byKey = new Map(input.endpoints.map((e) => [endpointKey(e.address, e.port), e]));
  const overrides = input.overrides ?? NO_OVERRIDES;
  const names = config.records.map((record): NameStatus => {
    const check = record.check;
    const serving = input.servedHealth === null
      ? []
      : servedAddresses(record, input.servedHealth, input.servedOverrides);
    const addresses = record.addresses.map((address): AddressStatus => {
      const served = serving.includes(address);
      if (check === null) {
        return {
          address,
          state: "static",
          since: null,
          lastProbe: null,
          successes: 0,
          failures: 0,
          override: overrideReport(overrides, address, record.name),
          served,
        };
      }
      const endpoint = byKey.get(endpointKey(address, check.port));
      const probe = endpoint?.lastProbe ?? null;
      return {
        address,
        state: endpoint?.state ?? "unknown",
        since: endpoint === undefined ? null : iso(endpoint.since),
        lastProbe: probe === null || endpoint?.lastProbeAt == null ? null : {
          at: iso(endpoint.lastProbeAt),
          ok: probe.ok,
          reason: probe.ok ? null : probe.reason,
          detail: probe.ok ? null : probe.detail,
          ms: tenth(probe.ms),
        },
        successes: endpoint?.successes ?? 0,
        failures: endpoint?.failures ?? 0,
        override: overrideReport(overrides, address, record.name),
        served,
      };
    });
    return {
      name: record.name,
      fqdn: `${record.name}.${config.hostedZone}`,
      check: check === null ? null : { port: check.port, timeoutMs: check.timeoutMs },
      whenAllDown: record.whenAllDown.kind,
      serving,
      addresses,
    };
  });
  return {
    phase: input.phase,
    generatedAt: iso(input.now),
    version: input.version,
    runtime: input.runtime,
    zones: [config.hostedZone, ...config.aliasZones],
    serial: input.zone?.serial ?? null,
    builtAt: input.zone === null ? null : iso(input.zone.builtAt),
    stale: input.stale ?? null,
    dnssec: config.dnssec !== null,
    health: {
      intervalMs: config.health.intervalMs,
      rise: config.health.rise,
      fall: config.health.fall,
      lastCycleMs: input.lastCycleMs === null ? null : tenth(input.lastCycleMs),
    },
    names,
    ...(input.secondaries === undefined ? {} : {
      secondaries: input.secondaries.map((row) => ({
        ...row,
        notifyAckedAt: row.notifyAckedAt === null ? null : iso(row.notifyAckedAt),
        lagSeconds: Math.round(row.lagSeconds * 10) / 10,
      })),
    }),
  };
}

/** Healthy and unhealthy health-checked endpoints (address and port, each once). */
export interface EndpointCounts {
  readonly healthy: number;
  readonly unhealthy: number;
}

/** Counts the config's probed endpoints by their state in `view` (for metrics). */
export function countEndpoints(config: Config, view: HealthView): EndpointCounts {
  let healthy = 0;
  const endpoints = collectEndpoints(config);
  for (const { address, port } of endpoints) if (view.isHealthy(address, port)) healthy++;
  return Object.freeze({ healthy, unhealthy: endpoints.length - healthy });
}

/**
 * Every (name, address, health port) of the config's health-checked names and
 * whether it is healthy in `view`: the samples of `healthy_dns_endpoint_up`.
 * Reads the view directly rather than building the /status report, so a
 * scrape of a 10,000-name zone stays a few milliseconds.
 */
export function endpointUps(config: Config, view: HealthView): EndpointUp[] {
  const samples: EndpointUp[] = [];
  for (const record of config.records) {
    const check = record.check;
    if (check === null) continue;
    const name = `${record.name}.${config.hostedZone}`;
    for (const address of record.addresses) {
      samples.push({ name, address, port: check.port, up: view.isHealthy(address, check.port) });
    }
  }
  return samples;
}

/**
 * The one line `serve` logs when it starts: what is running (as `--version`
 * prints it) and what it serves, e.g.
 * `starting healthy-dns 0.2.0 (3f2a1c9, bun 1.4.5, linux-x64) config=/etc/healthy-dns/config.yaml
 * zone=example.com aliases=example.net names=12 endpoints=20 dnssec=ECDSAP256SHA256 key_tag=2371
 * rate_limit=200/s rate_limit_exempt=127.0.0.0/8,::1/128 cookie_secret=state_dir`.
 *
 * @param key the loaded signing key, or null when DNSSEC is off.
 * @param cookieSecret where the DNS cookie secret came from (never the secret).
 */
export function startupLine(
  info: BuildInfo,
  config: Config,
  key: SigningKey | null,
  cookieSecret: CookieSecretSource,
): { readonly message: string; readonly fields: LogFields } {
  return {
    message: `starting ${formatBuildInfo(info)}`,
    fields: {
      config: config.configFile ?? "none",
      zone: config.hostedZone,
      aliases: config.aliasZones.length > 0 ? config.aliasZones.join(",") : undefined,
      names: config.records.length,
      endpoints: collectEndpoints(config).length,
      dnssec: key === null ? "off" : algorithmName(key.algorithm),
      key_tag: key?.keyTag,
      rate_limit: config.rateLimit.responsesPerSecond > 0
        ? `${config.rateLimit.responsesPerSecond}/s`
        : "off",
      rate_limit_exempt: config.rateLimit.responsesPerSecond > 0
        ? config.rateLimit.exempt.map((range) => `${range.address}/${range.prefix}`).join(",") ||
          "none"
        : undefined,
      cookie_secret: cookieSecret,
    },
  };
}
