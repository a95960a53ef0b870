import type { Config, DnssecAlgorithmName, LogFormat, LogLevel } from "./config.ts";
import { ConfigError } from "./config_error.ts";
import { DEFAULTS } from "./defaults.ts";
import { readAliasZones } from "./read_alias_zones.ts";
import { readAddressRanges } from "./read_address_range.ts";
import { readAllDownPolicy } from "./read_all_down_policy.ts";
import { readChoice, readDuration, readInteger, readString } from "./value_readers.ts";
import { readDomainName } from "./read_domain_name.ts";
import { readListenAddress } from "./read_listen_address.ts";
import { readListenList } from "./read_listen_list.ts";
import { nameServerRecords } from "./name_server_records.ts";
import { readNameServers } from "./read_name_servers.ts";
import { readRecords } from "./read_records.ts";
import { readTransfer } from "./read_transfer.ts";
import { readSecretList } from "./read_secret_list.ts";
import type { SettingsLayer, Sourced } from "./settings_layer.ts";

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error", "critical"];
const LOG_FORMATS: readonly LogFormat[] = ["logfmt", "json"];
const ALGORITHMS: readonly DnssecAlgorithmName[] = ["RSASHA256", "ECDSAP256SHA256", "ED25519"];

/** A required setting, or the error naming both the flag and the YAML key. */
function required<T extends Sourced>(setting: T | undefined, flag: string, yamlKey: string): T {
  if (setting === undefined) {
    throw new ConfigError(flag, `required (or set "${yamlKey}" in the --config file)`);
  }
  return setting;
}

/** A duration that may also be 0 (off), as the lame-duck delay. */
function durationOrZero(value: unknown, at: Sourced["at"]): number {
  return value === 0 || value === "0" ? 0 : readDuration(value, at);
}

/** Reads an optional setting with `read`, or returns `fallback`. */
function optional<T>(
  setting: Sourced | undefined,
  read: (value: unknown, at: Sourced["at"]) => T,
  fallback: T,
): T {
  return setting === undefined ? fallback : read(setting.value, setting.at);
}

/**
 * Validates the merged settings and builds the `Config` (not yet frozen).
 * Settings are checked in dependency order: zones before record names,
 * the port before listen addresses, global health settings before the
 * per-record ones that default to them.
 */
export function buildConfig(settings: SettingsLayer, configFile: string | null): Config {
  const zone = required(settings.zone, "--hosted-zone", "zone");
  const hostedZone = readDomainName(zone.value, zone.at, "domain name");
  const aliasZones = optional(
    settings.aliasZones,
    (v, at) => readAliasZones(v, at, hostedZone),
    DEFAULTS.aliasZones,
  );
  const ns = required(settings.nameServers, "--ns", "name_servers");
  const nameServers = readNameServers(ns.value, ns.at);
  const zones = [hostedZone, ...aliasZones];
  const whole = (kind: Parameters<typeof readInteger>[2]) => (value: unknown, at: Sourced["at"]) =>
    readInteger(value, at, kind);
  const count = whole("count");
  const health = {
    intervalMs: optional(settings.interval, readDuration, DEFAULTS.health.intervalMs),
    timeoutMs: optional(settings.timeout, readDuration, DEFAULTS.health.timeoutMs),
    rise: optional(settings.rise, count, DEFAULTS.health.rise),
    fall: optional(settings.fall, count, DEFAULTS.health.fall),
    concurrency: optional(settings.concurrency, count, DEFAULTS.health.concurrency),
  };
  const records = required(settings.records, "--zone-resolutions", "records");
  const port = optional(settings.port, (v, at) => readInteger(v, at, "port"), DEFAULTS.port);
  const keyPath = optional(settings.keyPath, (v, at) => readString(v, at, "a file path"), null);
  const whenAllDown = optional(settings.whenAllDown, readAllDownPolicy, DEFAULTS.whenAllDown);
  const configured = readRecords(records.value, records.at, records.dialect, {
    zones,
    timeoutMs: health.timeoutMs,
    whenAllDown,
  });
  const algorithm = optional(
    settings.algorithm,
    (v, at) => readChoice(v, at, ALGORITHMS),
    DEFAULTS.dnssecAlgorithm,
  );
  const origin = (setting: Sourced | undefined, flag: string) => setting?.at.where ?? flag;
  return {
    hostedZone,
    aliasZones,
    nameServers: nameServers.map((entry) => entry.name),
    records: [
      ...configured,
      ...nameServerRecords(nameServers, zones, configured, whenAllDown),
    ],
    listen: optional(
      settings.listen,
      (v, at) => readListenList(v, at, port),
      DEFAULTS.listenHosts.map((hostname) => ({ hostname, port })),
    ),
    logLevel: optional(
      settings.logLevel,
      (v, at) => readChoice(v, at, LOG_LEVELS),
      DEFAULTS.logLevel,
    ),
    logFormat: optional(
      settings.logFormat,
      (v, at) => readChoice(v, at, LOG_FORMATS),
      DEFAULTS.logFormat,
    ),
    lameDuckMs: optional(settings.lameDuck, durationOrZero, DEFAULTS.lameDuckMs),
    health,
    dnssec: keyPath === null ? null : { keyPath, algorithm },
    tcp: {
      idleTimeoutMs: optional(settings.tcpIdleTimeout, readDuration, DEFAULTS.tcp.idleTimeoutMs),
      ioTimeoutMs: optional(settings.tcpIoTimeout, readDuration, DEFAULTS.tcp.ioTimeoutMs),
      maxConnections: optional(settings.tcpMaxConnections, count, DEFAULTS.tcp.maxConnections),
      maxConnectionsPerSource: optional(
        settings.tcpMaxConnectionsPerSource,
        count,
        DEFAULTS.tcp.maxConnectionsPerSource,
      ),
      maxUnsentBytes: optional(settings.tcpMaxUnsentBytes, count, DEFAULTS.tcp.maxUnsentBytes),
    },
    rateLimit: {
      responsesPerSecond: optional(
        settings.rateLimit,
        whole("countOrZero"),
        DEFAULTS.rateLimit.responsesPerSecond,
      ),
      slip: optional(settings.rateLimitSlip, whole("countOrZero"), DEFAULTS.rateLimit.slip),
      ipv4Prefix: optional(
        settings.rateLimitIpv4Prefix,
        whole("ipv4Prefix"),
        DEFAULTS.rateLimit.ipv4Prefix,
      ),
      ipv6Prefix: optional(
        settings.rateLimitIpv6Prefix,
        whole("ipv6Prefix"),
        DEFAULTS.rateLimit.ipv6Prefix,
      ),
      exempt: optional(settings.rateLimitExempt, readAddressRanges, DEFAULTS.rateLimit.exempt),
    },
    cookies: { secrets: optional(settings.cookieSecret, readSecretList, DEFAULTS.cookieSecrets) },
    http: optional(settings.http, (v, at) => readListenAddress(v, at, DEFAULTS.httpPort), null),
    httpLimits: {
      maxConnections: optional(
        settings.httpMaxConnections,
        count,
        DEFAULTS.httpLimits.maxConnections,
      ),
      ioTimeoutMs: optional(settings.httpIoTimeout, readDuration, DEFAULTS.httpLimits.ioTimeoutMs),
    },
    transfer: optional(settings.transfer, readTransfer, null),
    configFile,
    stateDir: optional(
      settings.stateDir,
      (v, at) => readString(v, at, "a directory path"),
      DEFAULTS.stateDir,
    ),
    origins: {
      listen: origin(settings.listen, "--listen"),
      http: origin(settings.http, "--http"),
      dnssecKey: origin(settings.keyPath, "--priv-key-path"),
      dnssecAlgorithm: origin(settings.algorithm, "--priv-key-alg"),
      stateDir: origin(settings.stateDir, "--state-dir"),
    },
  };
}
