import type { DialResult, ProcessStats } from "../runtime/runtime.ts";
import type { Transport } from "../wire/constants.ts";

/** What a query's DNS cookie was (RFC 7873): a client cookie alone, a valid or an invalid server cookie. */
export type CookieResult = "new" | "valid" | "invalid";

/** Why the server closed or refused a TCP connection (src/server/tcp_sessions.ts). */
export type TcpCloseReason =
  /** The peer closed it, or reset it. */
  | "client"
  /** Nothing in flight for `tcp.idle_timeout` since it opened or delivered its last query. */
  | "idle"
  /** A query began arriving but was not complete within `tcp.io_timeout`. */
  | "slow_query"
  /** Its replies stayed unread for `tcp.io_timeout`. */
  | "stalled"
  /** A zero length prefix: the stream cannot be framed. */
  | "framing"
  /** Its slot went to a newcomer at the global cap (it had gone longest without a query). */
  | "reclaimed"
  /** Refused at once: `tcp.max_connections` reached and no slot reclaimable. */
  | "connection_limit"
  /** Refused at once: `tcp.max_connections_per_source` reached for its source. */
  | "source_limit"
  /** The server stopped. */
  | "shutdown";

/** Why a query got no response. */
export type DropReason = "not_ready" | "unanswerable" | "error" | "rate_limited";

/**
 * One secondary's state as the hidden primary sees it (src/transfer/transfer_service.ts):
 * the serial of the last NOTIFY it acknowledged and when, the serial it last transferred (or
 * reported holding in an IXFR request), and the seconds since the serial being served was
 * published while it does not hold it (0 when current).
 */
export interface SecondaryMetrics {
  /** `address:port`. */
  readonly secondary: string;
  readonly notifyAckedSerial: number | null;
  /** Ms since the epoch. */
  readonly notifyAckedAt: number | null;
  readonly transferredSerial: number | null;
  readonly lagSeconds: number;
}

/** The server's counters and gauges, rendered as Prometheus text on /metrics. */
export interface Metrics {
  /**
   * One response sent; `rcode` is the full RCODE, header and EDNS extension
   * together (BADVERS is 16, RFC 6891 §6.1.3); values of 32 and above share one slot.
   */
  countResponse(transport: Transport, rcode: number): void;
  /** One query dropped without a response. */
  countDropped(transport: Transport, reason: DropReason): void;
  /** One TCP connection closed or refused by the server, or closed by its peer. */
  countTcpClosed(reason: TcpCloseReason): void;
  /** The number of TCP connections open now. */
  setTcpConnections(open: number): void;
  /** A snapshot build finished: `ok` false when it threw (the old zone keeps serving). */
  countSnapshotBuild(ok: boolean): void;
  setSnapshotSerial(serial: number): void;
  /** Duration of the last health-check cycle. */
  setHealthCycleMs(ms: number): void;
  setEndpoints(healthy: number, unhealthy: number): void;
  /** A configuration reload attempt finished. */
  countReload(ok: boolean): void;
  /** Operator overrides in force now, by what they force. */
  setOverrides(down: number, up: number): void;
  /** The override file was read after a change: `ok` false when it was rejected. */
  countOverrideLoad(ok: boolean): void;
  /** One zone transfer request answered: `type` axfr, ixfr, ixfr_full…; `outcome` ok, refused… */
  countTransfer(type: string, outcome: string): void;
  /** Zone transfers in progress now (their last message not yet out). */
  setTransfersInProgress(count: number): void;
  /** One TSIG-signed request rejected: `error` badkey, badsig or badtime. */
  countTsigRejected(error: string): void;
  /** Where per-secondary state is read from when /metrics renders. */
  setSecondarySource(source: () => readonly SecondaryMetrics[]): void;
  /** A UDP response over the rate limit: dropped, or `slipped` (sent truncated or BADCOOKIE). */
  countRateLimited(slipped: boolean): void;
  /** A query's COOKIE option: `result` as src/cookies/server_cookies.ts classifies it. */
  countCookie(result: CookieResult): void;
  /** The configuration was loaded (start-up) or reloaded successfully at this epoch ms. */
  setConfigLoadedAt(ms: number): void;
  /** One health probe finished (from the health monitor). */
  observeProbe(result: DialResult): void;
  /** A probed endpoint turned healthy (true) or unhealthy (false). */
  countStateChange(healthy: boolean): void;
  /** One zone build took this long (successful or not). */
  observeZoneBuild(ms: number): void;
  /** The constant `healthy_dns_build_info` labels. */
  setBuildInfo(info: BuildInfoLabels): void;
  /**
   * Prometheus text exposition format, version 0.0.4. `scrape` gives what is
   * read at scrape time rather than counted: per-endpoint state and the
   * process figures.
   */
  render(scrape?: Scrape): string;
}

/** The labels of `healthy_dns_build_info` (src/observe/build_info.ts says where they come from). */
export interface BuildInfoLabels {
  readonly version: string;
  /** The git commit, or `from source`. */
  readonly commit: string;
  /** Runtime and its version, e.g. `bun 1.4.5`. */
  readonly runtime: string;
  /** Release target or os-arch, e.g. `linux-x64`. */
  readonly target: string;
}

/** One (name, address, port) a health-checked name uses, and whether it is up. */
export interface EndpointUp {
  /** The name under the hosted zone, e.g. `www.example.com`. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly up: boolean;
}

/** What /metrics reads at scrape time. */
export interface Scrape {
  readonly endpoints: readonly EndpointUp[];
  readonly process: ProcessStats | null;
}

/** Bucket upper bounds (seconds) of the probe-duration histogram: loopback to the longest timeouts. */
const PROBE_BUCKETS: readonly number[] = [
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];
/** Bucket upper bounds (seconds) of the zone-build histogram: a few names to 10,000 RSA-signed ones. */
const BUILD_BUCKETS: readonly number[] = [
  0.001,
  0.005,
  0.01,
  0.05,
  0.1,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
];
/** Probe results, in the order of their counter slots. */
const PROBE_RESULTS = ["ok", "refused", "timeout", "unreachable", "error"] as const;
const PROBE_RESULT_SLOT: Readonly<Record<(typeof PROBE_RESULTS)[number], number>> = {
  ok: 0,
  refused: 1,
  timeout: 2,
  unreachable: 3,
  error: 4,
};

/**
 * A Prometheus histogram over fixed buckets: observing is a short scan and
 * two increments, no allocation; text is made only when rendered.
 */
function histogram(bounds: readonly number[]) {
  const counts = new Float64Array(bounds.length + 1); // the last slot: above every bound
  let sum = 0;
  return {
    observe(seconds: number): void {
      let slot = 0;
      while (slot < bounds.length && seconds > bounds[slot]) slot++;
      counts[slot]++;
      sum += seconds;
    },
    lines(name: string): string[] {
      const out: string[] = [];
      let cumulative = 0;
      for (let slot = 0; slot < bounds.length; slot++) {
        cumulative += counts[slot];
        out.push(`${name}_bucket{le="${bounds[slot]}"} ${cumulative}`);
      }
      cumulative += counts[bounds.length];
      out.push(
        `${name}_bucket{le="+Inf"} ${cumulative}`,
        `${name}_sum ${sum}`,
        `${name}_count ${cumulative}`,
      );
      return out;
    },
  };
}

/** A label value in the exposition format: backslash, double quote and newline escaped. */
function labelValue(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** RCODE names by value (RFC 1035, 2136, 6891, 7873); others are rendered as numbers. */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: "NOERROR",
  1: "FORMERR",
  2: "SERVFAIL",
  3: "NXDOMAIN",
  4: "NOTIMP",
  5: "REFUSED",
  9: "NOTAUTH",
  16: "BADVERS",
  23: "BADCOOKIE",
};
/** Response counter slots per transport: every RCODE below 32 has its own. */
const RCODE_SLOTS = 32;
const TRANSPORTS: readonly Transport[] = ["udp", "tcp"];
const TCP_CLOSE_REASONS: readonly TcpCloseReason[] = [
  "client",
  "idle",
  "slow_query",
  "stalled",
  "framing",
  "reclaimed",
  "connection_limit",
  "source_limit",
  "shutdown",
];
const DROP_REASONS: readonly DropReason[] = ["not_ready", "unanswerable", "error", "rate_limited"];
const COOKIE_RESULTS: readonly CookieResult[] = ["new", "valid", "invalid"];
const COOKIE_SLOT: Readonly<Record<CookieResult, number>> = { new: 0, valid: 1, invalid: 2 };
/** Slot of a transport in the per-query tables (a property read, no search). */
const TRANSPORT_SLOT: Readonly<Record<Transport, number>> = { udp: 0, tcp: 1 };
const REASON_SLOT: Readonly<Record<DropReason, number>> = {
  not_ready: 0,
  unanswerable: 1,
  error: 2,
  rate_limited: 3,
};

/**
 * Per-query counters in a fixed numeric table: counting is an increment, and
 * labels are formatted only when /metrics is rendered. Samples come out in
 * the order their slots were first counted.
 */
function slotCounters(size: number) {
  const counts = new Float64Array(size);
  const firstSeen: number[] = [];
  return {
    add(slot: number): void {
      if (counts[slot]++ === 0) firstSeen.push(slot);
    },
    samples(labels: (slot: number) => string): [string, number][] {
      return firstSeen.map((slot) => [labels(slot), counts[slot]]);
    },
  };
}

/** Creates an empty set of metrics (every counter at zero). */
export function createMetrics(): Metrics {
  const responses = slotCounters(TRANSPORTS.length * RCODE_SLOTS); // slot: transport * 32 + rcode
  const dropped = slotCounters(TRANSPORTS.length * DROP_REASONS.length);
  const builds = new Map<string, number>([["ok", 0], ["failed", 0]]);
  const reloads = new Map<string, number>([["ok", 0], ["failed", 0]]);
  const overrideLoads = new Map<string, number>([["ok", 0], ["failed", 0]]);
  let overridesDown = 0;
  let overridesUp = 0;
  const transfers = new Map<string, number>();
  let transfersInProgress = 0;
  const tsigRejected = new Map<string, number>();
  let secondaries: () => readonly SecondaryMetrics[] = () => [];
  let limited = 0;
  let slipped = 0;
  const cookies = new Float64Array(COOKIE_RESULTS.length);
  const tcpClosed = new Map<TcpCloseReason, number>(TCP_CLOSE_REASONS.map((r) => [r, 0]));
  let tcpOpen = 0;
  let serial = 0;
  let cycleMs = 0;
  let healthy = 0;
  let unhealthy = 0;
  const probeSeconds = histogram(PROBE_BUCKETS);
  const probes = new Float64Array(PROBE_RESULTS.length);
  let becameHealthy = 0;
  let becameUnhealthy = 0;
  const buildSeconds = histogram(BUILD_BUCKETS);
  let configLoadedAt = 0;
  let lastReloadOk = 1;
  let buildInfo: BuildInfoLabels = {
    version: "unknown",
    commit: "unknown",
    runtime: "unknown",
    target: "unknown",
  };

  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  return {
    countResponse(transport, rcode) {
      responses.add(TRANSPORT_SLOT[transport] * RCODE_SLOTS + Math.min(rcode, RCODE_SLOTS - 1));
    },
    countDropped(transport, reason) {
      dropped.add(TRANSPORT_SLOT[transport] * DROP_REASONS.length + REASON_SLOT[reason]);
    },
    countTcpClosed(reason) {
      tcpClosed.set(reason, tcpClosed.get(reason)! + 1);
    },
    setTcpConnections(open) {
      tcpOpen = open;
    },
    setTransfersInProgress(count) {
      transfersInProgress = count;
    },
    countSnapshotBuild(ok) {
      add(builds, ok ? "ok" : "failed");
    },
    setSnapshotSerial(value) {
      serial = value;
    },
    setHealthCycleMs(ms) {
      cycleMs = ms;
    },
    setEndpoints(up, down) {
      healthy = up;
      unhealthy = down;
    },
    countReload(ok) {
      add(reloads, ok ? "ok" : "failed");
      lastReloadOk = ok ? 1 : 0;
    },
    setOverrides(down, up) {
      overridesDown = down;
      overridesUp = up;
    },
    countOverrideLoad(ok) {
      add(overrideLoads, ok ? "ok" : "failed");
    },
    countTransfer(type, outcome) {
      add(transfers, `type="${type}",outcome="${outcome}"`);
    },
    countTsigRejected(error) {
      add(tsigRejected, `error="${error}"`);
    },
    setSecondarySource(source) {
      secondaries = source;
    },
    countRateLimited(wasSlipped) {
      limited++;
      if (wasSlipped) slipped++;
    },
    countCookie(result) {
      cookies[COOKIE_SLOT[result]]++;
    },
    setConfigLoadedAt(ms) {
      configLoadedAt = ms;
    },
    observeProbe(result) {
      probeSeconds.observe(result.ms / 1000);
      probes[result.ok ? 0 : PROBE_RESULT_SLOT[result.reason]]++;
    },
    countStateChange(up) {
      if (up) becameHealthy++;
      else becameUnhealthy++;
    },
    observeZoneBuild(ms) {
      buildSeconds.observe(ms / 1000);
    },
    setBuildInfo(info) {
      buildInfo = info;
    },
    render(scrape) {
      const lines: string[] = [];
      const family = (name: string, type: string, help: string, samples: [string, number][]) => {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
        for (const [labels, value] of samples) {
          lines.push(`${name}${labels ? `{${labels}}` : ""} ${value}`);
        }
      };
      const labelled = (map: Map<string, number>, key: string) =>
        [...map].map(([value, count]): [string, number] => [`${key}="${value}"`, count]);
      family(
        "healthy_dns_responses_total",
        "counter",
        "DNS responses sent, by transport and RCODE.",
        responses.samples((slot) => {
          const rcode = slot % RCODE_SLOTS;
          const transport = TRANSPORTS[Math.floor(slot / RCODE_SLOTS)];
          return `transport="${transport}",rcode="${RCODE_NAMES[rcode] ?? rcode}"`;
        }),
      );
      family(
        "healthy_dns_dropped_total",
        "counter",
        "Queries dropped without a response, by transport and reason.",
        dropped.samples((slot) => {
          const transport = TRANSPORTS[Math.floor(slot / DROP_REASONS.length)];
          return `transport="${transport}",reason="${DROP_REASONS[slot % DROP_REASONS.length]}"`;
        }),
      );
      family(
        "healthy_dns_tcp_closed_total",
        "counter",
        "TCP connections closed or refused, by reason.",
        labelled(tcpClosed, "reason"),
      );
      family("healthy_dns_tcp_connections", "gauge", "TCP connections open now.", [["", tcpOpen]]);
      family(
        "healthy_dns_snapshot_builds_total",
        "counter",
        "Zone snapshot builds, by outcome.",
        labelled(builds, "outcome"),
      );
      family("healthy_dns_snapshot_serial", "gauge", "SOA serial of the zone being served.", [[
        "",
        serial,
      ]]);
      family(
        "healthy_dns_health_cycle_seconds",
        "gauge",
        "Duration of the last health-check cycle.",
        [["", cycleMs / 1000]],
      );
      family("healthy_dns_endpoints", "gauge", "Health-checked endpoints, by current state.", [[
        'state="healthy"',
        healthy,
      ], ['state="unhealthy"', unhealthy]]);
      family(
        "healthy_dns_reloads_total",
        "counter",
        "Configuration reloads (SIGHUP), by outcome.",
        labelled(reloads, "outcome"),
      );
      family(
        "healthy_dns_overrides",
        "gauge",
        "Operator overrides in force, by what they force.",
        [['state="down"', overridesDown], ['state="up"', overridesUp]],
      );
      family(
        "healthy_dns_override_file_loads_total",
        "counter",
        "Reads of the operator override file after a change, by outcome (failed: rejected, the previous overrides stay).",
        labelled(overrideLoads, "outcome"),
      );
      family(
        "healthy_dns_zone_transfers_in_progress",
        "gauge",
        "Zone transfers in progress now: their last message not yet out (transfer.max_transfers caps them).",
        [["", transfersInProgress]],
      );
      family(
        "healthy_dns_zone_transfers_total",
        "counter",
        "Zone transfer requests answered, by type (axfr, ixfr, ixfr_full: IXFR answered with the whole zone, ixfr_current, ixfr_udp) and outcome (ok when the last message is out; busy: refused over a transfer cap; aborted: the connection went first).",
        [...transfers],
      );
      family(
        "healthy_dns_tsig_rejected_total",
        "counter",
        "TSIG-signed requests rejected, by TSIG error.",
        [...tsigRejected],
      );
      const rows = secondaries();
      const perSecondary = (value: (row: SecondaryMetrics) => number | null) =>
        rows.flatMap((row): [string, number][] => {
          const v = value(row);
          return v === null ? [] : [[`secondary="${row.secondary}"`, v]];
        });
      family(
        "healthy_dns_secondary_notify_acked_serial",
        "gauge",
        "Serial of the last NOTIFY each secondary acknowledged.",
        perSecondary((row) => row.notifyAckedSerial),
      );
      family(
        "healthy_dns_secondary_notify_acked_timestamp_seconds",
        "gauge",
        "When each secondary last acknowledged a NOTIFY (Unix time).",
        perSecondary((row) => row.notifyAckedAt === null ? null : row.notifyAckedAt / 1000),
      );
      family(
        "healthy_dns_secondary_transferred_serial",
        "gauge",
        "Serial each secondary last transferred (or reported holding in an IXFR request).",
        perSecondary((row) => row.transferredSerial),
      );
      family(
        "healthy_dns_secondary_lag_seconds",
        "gauge",
        "Seconds since the serial being served was published, for a secondary that has not transferred it yet; 0 when current.",
        perSecondary((row) => row.lagSeconds),
      );
      family(
        "healthy_dns_rrl_limited_total",
        "counter",
        "UDP responses over the rate limit (dropped or slipped).",
        [["", limited]],
      );
      family(
        "healthy_dns_rrl_slipped_total",
        "counter",
        "Rate-limited UDP responses sent truncated (TC=1) or as BADCOOKIE instead of dropped.",
        [["", slipped]],
      );
      family(
        "healthy_dns_cookies_total",
        "counter",
        "Queries with a DNS cookie, by result: new (client cookie only), valid, invalid.",
        COOKIE_RESULTS.map((result, slot) => [`result="${result}"`, cookies[slot]]),
      );
      family(
        "healthy_dns_config_last_reload_successful",
        "gauge",
        "Whether the last configuration reload succeeded (1) or failed (0).",
        [["", lastReloadOk]],
      );
      family(
        "healthy_dns_config_last_reload_success_timestamp_seconds",
        "gauge",
        "When the configuration was last loaded successfully (start-up or SIGHUP).",
        [["", configLoadedAt / 1000]],
      );
      family(
        "healthy_dns_endpoint_up",
        "gauge",
        "Whether a health-checked address of a name is up (1) or down (0), by name, address and port.",
        (scrape?.endpoints ?? []).map((e): [string, number] => [
          `name="${labelValue(e.name)}",address="${labelValue(e.address)}",port="${e.port}"`,
          e.up ? 1 : 0,
        ]),
      );
      lines.push(
        "# HELP healthy_dns_probe_duration_seconds Duration of health probes (TCP connects), successful or not.",
        "# TYPE healthy_dns_probe_duration_seconds histogram",
        ...probeSeconds.lines("healthy_dns_probe_duration_seconds"),
      );
      family(
        "healthy_dns_probes_total",
        "counter",
        "Health probes, by result: ok, refused, timeout, unreachable or error.",
        PROBE_RESULTS.map((result, slot): [string, number] => [`result="${result}"`, probes[slot]]),
      );
      family(
        "healthy_dns_endpoint_state_changes_total",
        "counter",
        "Endpoints turning healthy or unhealthy (after rise/fall), by the state entered.",
        [['to="healthy"', becameHealthy], ['to="unhealthy"', becameUnhealthy]],
      );
      lines.push(
        "# HELP healthy_dns_zone_build_duration_seconds Duration of zone snapshot builds.",
        "# TYPE healthy_dns_zone_build_duration_seconds histogram",
        ...buildSeconds.lines("healthy_dns_zone_build_duration_seconds"),
      );
      family(
        "healthy_dns_build_info",
        "gauge",
        "Version, git commit, runtime and target of this build.",
        [[
          `version="${labelValue(buildInfo.version)}",commit="${labelValue(buildInfo.commit)}",` +
          `runtime="${labelValue(buildInfo.runtime)}",target="${labelValue(buildInfo.target)}"`,
          1,
        ]],
      );
      const stats = scrape?.process;
      if (stats) {
        const known = (name: string, type: string, help: string, value: number | null) => {
          if (value !== null) family(name, type, help, [["", value]]);
        };
        known(
          "process_resident_memory_bytes",
          "gauge",
          "Resident memory size in bytes.",
          stats.residentBytes,
        );
        known(
          "process_virtual_memory_bytes",
          "gauge",
          "Virtual memory size in bytes.",
          stats.virtualBytes,
        );
        known(
          "process_cpu_seconds_total",
          "counter",
          "Total user and system CPU time spent in seconds.",
          stats.cpuSeconds,
        );
        known(
          "process_start_time_seconds",
          "gauge",
          "Start time of the process since unix epoch in seconds.",
          stats.startTimeSeconds,
        );
        known("process_open_fds", "gauge", "Number of open file descriptors.", stats.openFds);
        known(
          "process_max_fds",
          "gauge",
          "Maximum number of open file descriptors.",
          stats.maxFds,
        );
      }
      return lines.join("\n") + "\n";
    },
  };
}
