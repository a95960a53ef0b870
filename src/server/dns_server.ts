import { type Config, ConfigError, settingError } from "../config/config.ts";
import type { OperatorOverride } from "../config/overrides.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import type { HealthView } from "../health/health_state.ts";
import { collectEndpoints } from "../health/endpoints.ts";
import { buildInfo } from "../observe/build_info.ts";
import type { Logger } from "../observe/logger.ts";
import { createMetrics, type Metrics } from "../observe/metrics.ts";
import type { RemoteAddress, Runtime, TcpListener, UdpHandler } from "../runtime/runtime.ts";
import { createTransferService } from "../transfer/transfer_service.ts";
import { createDispatch, createQueryGuard, NO_GUARD, type QueryGuard } from "./dispatch.ts";
import { createHttpHandler, type ServerPhase } from "./http.ts";
import { createHttpSessions, type HttpSessions } from "./http_server.ts";
import { bindDnsListener, bindErrorReason, createListenerSet, formatAddress } from "./listeners.ts";
import { createOverrideWatcher } from "./override_watcher.ts";
import {
  configWarnings,
  loadConfiguredKey,
  loadCookieSecrets,
  randomCookieSecret,
} from "./preflight.ts";

import { readSerialState } from "./serial_state.ts";
import type { HealthMonitorControl, ServerDeps, SnapshotTiming } from "./server_deps.ts";
import {
  countEndpoints,
  endpointUps,
  type ServerStatus,
  serverStatus,
  startupLine,
} from "./status.ts";
import { createTcpSessions } from "./tcp_sessions.ts";
import { createZoneRebuilds } from "./zone_rebuilds.ts";

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
  let health: HealthView | null = null;
  let key: SigningKey | null = null;
  let monitor: HealthMonitorControl | null = null;
  let http: TcpListener | null = null;
  let httpSessions: HttpSessions | null = null;
  let guard: QueryGuard = NO_GUARD;
  /** The serial the last run published (state file), for the first build to exceed. */
  let lastSerial: number | null = null;
  let stopped = false;
  /** In the lame-duck delay: still answering, /healthz says 503. */
  let draining = false;
  let lameDuckTimer: ReturnType<typeof setTimeout> | undefined;
  let endLameDuck: () => void = () => {};
  let reloading: Promise<boolean> = Promise.resolve(true);
  /** The cookie secret of this process when none is configured or kept: the same across reloads. */
  const processSecret = randomCookieSecret();

  // The zone: rebuilt on health, override and config changes and at its refresh time.
  const overrides = createOverrideWatcher({
    config: () => config,
    readStateFile: runtime.readStateFile,
    statFile: runtime.statFile,
    clock: runtime.clock,
    logger,
    metrics,
    onChange: () => void zone.rebuild("override"),
  });
  // Zone transfers and TSIG-signed queries take their own path; without a
  // `transfer` config `wants` is false at once and every query is answered.
  const transfer = createTransferService({
    config: () => config,
    current: () => zone.current,
    answerQuery: deps.answerQuery,
    bindUdp: (hostname, port, onReply) => runtime.bindUdp(hostname, port, onReply),
    clock: runtime.clock,
    logger,
    metrics,
  });
  metrics.setSecondarySource(transfer.status);
  const zone = createZoneRebuilds<S>({
    config: () => config,
    health: () => health,
    key: () => key,
    overrides: () => overrides.lookup,
    lastSerial: () => lastSerial,
    buildSnapshot: deps.buildSnapshot,
    runtime,
    metrics,
    logger,
    published: (before, after) => transfer.published(before, after),
  });
  const setHealth = (view: HealthView) => {
    health = view;
    const { healthy, unhealthy } = countEndpoints(config, view);
    metrics.setEndpoints(healthy, unhealthy);
  };

  // The sockets: every query goes through the one dispatch.
  const dispatch = createDispatch({
    current: () => zone.current,
    answerQuery: deps.answerQuery,
    transfer,
    guard: () => guard,
    metrics,
    logger,
  });
  const tcp = createTcpSessions({
    limits: () => config.tcp,
    answer: (query, from) => dispatch(query, "tcp", from),
    metrics,
    now: () => runtime.clock.monotonic(),
    // After the loop has polled for I/O: UDP gets its turn between TCP batches.
    defer: (task) => runtime.deferAfterIo(task),
  });
  const onDatagram: UdpHandler = (data, from, endpoint) => {
    // Over UDP the transfer path answers with one message, never a stream.
    const response = dispatch(data, "udp", from) as Uint8Array | null;
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
      const builds = zone.stop();
      transfer.stop();
      listeners.close();
      tcp.closeAll();
      http?.close();
      httpSessions?.closeAll();
      overrides.stop();
      await monitor?.stop();
      await builds;
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
    await zone.rebuild("reload");
    runtime.collectGarbage?.(); // the old zone and the config parse
    metrics.countReload(true);
    metrics.setConfigLoadedAt(runtime.clock.now());
    logger.info("configuration reloaded", {
      listen: listeners.addresses.map(formatAddress).join(","),
      serial: zone.current?.serial,
    });
    return true;
  };

  // What /status, /metrics and /healthz report.
  const build = buildInfo(runtime);
  const runtimeLabel = `${build.runtime} ${build.runtimeVersion}`;
  metrics.setBuildInfo({
    version: build.version,
    commit: build.commit ?? "from source",
    runtime: runtimeLabel,
    target: build.target,
  });
  metrics.setConfigLoadedAt(runtime.clock.now());
  const phase = (): ServerPhase =>
    stopped || draining
      ? "stopping"
      : zone.current === null || zone.servedHealth === null
      ? "starting"
      : "serving";
  const status = (): ServerStatus => {
    const serving = zone.current;
    return serverStatus({
      config,
      phase: phase(),
      now: runtime.clock.now(),
      version: build.version,
      runtime: runtimeLabel,
      zone: serving === null ? null : { serial: serving.serial, builtAt: zone.builtAt },
      stale: zone.stale,
      servedHealth: zone.servedHealth,
      servedOverrides: zone.servedOverrides,
      overrides: overrides.lookup,
      endpoints: monitor?.endpointStatus() ?? [],
      lastCycleMs: monitor?.cycleDurationMs ?? null,
      secondaries: config.transfer === null ? undefined : transfer.status(),
    });
  };
  /** Serves /healthz, /metrics, /status and the status page on the `--http` address. */
  const openHttp = async (at: { readonly hostname: string; readonly port: number }) => {
    const handler = createHttpHandler({
      phase,
      stale: () => zone.stale,
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
        zone.current,
        zone.builtAt,
        zone.servedHealth,
        zone.servedOverrides,
        overrides.lookup,
        zone.stale,
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
  };

  /** Everything before `ready`, in the order the doc comment above gives. */
  const startUp = async () => {
    await listeners.update(config.listen);
    if (config.http !== null) await openHttp(config.http);
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
      void zone.rebuild("health");
    }, metrics);
    const firstRound = monitor.start();
    firstRound.catch(() => {}); // awaited below; not unhandled while the pending zone builds
    // Until the first round decides, a pending zone answers: SERVFAIL for probed names, the rest as usual.
    if (collectEndpoints(config).length > 0) await zone.rebuild("pending");
    setHealth(await firstRound);
    // The config's parse and the first health cycle's sockets, before the build allocates.
    runtime.collectGarbage?.();
    await zone.rebuild("start");
    if (zone.servedHealth === null) {
      if (zone.lastError instanceof ConfigError) throw zone.lastError;
      throw new Error(`first zone build failed: ${String(zone.lastError)}`);
    }
    runtime.collectGarbage?.(); // the build's scratch space
  };
  try {
    await startUp();
  } catch (error) {
    await stop();
    throw error;
  }

  overrides.start();
  logger.info("ready", {
    listen: listeners.addresses.map(formatAddress).join(","),
    http: http === null ? undefined : formatAddress((http as TcpListener).local),
    zone: config.hostedZone,
    serial: zone.current?.serial,
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
      return zone.current?.serial ?? 0;
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
