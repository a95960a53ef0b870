import { SEND } from "../abuse/rate_limiter.ts";
import type { Config } from "../config/config.ts";
import { ConfigError, settingError } from "../config/config_error.ts";
import {
  NO_OVERRIDES,
  type OperatorOverride,
  type OverrideLookup,
} from "../config/operator_overrides.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import type { HealthView } from "../health/health_state.ts";
import { buildInfo } from "../observe/build_info.ts";
import type { Logger } from "../observe/logger.ts";
import { createMetrics, type Metrics } from "../observe/metrics.ts";
import { type ServerStatus, serverStatus } from "../observe/server_status.ts";
import type { RemoteAddress, Runtime, TcpListener, UdpHandler } from "../runtime/runtime.ts";
import { createTransferService } from "../transfer/transfer_service.ts";
import { collectEndpoints } from "../health/endpoints.ts";
import { DNS } from "../wire/dns_constants.ts";
import { bindDnsListener } from "./bind_dns_listener.ts";
import { bindErrorReason } from "./bind_error_reason.ts";
import { createCoalescingRunner } from "./coalescing_runner.ts";
import { configWarnings } from "./config_warnings.ts";
import { countEndpoints } from "./count_endpoints.ts";
import { endpointUps } from "./endpoint_ups.ts";
import { createOverrideWatcher } from "./override_watcher.ts";
import { formatAddress } from "./format_address.ts";
import { createHttpHandler } from "./http_handler.ts";
import { createHttpSessions, type HttpSessions } from "./http_server.ts";
import { createListenerSet } from "./listener_set.ts";
import { loadConfiguredKey } from "./load_configured_key.ts";
import { loadCookieSecrets, randomCookieSecret } from "./load_cookie_secrets.ts";
import { createQueryGuard, NO_GUARD, type QueryGuard } from "./query_guard.ts";
import { createQueryHandler } from "./query_handler.ts";
import type { HealthMonitorControl, ServerDeps, SnapshotTiming, Transport } from "./server_deps.ts";
import { readSerialState, writeSerialState } from "./serial_state.ts";
import { startupLine } from "./startup_line.ts";
import { createTcpSessions } from "./tcp_sessions.ts";

/**
 * Why a zone build ran: start-up, a health change, an operator override
 * change, a reload, the signatures' refresh time, or a retry after a failed build.
 */
type BuildReason = "pending" | "start" | "health" | "override" | "reload" | "refresh" | "retry";

/** Delay before retrying a failed rebuild while an older zone keeps serving. */
const BUILD_RETRY_MS = 30_000;
/** setTimeout's largest delay (about 24.8 days); a later refreshAt just fires early. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Shortest delay before a refresh rebuild, so a refreshAt already past cannot spin the builder. */
const MIN_REFRESH_MS = 1_000;

/** What `startDnsServer` needs. */
export interface DnsServerOptions<S extends SnapshotTiming> {
  /** The configuration to start with. Port 0 in `listen` (tests) binds an ephemeral port. */
  readonly config: Config;
  readonly runtime: Runtime;
  readonly logger: Logger;
  readonly deps: ServerDeps<S>;
  /** Re-reads the configuration the same way it was first read; used by `reload()`. */
  readonly reloadConfig: () => Promise<Config>;
  readonly metrics?: Metrics;
}

/** A running server. */
export interface DnsServer {
  /** Bound DNS addresses (UDP and TCP share each one), real ports. */
  readonly addresses: readonly RemoteAddress[];
  /** Bound HTTP address, or null without `--http`. */
  readonly httpAddress: RemoteAddress | null;
  /** SOA serial of the zone being served. */
  readonly serial: number;
  /** Operator overrides in force (src/server/override_watcher.ts). */
  readonly overrides: readonly OperatorOverride[];
  readonly metrics: Metrics;
  /** The /status report, made now. */
  status(): ServerStatus;
  /**
   * Re-reads the configuration (SIGHUP). On any error logs one line, keeps the
   * old configuration and zone serving and resolves false; on success applies
   * it (rebinding listen addresses that changed), rebuilds the zone and
   * resolves true once the new zone serves. Reloads run one at a time.
   */
  reload(): Promise<boolean>;
  /** Closes every listener and connection and stops probing at once. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stops gracefully (SIGTERM): with a lame-duck delay configured, keeps
   * answering DNS that long while /healthz answers 503, then stops. Resolves
   * once stopped; `stop()` meanwhile cuts the delay short.
   */
  shutdown(): Promise<void>;
}

/**
 * Starts the server, in this order: bind UDP+TCP on every listen address (and
 * HTTP when configured), load the DNSSEC key, read the operator overrides
 * (a malformed override file stops start-up like a bad config), run the
 * first health cycle, build the first zone snapshot, then log one `ready`
 * line and start watching the override file. While the first cycle runs, a
 * pending snapshot (built with health null) answers: SERVFAIL for every name
 * with a probed record, everything else as usual. Queries arriving before
 * the first snapshot, pending or not, are dropped. Afterwards the zone is rebuilt, one
 * build at a time and coalesced, on every health change, every change of
 * the overrides in force, and at the
 * snapshot's `refreshAt` (DNSSEC re-signing); each new snapshot replaces the
 * current one in a single assignment.
 *
 * @throws ConfigError for user-fixable problems (address in use, bad key);
 *   anything else (e.g. the first build failing) as is. Nothing stays open.
 */
export async function startDnsServer<S extends SnapshotTiming>(
  options: DnsServerOptions<S>,
): Promise<DnsServer> {
  const { runtime, logger, deps } = options;
  const metrics = options.metrics ?? createMetrics();
  let config = options.config;
  let current: S | null = null;
  /** When `current` was built, and from which health (what /status says it serves). */
  let builtAt = 0;
  let servedHealth: HealthView | null = null;
  let servedOverrides: OverrideLookup = NO_OVERRIDES;
  let health: HealthView | null = null;
  let key: SigningKey | null = null;
  let monitor: HealthMonitorControl | null = null;
  let http: TcpListener | null = null;
  let httpSessions: HttpSessions | null = null;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastBuildError: unknown = null;
  /** Why the last built zone could not be made durable (and so is not served); null when it was. */
  let stateError: string | null = null;
  const overrides = createOverrideWatcher({
    config: () => config,
    readStateFile: runtime.readStateFile,
    statFile: runtime.statFile,
    clock: runtime.clock,
    logger,
    metrics,
    onChange: () => void rebuild("override"),
  });
  /** The serial the last run published (state file), for the first build to exceed. */
  let lastSerial: number | null = null;
  let stopped = false;
  /** In the lame-duck delay: still answering, /healthz says 503. */
  let draining = false;
  let lameDuckTimer: ReturnType<typeof setTimeout> | undefined;
  let endLameDuck: () => void = () => {};
  let reloading: Promise<boolean> = Promise.resolve(true);
  let guard: QueryGuard = NO_GUARD;
  /** The cookie secret of this process when none is configured or kept: the same across reloads. */
  const processSecret = randomCookieSecret();

  // A getter, because TypeScript does not see the runner's closure assign `current`.
  const serving = (): S | null => current;
  const handle = createQueryHandler(serving, deps.answerQuery, metrics, logger, () => guard);
  // Zone transfers and TSIG-signed queries take their own path; without a
  // `transfer` config `wants` is false at once and queries go straight to `handle`.
  const transfer = createTransferService({
    config: () => config,
    current: serving,
    answerQuery: deps.answerQuery,
    bindUdp: (hostname, port, onReply) => runtime.bindUdp(hostname, port, onReply),
    clock: runtime.clock,
    logger,
    metrics,
  });
  metrics.setSecondarySource(transfer.status);
  const viaTransfer = (query: Uint8Array, transport: Transport, from: RemoteAddress) => {
    try {
      const response = transfer.answer(query, transport, from);
      if (response !== null && !(response instanceof Uint8Array)) {
        // A transfer's stream (TCP only): its messages are made as the client reads, all NOERROR.
        metrics.countResponse(transport, DNS.RCODE_NOERROR);
        return response;
      }
      const first = response;
      if (first === null || first.length < 4) {
        metrics.countDropped(transport, "unanswerable");
        return null;
      }
      // Over UDP the rate limit applies here too (forged TSIG records must not reflect unlimited).
      const { limiter, clock } = guard;
      if (
        transport === "udp" && limiter !== null &&
        limiter.decide(from.hostname, first, clock.monotonic()) !== SEND
      ) {
        metrics.countRateLimited(false);
        metrics.countDropped(transport, "rate_limited");
        return null;
      }
      metrics.countResponse(transport, first[3] & 0x0f);
      return response;
    } catch (error) {
      metrics.countDropped(transport, "error");
      logger.error("transfer path failed; request dropped", { error: String(error) });
      return null;
    }
  };
  const tcp = createTcpSessions({
    limits: () => config.tcp,
    answer: (query, from) =>
      transfer.wants(query) ? viaTransfer(query, "tcp", from) : handle(query, "tcp", from.hostname),
    metrics,
    now: () => runtime.clock.monotonic(),
    // After the loop has polled for I/O: UDP gets its turn between TCP batches.
    defer: (task) => setImmediate(task),
  });
  const onDatagram: UdpHandler = (data, from, endpoint) => {
    const response = transfer.wants(data)
      ? (viaTransfer(data, "udp", from) as Uint8Array | null)
      : handle(data, "udp", from.hostname);
    if (response === null) return;
    try {
      endpoint.send(response, from);
    } catch (error) {
      logger.debug("UDP send failed", { to: formatAddress(from), error: String(error) });
    }
  };
  const listeners = createListenerSet((address) =>
    bindDnsListener(runtime, address, config.origins.listen, onDatagram, tcp)
  );

  /** Why the zone is to be rebuilt, since the last build started (several requests coalesce). */
  const reasons = new Set<BuildReason>();
  /** When the oldest change not yet in a served zone became known (ms, monotonic), for the log. */
  let changedAt: number | null = null;
  const rebuild = (reason: BuildReason): Promise<void> => {
    reasons.add(reason);
    changedAt ??= runtime.clock.monotonic();
    return runner.request();
  };
  const scheduleRebuild = (at: number | null, reason: BuildReason) => {
    clearTimeout(refreshTimer);
    if (at === null) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_MS, at - runtime.clock.now()));
    refreshTimer = setTimeout(() => void rebuild(reason), wait);
  };
  const runner = createCoalescingRunner(async () => {
    // Before the first health round only the pending zone is built, once.
    if (stopped || (health === null && current !== null)) return;
    const reason = [...reasons].join(",");
    reasons.clear();
    const startedAt = runtime.clock.monotonic();
    const since = changedAt ?? startedAt;
    changedAt = null;
    const from = health;
    const forced = overrides.lookup;
    try {
      const next = await deps.buildSnapshot({
        config,
        health: from,
        now: runtime.clock.now(),
        previous: current,
        lastSerial: current === null ? lastSerial : undefined,
        key,
        overrides: forced,
        // Blocking collections between build phases lower the start-up peak; later builds run beside queries.
        collectGarbage: current === null ? runtime.collectGarbage : undefined,
      });
      if (stopped) return;
      const ms = runtime.clock.monotonic() - startedAt;
      metrics.observeZoneBuild(ms);
      logger.debug("zone build", { reason, ms: Math.round(ms), changed: next !== current });
      const before = current;
      if (next !== before) {
        // Durable before it serves, so a restart can never publish a lower serial: a serial
        // that cannot be kept is never served (the last kept zone serves on).
        if (config.stateDir !== null) {
          try {
            await writeSerialState(config.stateDir, next.serial, runtime.replaceFile);
            stateError = null;
          } catch (error) {
            if (stopped) return;
            stateError = `cannot keep the serial ${next.serial}: ${
              error instanceof Error ? error.message : String(error)
            }`;
            throw new ConfigError(config.origins.stateDir, stateError);
          }
          if (stopped) return;
        }
        // ms: from the change being known to the new zone serving (waiting for a build in flight included).
        logger.info("zone built", {
          serial: next.serial,
          reason,
          ms: Math.round((runtime.clock.monotonic() - since) * 100) / 100,
        });
        builtAt = runtime.clock.now();
      }
      current = next;
      servedHealth = from;
      if (next !== before) transfer.published(before, next);
      servedOverrides = forced;
      metrics.countSnapshotBuild(true);
      metrics.setSnapshotSerial(next.serial);
      scheduleRebuild(next.refreshAt, "refresh");
    } catch (error) {
      lastBuildError = error;
      metrics.observeZoneBuild(runtime.clock.monotonic() - startedAt);
      metrics.countSnapshotBuild(false);
      if (current === null) return; // start-up reports it
      logger.error("zone build failed; the previous zone keeps serving", {
        error: error instanceof ConfigError ? error.message : String(error),
        retryMs: BUILD_RETRY_MS,
      });
      scheduleRebuild(runtime.clock.now() + BUILD_RETRY_MS, "retry");
    }
  });
  const setHealth = (view: HealthView) => {
    health = view;
    const { healthy, unhealthy } = countEndpoints(config, view);
    metrics.setEndpoints(healthy, unhealthy);
  };

  /** What `checkconf` calls warnings, one line each: valid, but probably not what was meant. */
  const logWarnings = async (config: Config, key: SigningKey | null) => {
    const keyFile = config.dnssec === null
      ? null
      : await runtime.statFile(config.dnssec.keyPath).catch(() => null);
    for (const warning of configWarnings(config, key, keyFile)) logger.warning(warning);
  };

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    endLameDuck();
    stopping ??= (async () => {
      stopped = true;
      clearTimeout(refreshTimer);
      transfer.stop();
      listeners.close();
      tcp.closeAll();
      http?.close();
      httpSessions?.closeAll();
      overrides.stop();
      await monitor?.stop();
      await runner.idle();
      clearTimeout(refreshTimer);
    })();
    return stopping;
  };

  const applyReload = async (): Promise<boolean> => {
    if (stopped) return false;
    let next: Config;
    let nextKey: SigningKey | null;
    let nextGuard: QueryGuard;
    try {
      next = await options.reloadConfig();
      nextKey = await loadConfiguredKey(next, runtime.readTextFile, deps.loadSigningKey);
      const { secrets } = await loadCookieSecrets(
        next.cookies,
        next.stateDir,
        runtime,
        processSecret,
      );
      nextGuard = createQueryGuard(next.rateLimit, secrets, runtime.clock, guard);
      if (stopped) return false;
      await listeners.update(next.listen);
    } catch (error) {
      metrics.countReload(false);
      const message = error instanceof Error ? error.message : String(error);
      logger.error("reload failed, still serving the previous configuration", {
        error: message.split("\n")[0],
      });
      return false;
    }
    if (JSON.stringify(next.http) !== JSON.stringify(config.http)) {
      logger.warning("reload: an --http change takes effect only after a restart");
    }
    if (next.logFormat !== config.logFormat) {
      logger.warning("reload: a --log-format change takes effect only after a restart");
    }
    if (next.logLevel !== logger.level) {
      logger.info("log level changed", { from: logger.level, to: next.logLevel });
      logger.setLevel(next.logLevel);
    }
    config = next;
    key = nextKey;
    await logWarnings(config, key);
    guard = nextGuard;
    if (monitor !== null) setHealth(monitor.updateConfig(next));
    await rebuild("reload");
    runtime.collectGarbage?.(); // the old zone and the config parse
    metrics.countReload(true);
    metrics.setConfigLoadedAt(runtime.clock.now());
    logger.info("configuration reloaded", {
      listen: listeners.addresses.map(formatAddress).join(","),
      serial: serving()?.serial,
    });
    return true;
  };

  const build = buildInfo(runtime);
  const runtimeLabel = `${build.runtime} ${build.runtimeVersion}`;
  metrics.setBuildInfo({
    version: build.version,
    commit: build.commit ?? "from source",
    runtime: runtimeLabel,
    target: build.target,
  });
  metrics.setConfigLoadedAt(runtime.clock.now());
  const phase = () =>
    stopped || draining
      ? "stopping"
      : current === null || servedHealth === null
      ? "starting"
      : "serving";
  const status = (): ServerStatus => {
    const zone = serving();
    return serverStatus({
      config,
      phase: phase(),
      now: runtime.clock.now(),
      version: build.version,
      runtime: runtimeLabel,
      zone: zone === null ? null : { serial: zone.serial, builtAt },
      stale: stateError,
      servedHealth,
      servedOverrides,
      overrides: overrides.lookup,
      endpoints: monitor?.endpointStatus() ?? [],
      lastCycleMs: monitor?.cycleDurationMs ?? null,
      secondaries: config.transfer === null ? undefined : transfer.status(),
    });
  };
  try {
    await listeners.update(config.listen);
    if (config.http !== null) {
      const at = config.http;
      const handler = createHttpHandler({
        phase,
        stale: () => stateError,
        metrics: () => {
          if (monitor?.cycleDurationMs != null) metrics.setHealthCycleMs(monitor.cycleDurationMs);
          return metrics.render({
            endpoints: health === null ? [] : endpointUps(config, health),
            process: runtime.processStats(),
          });
        },
        status,
        statusInputs: () => [
          phase(),
          config,
          serving(),
          builtAt,
          servedHealth,
          servedOverrides,
          overrides.lookup,
          stateError,
          monitor?.cycleDurationMs,
          config.transfer === null ? null : JSON.stringify(transfer.status()),
        ],
      });
      httpSessions = createHttpSessions({
        handler,
        limits: () => config.httpLimits,
        clock: runtime.clock,
      });
      http = await runtime.listenTcp(at.hostname, at.port, httpSessions).catch((error) => {
        throw settingError(config.origins.http, formatAddress(at), bindErrorReason(error));
      });
    }
    key = await loadConfiguredKey(config, runtime.readTextFile, deps.loadSigningKey);
    const cookieSecrets = await loadCookieSecrets(
      config.cookies,
      config.stateDir,
      runtime,
      processSecret,
    );
    guard = createQueryGuard(config.rateLimit, cookieSecrets.secrets, runtime.clock);
    const started = startupLine(build, config, key, cookieSecrets.source);
    logger.info(started.message, started.fields);
    await logWarnings(config, key);
    await overrides.load();
    if (config.stateDir !== null) {
      lastSerial = await readSerialState(config.stateDir, runtime.readStateFile, logger.warning);
    }
    monitor = deps.createHealthMonitor(config, runtime.dial, runtime.clock, logger, (view) => {
      setHealth(view);
      void rebuild("health");
    }, metrics);
    const firstRound = monitor.start();
    firstRound.catch(() => {}); // awaited below; not unhandled while the pending zone builds
    // Until the first round decides, a pending zone answers: SERVFAIL for probed names, the rest as usual.
    if (collectEndpoints(config).length > 0) await rebuild("pending");
    setHealth(await firstRound);
    // The config's parse and the first health cycle's sockets, before the build allocates.
    runtime.collectGarbage?.();
    await rebuild("start");
    if (servedHealth === null) {
      if (lastBuildError instanceof ConfigError) throw lastBuildError;
      throw new Error(`first zone build failed: ${String(lastBuildError)}`);
    }
    runtime.collectGarbage?.(); // the build's scratch space
  } catch (error) {
    await stop();
    throw error;
  }

  overrides.start();
  logger.info("ready", {
    listen: listeners.addresses.map(formatAddress).join(","),
    http: http === null ? undefined : formatAddress(http.local),
    zone: config.hostedZone,
    serial: serving()?.serial,
  });

  return {
    get addresses() {
      return listeners.addresses;
    },
    get httpAddress() {
      return http?.local ?? null;
    },
    get overrides() {
      return overrides.active;
    },
    get serial() {
      return serving()?.serial ?? 0;
    },
    metrics,
    status,
    reload() {
      // applyReload reports its own errors; the catch only keeps the chain alive for the next SIGHUP.
      reloading = reloading.then(applyReload).catch((error) => {
        logger.error("reload failed unexpectedly", { error: String(error) });
        return false;
      });
      return reloading;
    },
    stop,
    shutdown() {
      const delayMs = config.lameDuckMs;
      if (stopped || draining || delayMs === 0) return stop();
      draining = true;
      logger.info("lame duck: still answering DNS, /healthz answers 503", { ms: delayMs });
      return new Promise<void>((resolve) => {
        endLameDuck = () => {
          clearTimeout(lameDuckTimer);
          endLameDuck = () => {};
          resolve();
        };
        lameDuckTimer = setTimeout(endLameDuck, delayMs);
      }).then(stop);
    },
  };
}
