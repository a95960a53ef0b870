/**
 * Zone rebuilds: the server's one writer of snapshots. Builds run one at a
 * time and coalesce (a coalescing runner); each new snapshot is made durable
 * (its serial in the state directory) before it replaces the served one in a
 * single assignment; the signatures' refresh time and a failed build schedule
 * the next one.
 */
import { type Config, ConfigError } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup } from "../config/overrides.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import type { HealthView } from "../health/health_state.ts";
import type { Logger } from "../observe/logger.ts";
import type { Metrics } from "../observe/metrics.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { writeSerialState } from "./serial_state.ts";
import type { ServerDeps, SnapshotTiming } from "./server_deps.ts";

/** Runs one async task at a time, folding requests made meanwhile into one re-run. */
export interface CoalescingRunner {
  /**
   * Asks for a run. Resolves once a run that started after this request has
   * finished (a run already in flight started too early to count).
   */
  request(): Promise<void>;
  /** Resolves when nothing is running or queued. */
  idle(): Promise<void>;
}

/**
 * Serialises `task`: never two runs at once, and any number of requests made
 * during a run cause exactly one more run after it. Used for zone rebuilds,
 * where only the newest inputs matter. `task` reports its own errors; a
 * rejection is swallowed here so one failed build cannot stall later ones.
 */
export function createCoalescingRunner(task: () => Promise<void>): CoalescingRunner {
  let requested = 0;
  let started = 0;
  let loop: Promise<void> | null = null;
  const waiters: { upTo: number; resolve: () => void }[] = [];

  const drive = async (): Promise<void> => {
    while (started < requested) {
      const covers = requested;
      started = covers;
      await task().catch(() => {});
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].upTo <= covers) waiters.splice(i, 1)[0].resolve();
      }
    }
    loop = null;
  };

  return {
    request() {
      const upTo = ++requested;
      const done = new Promise<void>((resolve) => waiters.push({ upTo, resolve }));
      loop ??= drive();
      return done;
    },
    async idle() {
      while (loop !== null) await loop;
    },
  };
}

/**
 * Why a zone build ran: start-up, a health change, an operator override
 * change, a reload, the signatures' refresh time, or a retry after a failed build.
 */
export type BuildReason =
  | "pending"
  | "start"
  | "health"
  | "override"
  | "reload"
  | "refresh"
  | "retry";

/** Delay before retrying a failed rebuild while an older zone keeps serving. */
const BUILD_RETRY_MS = 30_000;
/** setTimeout's largest delay (about 24.8 days); a later refreshAt just fires early. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Shortest delay before a refresh rebuild, so a refreshAt already past cannot spin the builder. */
const MIN_REFRESH_MS = 1_000;

/** What the rebuilds read, each at the start of a build (so a reload applies to the next one). */
export interface ZoneRebuildsOptions<S extends SnapshotTiming> {
  readonly config: () => Config;
  /** The health to build from; null before the first health round (a pending zone). */
  readonly health: () => HealthView | null;
  readonly key: () => SigningKey | null;
  readonly overrides: () => OverrideLookup;
  /** The serial the last run published (state file), for the first build to exceed. */
  readonly lastSerial: () => number | null;
  readonly buildSnapshot: ServerDeps<S>["buildSnapshot"];
  readonly runtime: Pick<Runtime, "clock" | "replaceFile" | "collectGarbage">;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** A new snapshot now serves, replacing `before` (zone transfers journal it, NOTIFY). */
  readonly published: (before: S | null, after: S) => void;
}

/** The zone being served and how it came to be (what /status reports). */
export interface ZoneRebuilds<S> {
  /** The snapshot serving now, or null before the first build. */
  readonly current: S | null;
  /** When `current` was built (epoch ms; kept while a rebuild changes nothing). */
  readonly builtAt: number;
  /** The health `current` was built from (null: a pending zone, or none yet). */
  readonly servedHealth: HealthView | null;
  /** The operator overrides `current` was built with. */
  readonly servedOverrides: OverrideLookup;
  /** Why the last built zone could not be made durable (and so is not served); null when it was. */
  readonly stale: string | null;
  /** The last build's error, for start-up to report. */
  readonly lastError: unknown;
  /** Asks for a build; resolves once a build that started after this request has finished. */
  rebuild(reason: BuildReason): Promise<void>;
  /** Stops building (at once: later requests do nothing); resolves once no build runs. */
  stop(): Promise<void>;
}

/**
 * Creates the rebuilds. Before the first health round only the pending zone
 * is built, once. A changed snapshot is logged (`zone built` with the time
 * from the change being known to the new zone serving) and, with a state
 * directory, its serial written first: a serial that cannot be kept is never
 * served (the last kept zone serves on, /status says why). A failed build
 * keeps the previous zone and retries after 30 s.
 */
export function createZoneRebuilds<S extends SnapshotTiming>(
  options: ZoneRebuildsOptions<S>,
): ZoneRebuilds<S> {
  const { runtime, metrics, logger } = options;
  let current: S | null = null;
  let builtAt = 0;
  let servedHealth: HealthView | null = null;
  let servedOverrides: OverrideLookup = NO_OVERRIDES;
  let stale: string | null = null;
  let lastError: unknown = null;
  let stopped = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
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
  /** Makes `next` durable before it serves, so a restart can never publish a lower serial. */
  const keepSerial = async (config: Config, next: S): Promise<void> => {
    if (config.stateDir === null) return;
    try {
      await writeSerialState(config.stateDir, next.serial, runtime.replaceFile);
      stale = null;
    } catch (error) {
      if (stopped) return;
      stale = `cannot keep the serial ${next.serial}: ${
        error instanceof Error ? error.message : String(error)
      }`;
      throw new ConfigError(config.origins.stateDir, stale);
    }
  };
  const build = async () => {
    const health = options.health();
    if (stopped || (health === null && current !== null)) return;
    const reason = [...reasons].join(",");
    reasons.clear();
    const startedAt = runtime.clock.monotonic();
    const since = changedAt ?? startedAt;
    changedAt = null;
    const config = options.config();
    const forced = options.overrides();
    try {
      const next = await options.buildSnapshot({
        config,
        health,
        now: runtime.clock.now(),
        previous: current,
        lastSerial: current === null ? options.lastSerial() : undefined,
        key: options.key(),
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
        await keepSerial(config, next);
        if (stopped) return;
        // ms: from the change being known to the new zone serving (waiting for a build in flight included).
        logger.info("zone built", {
          serial: next.serial,
          reason,
          ms: Math.round((runtime.clock.monotonic() - since) * 100) / 100,
        });
        builtAt = runtime.clock.now();
      }
      current = next;
      servedHealth = health;
      if (next !== before) options.published(before, next);
      servedOverrides = forced;
      metrics.countSnapshotBuild(true);
      metrics.setSnapshotSerial(next.serial);
      scheduleRebuild(next.refreshAt, "refresh");
    } catch (error) {
      lastError = error;
      metrics.observeZoneBuild(runtime.clock.monotonic() - startedAt);
      metrics.countSnapshotBuild(false);
      if (current === null) return; // start-up reports it
      logger.error("zone build failed; the previous zone keeps serving", {
        error: error instanceof ConfigError ? error.message : String(error),
        retryMs: BUILD_RETRY_MS,
      });
      scheduleRebuild(runtime.clock.now() + BUILD_RETRY_MS, "retry");
    }
  };
  const runner = createCoalescingRunner(build);

  return {
    get current() {
      return current;
    },
    get builtAt() {
      return builtAt;
    },
    get servedHealth() {
      return servedHealth;
    },
    get servedOverrides() {
      return servedOverrides;
    },
    get stale() {
      return stale;
    },
    get lastError() {
      return lastError;
    },
    rebuild,
    async stop() {
      stopped = true;
      clearTimeout(refreshTimer);
      await runner.idle();
      clearTimeout(refreshTimer);
    },
  };
}
