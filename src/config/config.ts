/**
 * The one validated, frozen configuration every other module reads: its
 * types, its defaults (`DEFAULTS`, the only home of defaults) and the error a
 * bad setting raises.
 *
 * Produced only by `loadConfig` (src/config/load.ts) from command-line flags
 * and an optional YAML file. Names are stored lowercase, without a trailing
 * dot. Durations are milliseconds.
 */
import type { DnssecAlgorithmName } from "../wire/constants.ts";
import type { AddressRange } from "../wire/ip_address.ts";

/** Log levels, in the original's spelling. */
export type LogLevel = "debug" | "info" | "warning" | "error" | "critical";

/** How log lines are written: logfmt (`key=value`) or one JSON object per line. */
export type LogFormat = "logfmt" | "json";

/**
 * What a health-checked record serves when none of its addresses is healthy:
 * nothing (NODATA, the original's behaviour), every configured address, or
 * fixed fallback addresses.
 */
export type AllDownPolicy =
  | { readonly kind: "none" }
  | { readonly kind: "all" }
  | { readonly kind: "fallback"; readonly addresses: readonly string[] };

/** How one record's addresses are probed. */
export interface HealthCheckConfig {
  /** TCP port probed on every address of the record. */
  readonly port: number;
  /** Connect timeout for this record's probes. */
  readonly timeoutMs: number;
}

/** One configured name (relative to every served apex) and its addresses. */
export interface RecordConfig {
  /**
   * Relative name, lowercase, e.g. "www" or "api.eu"; never the apex. Also
   * an in-zone name server given with addresses (static, after the configured records).
   */
  readonly name: string;
  /** Addresses in canonical text form (IPv4 dotted quad, IPv6 RFC 5952). */
  readonly addresses: readonly string[];
  /** null: a static record, served as-is and never probed. */
  readonly check: HealthCheckConfig | null;
  /** Applies only when `check` is set. */
  readonly whenAllDown: AllDownPolicy;
  /** Its static TXT, MX, SRV and CAA records and their TTL; absent when it has none. */
  readonly statics?: StaticRecords;
}

/**
 * A target name of an MX or SRV record as configured, lowercase: ending in a
 * dot it is absolute, otherwise relative to each served zone ("@" is the apex).
 */
export type TargetName = string;

/** One MX record (RFC 1035 §3.3.9). */
export interface MxRecord {
  readonly priority: number;
  readonly host: TargetName;
}

/** One SRV record (RFC 2782). */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: TargetName;
}

/** One CAA record (RFC 8659 §4.1). */
export interface CaaRecord {
  readonly flags: number;
  /** Lowercase property tag, e.g. "issue". */
  readonly tag: string;
  readonly value: string;
}

/** The static (never health-checked) records of one name; each list may be empty. */
export interface StaticRecords {
  /** Each TXT record's text; one longer than 255 octets is split into several character-strings. */
  readonly txt: readonly string[];
  readonly mx: readonly MxRecord[];
  readonly srv: readonly SrvRecord[];
  readonly caa: readonly CaaRecord[];
  /** The `ttl` of these records in seconds, or null for the default (docs/timing.md). */
  readonly ttl: number | null;
}

/** A socket address the server listens on (UDP and TCP). */
export interface ListenAddress {
  readonly hostname: string;
  readonly port: number;
}

/** Probe scheduling and hysteresis. */
export interface HealthConfig {
  /** Minimum time between the starts of two check cycles (`--test-min-interval`). */
  readonly intervalMs: number;
  /** Default connect timeout (`--test-timeout`). */
  readonly timeoutMs: number;
  /** Consecutive successes before an endpoint turns healthy. */
  readonly rise: number;
  /** Consecutive failures before an endpoint turns unhealthy. */
  readonly fall: number;
  /** Most probes in flight at once. */
  readonly concurrency: number;
}

/** Online signing, when a key is configured. */
export interface DnssecConfig {
  readonly keyPath: string;
  /**
   * The algorithm given, or null: taken from the key (RSA → RSASHA256,
   * EC P-256 → ECDSAP256SHA256, Ed25519 → ED25519). A given one must fit the key.
   */
  readonly algorithm: DnssecAlgorithmName | null;
}

/**
 * How messages about settings that are only used after validation (binding a
 * socket, reading the key) name where the value came from: the flag
 * (`--listen`) or the YAML path (`listen (in /etc/x.yaml)`). A setting left
 * at its default is named by its flag.
 */
export interface SettingOrigins {
  readonly listen: string;
  readonly http: string;
  readonly dnssecKey: string;
  readonly dnssecAlgorithm: string;
  readonly stateDir: string;
}

/** TCP listener limits (RFC 7766 §6; how they act: src/server/tcp_sessions.ts). */
export interface TcpConfig {
  /** A connection with nothing in flight is closed this long after it opened or delivered its last query. */
  readonly idleTimeoutMs: number;
  /** A query must be complete this long after its first octet, and unread replies taken within it. */
  readonly ioTimeoutMs: number;
  /** Connections open at once, in all; a newcomer beyond it reclaims the longest-quiet slot or is refused. */
  readonly maxConnections: number;
  /** Connections open at once from one source (IPv4 address, IPv6 /64). */
  readonly maxConnectionsPerSource: number;
  /** Reply octets queued unsent per connection before its queries wait. */
  readonly maxUnsentBytes: number;
}

/** HTTP listener limits (how they act: src/server/http_server.ts). */
export interface HttpLimits {
  /** Connections open at once; a newcomer beyond it is closed at once. */
  readonly maxConnections: number;
  /**
   * A request must be complete this long after the connection opened or the
   * previous response went out, and a response must make progress within it.
   */
  readonly ioTimeoutMs: number;
}

/** TSIG algorithms (RFC 8945 §6), by their DNS names without the trailing dot. */
export type TsigAlgorithmName =
  | "hmac-sha256"
  | "hmac-sha384"
  | "hmac-sha512"
  | "hmac-sha224"
  | "hmac-sha1";

/** One shared TSIG secret. */
export interface TsigKeyConfig {
  /** Key name: a domain name, lowercase, no trailing dot (it is the TSIG record's owner). */
  readonly name: string;
  readonly algorithm: TsigAlgorithmName;
  /** The secret as configured (base64); decoded by the transfer module. */
  readonly secret: string;
}

/** A secondary server: allowed to transfer with its key, and sent NOTIFY on each new serial. */
export interface SecondaryConfig {
  /** Canonical IP address. */
  readonly address: string;
  /** Port NOTIFY is sent to. */
  readonly port: number;
  /** Name of the TSIG key it uses (one of `TransferConfig.tsigKeys`). */
  readonly key: string;
}

/** Zone transfer to secondaries (hidden primary): AXFR/IXFR, NOTIFY, TSIG. */
export interface TransferConfig {
  readonly tsigKeys: readonly TsigKeyConfig[];
  readonly secondaries: readonly SecondaryConfig[];
  /** Further sources allowed to transfer (with any configured key); not sent NOTIFY. */
  readonly allow: readonly AddressRange[];
  /** Zone transfers (AXFR, IXFR over TCP) in progress at once, in all; more are refused. */
  readonly maxTransfers: number;
  /** Zone transfers in progress at once from one source address; more are refused. */
  readonly maxTransfersPerSource: number;
}

/** Response rate limiting (RRL) on UDP, per source prefix and response kind. */
export interface RateLimitConfig {
  /** Responses per second per bucket; 0 turns rate limiting off. */
  readonly responsesPerSecond: number;
  /** Every `slip`-th limited response is sent truncated (TC=1) instead of dropped; 0 drops all. */
  readonly slip: number;
  /** Sources are grouped by this many leading bits: IPv4 (0-32)… */
  readonly ipv4Prefix: number;
  /** …and IPv6 (0-128). */
  readonly ipv6Prefix: number;
  /** Sources never limited. */
  readonly exempt: readonly AddressRange[];
}

/** DNS Cookies (RFC 7873, server cookies per RFC 9018). */
export interface CookieConfig {
  /**
   * Server secrets, 32 hex digits each: the first makes new cookies, every
   * one verifies (RFC 9018 §5 rollover). Empty: the `cookie_secret` file
   * under `stateDir`, or a random secret per process when there is none.
   */
  readonly secrets: readonly string[];
}

/** The whole configuration. */
export interface Config {
  readonly hostedZone: string;
  readonly aliasZones: readonly string[];
  /**
   * Name-server host names (absolute, no trailing dot); the first is the SOA
   * MNAME. Addresses given with them are in `records` (see `nameServerRecords`).
   */
  readonly nameServers: readonly string[];
  readonly records: readonly RecordConfig[];
  /** The static records of every served zone's apex (`records` key "@"); absent when none. */
  readonly apex?: StaticRecords;
  readonly listen: readonly ListenAddress[];
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
  /**
   * On SIGTERM, keep answering DNS this long while /healthz returns 503, then
   * stop (lets load balancers and secondaries move away first); 0: stop at once.
   */
  readonly lameDuckMs: number;
  readonly health: HealthConfig;
  readonly dnssec: DnssecConfig | null;
  readonly tcp: TcpConfig;
  readonly rateLimit: RateLimitConfig;
  readonly cookies: CookieConfig;
  /** HTTP listener for the status page, /status, /metrics and /healthz, or null for none. */
  readonly http: ListenAddress | null;
  /** Limits of the HTTP listener (used only with `http`); a reload applies them at once. */
  readonly httpLimits: HttpLimits;
  /** Zone transfer to secondaries, or null: AXFR/IXFR refused as without it. */
  readonly transfer: TransferConfig | null;
  /** The YAML file the config came from (re-read on SIGHUP), or null. */
  readonly configFile: string | null;
  /**
   * Directory for state kept across restarts (`--state-dir`), or null: then
   * nothing is persisted and each feature falls back as documented.
   */
  readonly stateDir: string | null;
  /** Where the settings used after validation came from, for messages. */
  readonly origins: SettingOrigins;
}

/**
 * Every default of healthy-dns, in one place. Nothing else in the code base
 * may hard-code a default; the usage text and docs/configuration.md read
 * (or describe) these values.
 */
export const DEFAULTS = Object.freeze({
  /** DNS port (UDP and TCP), like the original's `--port`. */
  port: 53053,
  /**
   * Listen on every IPv4 and IPv6 address (at `port`) through one dual-stack
   * "::" socket: on Linux (bindv6only=0) it receives IPv4 too, and unlike a
   * 0.0.0.0 + :: pair it needs no SO_REUSEPORT, so a second server on the
   * same port is refused.
   */
  listenHosts: Object.freeze(["::"]) as readonly string[],
  logLevel: "info" as LogLevel,
  /** logfmt: readable as is, and parsed by Loki, Vector, Grafana and friends. */
  logFormat: "logfmt" as LogFormat,
  /** No lame-duck delay: SIGTERM stops at once, as the original did. */
  lameDuckMs: 0,
  /** `--alias-zones` default: none. */
  aliasZones: Object.freeze([]) as readonly string[],
  health: Object.freeze({
    /** `--test-min-interval`: 30 s between the starts of two check cycles. */
    intervalMs: 30_000,
    /** `--test-timeout`: 2 s connect timeout. */
    timeoutMs: 2_000,
    /** React on the first success and the first failure, like the original. */
    rise: 1,
    fall: 1,
    /**
     * Probes in flight at once. Worst case, 10,000 dead endpoints take
     * 10 waves x 2 s = 20 s, inside the 30 s interval, while staying well
     * below common open-file limits.
     */
    concurrency: 1000,
  }),
  /** A health-checked record whose addresses are all down answers NODATA. */
  whenAllDown: Object.freeze({ kind: "none" }) as AllDownPolicy,
  /**
   * `--priv-key-alg` default: none, the algorithm is the key's own (the
   * original required RSASHA256 unless told otherwise).
   */
  dnssecAlgorithm: null as DnssecAlgorithmName | null,
  /** `keygen --algorithm` default: the recommended algorithm (docs/dnssec.md#algorithms). */
  keygenAlgorithm: "ECDSAP256SHA256" as DnssecAlgorithmName,
  tcp: Object.freeze({
    /** RFC 7766 §6.2.3: idle timeouts in the order of seconds. */
    idleTimeoutMs: 10_000,
    /** A whole query in 3 s, unread replies taken within 3 s: slow-loris and never-reading clients go. */
    ioTimeoutMs: 3_000,
    maxConnections: 1000,
    /** A tenth of the global cap: one host never holds more than 10 % of the slots. */
    maxConnectionsPerSource: 100,
    /** One full-size reply: beyond it a connection's queries wait until it reads. */
    maxUnsentBytes: 65_536,
  }),
  transfer: Object.freeze({
    /** A TSIG key's algorithm when `algorithm` is not given (RFC 8945 §6: mandatory to implement). */
    tsigAlgorithm: "hmac-sha256" as TsigAlgorithmName,
    /** Port NOTIFY is sent to when a secondary gives none. */
    secondaryPort: 53,
    /** BIND's `transfers-out`: transfers beyond it are refused (the secondary retries). */
    maxTransfers: 10,
    /** One secondary fetching the hosted zone and three alias zones at once. */
    maxTransfersPerSource: 4,
  }),
  /**
   * Response rate limiting: NSD's defaults (rrl-ratelimit 200, rrl-slip 2,
   * /24 and /56 prefixes). 200 identical answers a second is far more than
   * any real resolver behind one /24 asks for (it caches), yet caps what a
   * spoofed source can reflect at a victim; slip 2 lets half of the limited
   * clients learn, by TC=1, to retry over TCP. Loopback is exempt: spoofed
   * sources cannot use it (the kernel drops loopback sources arriving on any
   * other interface), while load tests, CI smoke tests and a resolver on the
   * same host send from it. An explicit `exempt` list replaces this one.
   */
  rateLimit: Object.freeze({
    responsesPerSecond: 200,
    slip: 2,
    ipv4Prefix: 24,
    ipv6Prefix: 56,
    exempt: Object.freeze([
      Object.freeze({ address: "127.0.0.0", prefix: 8 }),
      Object.freeze({ address: "::1", prefix: 128 }),
    ]) as readonly AddressRange[],
  }),
  /** Cookie secrets: none configured (the state_dir file, else a random one). */
  cookieSecrets: Object.freeze([]) as readonly string[],
  /** Port of the HTTP listener (/, /status, /metrics, /healthz) when `--http` names only an address. */
  httpPort: 9153,
  httpLimits: Object.freeze({
    /**
     * A few scrapers, probes and browsers need a handful; 100 leaves room
     * while keeping file descriptors and buffers bounded under a flood.
     */
    maxConnections: 100,
    /** A request within 5 s, a response making progress every 5 s: slow clients go. */
    ioTimeoutMs: 5_000,
  }),
  /** `--state-dir` default: none, so nothing is persisted across restarts. */
  stateDir: null as string | null,
  /**
   * `healthy-dns check`: a name passes with one healthy address (what DNS
   * needs to answer it), the report is a table; without `--wait` one round.
   */
  check: Object.freeze({
    require: "any" as const,
    format: "table" as const,
  }),
});

/**
 * A user error in the configuration: names the flag or YAML path and the bad
 * value. The CLI prints `message` as one line on stderr and exits with code 2.
 *
 * @example
 * throw new ConfigError("--zone-resolutions", `"www": "300.1.1.1" is not an IP address`);
 * // message: --zone-resolutions: "www": "300.1.1.1" is not an IP address
 */
export class ConfigError extends Error {
  /** The flag (`--port`) or YAML path (`health.interval`) at fault. */
  readonly where: string;

  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = "ConfigError";
    this.where = where;
  }
}

/**
 * The error for `value` of a setting whose `origin` is a flag (`--listen
 * 127.0.0.1:53: address already in use`) or a YAML path (`listen (in x.yaml):
 * 127.0.0.1:53: address already in use`); see `SettingOrigins`.
 */
export function settingError(origin: string, value: string, detail: string): ConfigError {
  return origin.startsWith("--")
    ? new ConfigError(`${origin} ${value}`, detail)
    : new ConfigError(origin, `${value}: ${detail}`);
}

/** Freezes `value` and everything reachable from it (no cycles expected); returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
