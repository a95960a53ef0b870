import { answerQuery } from "../answer/answer_query.ts";
import { loadSigningKey } from "../dnssec/keys.ts";
import { HealthMonitor } from "../health/health_monitor.ts";
import { buildSnapshot } from "../zone/build_snapshot.ts";
import type { Snapshot } from "../zone/snapshot.ts";
import type { ServerDeps } from "./server_deps.ts";

/** The real modules the server wires together: zone builder, answerer, key loader, health monitor. */
export const DEFAULT_SERVER_DEPS: ServerDeps<Snapshot> = Object.freeze({
  buildSnapshot,
  answerQuery,
  loadSigningKey,
  createHealthMonitor: (...args: ConstructorParameters<typeof HealthMonitor>) =>
    new HealthMonitor(...args),
});
