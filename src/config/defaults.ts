import type {
  AddressRange,
  AllDownPolicy,
  DnssecAlgorithmName,
  LogFormat,
  LogLevel,
  TsigAlgorithmName,
} from "./config.ts";
import type { CheckFormat, CheckRequirement } from "./check_options.ts";

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
    require: "any" as CheckRequirement,
    format: "table" as CheckFormat,
  }),
});
