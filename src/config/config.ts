/**
 * The one validated, frozen configuration every other module reads.
 *
 * Produced only by `loadConfig` (src/config/load_config.ts) from command-line
 * flags and an optional YAML file; every default lives in src/config/defaults.ts.
 * Names are stored lowercase, without a trailing dot. Durations are milliseconds.
 */

/** Log levels, in the original's spelling. */
export type LogLevel = "debug" | "info" | "warning" | "error" | "critical";

/** How log lines are written: logfmt (`key=value`) or one JSON object per line. */
export type LogFormat = "logfmt" | "json";

/** DNSSEC algorithms we sign with, by their mnemonic. */
export type DnssecAlgorithmName = "RSASHA256" | "ECDSAP256SHA256" | "ED25519";

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

/** An address range in CIDR form. */
export interface AddressRange {
  /** Canonical IP address of the network. */
  readonly address: string;
  /** Prefix length in bits. */
  readonly prefix: number;
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
