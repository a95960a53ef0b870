import type { Config } from "../config/config.ts";
import {
  isActive,
  type OperatorOverride,
  type OverrideLookup,
  overrideLookup,
  overridesPath,
  readOverrideFile,
} from "../config/overrides.ts";
import type { Logger } from "../observe/logger.ts";
import type { Metrics } from "../observe/metrics.ts";
import type { Clock, FileStat } from "../runtime/runtime.ts";

/**
 * How often the file's modification time is looked at. A stat every 250 ms
 * costs nothing measurable and puts a change on the wire well within one
 * second (plus one zone rebuild).
 */
export const OVERRIDE_POLL_MS = 250;

/** What the watcher needs. */
export interface OverrideWatcherOptions {
  /** The config in force (its state directory names the file; its records are matched). */
  readonly config: () => Config;
  /** The runtime's state-file reader (no symbolic links, a size cap). */
  readonly readStateFile: (path: string, maxBytes: number) => Promise<string | null>;
  readonly statFile: (path: string) => Promise<FileStat | null>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Called with the overrides in force whenever they change (file edited, or one expired). */
  readonly onChange: (lookup: OverrideLookup) => void;
}

/** The running watcher. */
export interface OverrideWatcher {
  /** The overrides in force now (for /status and the metrics). */
  readonly active: readonly OperatorOverride[];
  /** The lookup the zone builder takes. */
  readonly lookup: OverrideLookup;
  /**
   * Reads the file once (start-up). A malformed file throws its `ConfigError`:
   * starting without the drains an operator asked for would serve them.
   */
  load(): Promise<void>;
  /** Starts polling every `OVERRIDE_POLL_MS`. */
  start(): void;
  /** Stops polling (idempotent). */
  stop(): void;
}

/** Lets timers and I/O (queries) run before the next slice of work. */
const pauseForIo = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const identity = (o: OperatorOverride) => `${o.address} ${o.name ?? ""}`;

/** Log fields of one override. */
function fields(o: OperatorOverride) {
  return {
    address: o.address,
    state: o.state,
    name: o.name ?? "*",
    until: o.until === null ? undefined : new Date(o.until).toISOString(),
    reason: o.reason ?? undefined,
  };
}

/**
 * Watches the operator override file (`<state_dir>/overrides.yaml`, see
 * `readOverrides`): polls its modification time and size, re-reads it when
 * they change, and publishes the overrides in force. A file that does not
 * exist means no overrides. A malformed file after start-up keeps the
 * previous overrides and logs one line (once per version of the file).
 * Every override applied, removed or expired is logged on one line, and one
 * matching no configured address draws a warning.
 */
export function createOverrideWatcher(options: OverrideWatcherOptions): OverrideWatcher {
  const { logger, metrics, clock } = options;
  let list: readonly OperatorOverride[] = [];
  let active: readonly OperatorOverride[] = [];
  let lookup = overrideLookup([], 0);
  /** Path, mtime and size of the version last read (good or bad). */
  let seen = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const unmatched = (o: OperatorOverride) =>
    !options.config().records.some((record) =>
      record.addresses.includes(o.address) && (o.name === null || o.name === record.name)
    );

  /** Reads the file if it changed; returns the new list, or null when unchanged. */
  const read = async (): Promise<readonly OperatorOverride[] | null> => {
    const { stateDir } = options.config();
    const path = stateDir === null ? null : overridesPath(stateDir);
    const stat = path === null ? null : await options.statFile(path);
    const version = stat === null ? `${path}|absent` : `${path}|${stat.mtimeMs}|${stat.size}`;
    if (version === seen) return null;
    seen = version;
    if (path === null || stat === null) return [];
    // Validated in slices with a macrotask between them: queries are answered meanwhile.
    return await readOverrideFile(path, options.readStateFile, pauseForIo);
  };

  /** Logs what changed between two lists. */
  const logDifferences = (
    before: readonly OperatorOverride[],
    after: readonly OperatorOverride[],
  ) => {
    const old = new Map(before.map((o) => [identity(o), o]));
    for (const o of after) {
      const previous = old.get(identity(o));
      old.delete(identity(o));
      if (previous !== undefined && JSON.stringify(previous) === JSON.stringify(o)) continue;
      if (!isActive(o, clock.now())) {
        logger.info("override already expired", fields(o));
        continue;
      }
      logger.info("override set", fields(o));
      if (unmatched(o)) logger.warning("override matches no configured address", fields(o));
    }
    for (const o of old.values()) logger.info("override removed", fields(o));
  };

  /** Publishes the overrides in force now when they differ from those last published. */
  const publish = (notify: boolean) => {
    const now = clock.now();
    const next = list.filter((o) => isActive(o, now));
    if (next.length === active.length && next.every((o, i) => o === active[i])) return;
    for (const o of active) {
      if (list.includes(o) && !next.includes(o)) logger.info("override expired", fields(o));
    }
    active = next;
    lookup = overrideLookup(next, now);
    metrics.setOverrides(
      next.filter((o) => o.state === "down").length,
      next.filter((o) => o.state === "up").length,
    );
    if (notify) options.onChange(lookup);
  };

  const poll = async () => {
    try {
      const next = await read();
      if (next !== null) {
        logDifferences(list, next);
        list = next;
        metrics.countOverrideLoad(true);
      }
    } catch (error) {
      metrics.countOverrideLoad(false);
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      logger.error("override file rejected, keeping the previous overrides", { error: message });
    }
    publish(true);
    if (!stopped) timer = setTimeout(poll, OVERRIDE_POLL_MS);
  };

  return {
    get active() {
      return active;
    },
    get lookup() {
      return lookup;
    },
    async load() {
      const next = (await read()) ?? [];
      logDifferences([], next);
      list = next;
      publish(false);
    },
    start() {
      if (stopped || timer !== undefined) return;
      timer = setTimeout(poll, OVERRIDE_POLL_MS);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
