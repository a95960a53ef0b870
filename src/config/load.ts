/**
 * Loading the config: flags over a YAML file (or the embedded demo) over the
 * defaults, validated setting by setting into one frozen `Config`.
 */
import {
  type Config,
  ConfigError,
  deepFreeze,
  DEFAULTS,
  type LogFormat,
  type LogLevel,
} from "./config.ts";
import { DNSSEC_ALGORITHMS } from "../wire/constants.ts";
import { parseFlags } from "./flags.ts";
import { parseYamlLayer } from "./yaml.ts";
import type { SettingsLayer, Sourced } from "./settings.ts";
import {
  readAddressRanges,
  readAllDownPolicy,
  readChoice,
  readDuration,
  readInteger,
  readSecretList,
  readString,
} from "./value_readers.ts";
import { readAliasZones, readDomainName } from "./names.ts";
import { readListenAddress, readListenList } from "./listen.ts";
import { nameServerRecords, readNameServers } from "./name_servers.ts";
import { readRecords } from "./records.ts";
import { readTransfer } from "./transfer.ts";

/** How messages name the embedded demo config. */
const DEMO_LABEL = "--demo";

async function readFileLayer(
  file: string,
  readTextFile: (path: string) => Promise<string>,
): Promise<SettingsLayer> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError("--config", `cannot read ${JSON.stringify(file)}: ${reason}`);
  }
  return parseYamlLayer(text, file);
}

/**
 * The demo's text: with `--port`, the demo's listen addresses (which carry their
 * port, so `--port` alone would not reach them) and its self-probe move to that port.
 */
function demoYaml(layer: SettingsLayer): string {
  const port = layer.port;
  return port === undefined
    ? DEMO_CONFIG_YAML
    : demoConfigYaml(readInteger(port.value, port.at, "port"));
}

/**
 * Builds the validated, deeply frozen configuration from the command-line
 * arguments after the subcommand, on top of the YAML file given by
 * `--config` (or the embedded demo config with `--demo`) and the defaults.
 * Flags override the file setting by setting.
 *
 * @param readTextFile reads the `--config` file (the runtime's file reader).
 * @throws ConfigError for every user error, with a one-line message naming
 *   the flag or YAML path and the value.
 */
export async function loadConfig(
  args: readonly string[],
  readTextFile: (path: string) => Promise<string>,
): Promise<Config> {
  const flags = parseFlags(args);
  const base = flags.demo
    ? parseYamlLayer(demoYaml(flags.layer), DEMO_LABEL)
    : flags.configFile === null
    ? {}
    : await readFileLayer(flags.configFile, readTextFile);
  return deepFreeze(buildConfig({ ...base, ...flags.layer }, flags.configFile));
}

const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error", "critical"];
const LOG_FORMATS: readonly LogFormat[] = ["logfmt", "json"];

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
  const { records: configured, apex } = readRecords(records.value, records.at, records.dialect, {
    zones,
    timeoutMs: health.timeoutMs,
    whenAllDown,
  });
  const algorithm = optional(
    settings.algorithm,
    (v, at) => readChoice(v, at, DNSSEC_ALGORITHMS),
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
    ...(apex === undefined ? {} : { apex }),
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

/**
 * The embedded demo configuration behind `--demo`: example.test (alias
 * example.net) on 127.0.0.1 and ::1 port 53053, with one healthy record
 * (`www`, probing the server's own TCP listener), one normally-down record
 * (`api`, NODATA) and one static record; its name server is the server
 * itself. examples/demo.yaml is a copy of this text; a test keeps the two
 * identical.
 */
export const DEMO_CONFIG_YAML: string =
  `# healthy-dns demo configuration (\`healthy-dns --demo\` serves exactly this).
# Serves example.test, and example.net as its alias, on loopback port 53053:
#   dig @127.0.0.1 -p 53053 www.example.test A
#   dig @::1 -p 53053 static.example.net A +tcp
zone: example.test
alias_zones: [example.net]
name_servers: [ns1.example.test]
listen: ["127.0.0.1:53053", "[::1]:53053"]
health:
  interval: 5s
  timeout: 1s
records:
  # Probes the server's own DNS TCP listener: healthy as soon as the server runs.
  www:
    addresses: [127.0.0.1, "::1"]
    health_port: 53053
  # Nothing listens on port 8080 here, so both addresses are down and
  # api answers NODATA (start something on 127.0.0.2:8080 to see it appear).
  api:
    addresses: [127.0.0.2, 127.0.0.3]
    health_port: 8080
  # A static record: served as-is, never probed.
  static: [127.0.0.10]
  # The zone's name server is this server: its addresses (without them the
  # zone would name a name server that does not resolve).
  ns1: [127.0.0.1, "::1"]
`;

/** The port the demo listens on, and its `www` probes: the server's own. */
export const DEMO_PORT = 53053;

/**
 * The demo configuration on `port` instead of DEMO_PORT (`--demo --port N`): the
 * listen addresses, `www`'s health port (it probes the server's own listener) and
 * the dig hints all follow it. DEMO_PORT appears in the text only as that port.
 */
export function demoConfigYaml(port: number): string {
  return DEMO_CONFIG_YAML.replaceAll(String(DEMO_PORT), String(port));
}
