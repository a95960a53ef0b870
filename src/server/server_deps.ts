/**
 * The modules the server wires together: their interfaces as the server uses
 * them (passed in rather than imported, so the lifecycle can be tested with
 * fakes) and the real ones.
 */
import { answerQuery } from "../answer/answer_query.ts";
import type { Config } from "../config/config.ts";
import type { DnssecAlgorithmName, Transport } from "../wire/constants.ts";
import { loadSigningKey, type SigningKey } from "../dnssec/keys.ts";
import type { EndpointStatus, HealthObserver } from "../health/endpoints.ts";
import { HealthMonitor } from "../health/health_monitor.ts";
import type { HealthView } from "../health/health_state.ts";
import type { Logger } from "../observe/logger.ts";
import type { Clock, Dialer } from "../runtime/runtime.ts";
import { type BuildInput, buildSnapshot } from "../zone/build_snapshot.ts";
import type { Snapshot, ZoneRecords } from "../zone/snapshot.ts";

/** What the server itself reads from a zone snapshot. */
export interface SnapshotTiming {
  readonly serial: number;
  /** Epoch ms at which the snapshot must be rebuilt (DNSSEC re-signing), or null: never. */
  readonly refreshAt: number | null;
  /** Every record of each served zone for zone transfers, or null/absent without a `transfer` config. */
  readonly transfer?: readonly ZoneRecords[] | null;
}

/** The part of the health monitor (src/health/health_monitor.ts) the server drives. */
export interface HealthMonitorControl {
  /** Starts probing; resolves with the first cycle's view once that cycle has completed. */
  start(): Promise<HealthView>;
  /** Switches config; returns the view to build the new zone with. */
  updateConfig(config: Config): HealthView;
  /** Stops probing; resolves once no probe is in flight. */
  stop(): Promise<void>;
  /** Duration of the last completed cycle, null before the first. */
  readonly cycleDurationMs: number | null;
  /** Every probed endpoint's state and last probe (for /status and per-endpoint metrics). */
  endpointStatus(): readonly EndpointStatus[];
}

/**
 * The modules the server wires together, passed in rather than imported so
 * the lifecycle can be tested with fakes. `DEFAULT_SERVER_DEPS`
 * (below) holds the real ones.
 */
export interface ServerDeps<S extends SnapshotTiming> {
  buildSnapshot(input: BuildInput<S>): Promise<S>;
  /**
   * Pure hot path; null means drop. `cookie`: the COOKIE option data to put
   * in the OPT (client and server cookie), computed by the server; none when
   * absent.
   */
  answerQuery(
    query: Uint8Array,
    snapshot: S,
    transport: Transport,
    cookie?: Uint8Array | null,
  ): Uint8Array | null;
  loadSigningKey(
    pem: string,
    algorithm: DnssecAlgorithmName | null,
    givenAs?: string,
  ): Promise<SigningKey>;
  createHealthMonitor(
    config: Config,
    dialer: Dialer,
    clock: Clock,
    logger: Logger,
    onChange: (view: HealthView) => void,
    observer: HealthObserver,
  ): HealthMonitorControl;
}

/** The real modules the server wires together: zone builder, answerer, key loader, health monitor. */
export const DEFAULT_SERVER_DEPS: ServerDeps<Snapshot> = Object.freeze({
  buildSnapshot,
  answerQuery,
  loadSigningKey,
  createHealthMonitor: (...args: ConstructorParameters<typeof HealthMonitor>) =>
    new HealthMonitor(...args),
});
