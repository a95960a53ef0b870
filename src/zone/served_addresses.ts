import type { RecordConfig } from "../config/config.ts";
import { NO_OVERRIDES, type OverrideLookup } from "../config/operator_overrides.ts";
import type { HealthView } from "../health/health_state.ts";

/**
 * The addresses a record serves right now. An operator override decides
 * first: `down` never serves the address, `up` serves it whatever its probe
 * says. Otherwise static records (no check) serve every address, and a
 * checked record its healthy ones (address and health port). When a checked
 * record serves none, its all-down policy decides: none (the name stays and
 * answers NODATA, RFC 8020), all (every address not forced down), or the
 * fallback addresses.
 *
 * @example servedAddresses({ name: "www", addresses: ["192.0.2.1"], check: null, whenAllDown: { kind: "none" } }, view) // ["192.0.2.1"]
 */
export function servedAddresses(
  record: RecordConfig,
  health: HealthView,
  overrides: OverrideLookup = NO_OVERRIDES,
): readonly string[] {
  const check = record.check;
  const forced = (address: string) => overrides.find(address, record.name)?.state;
  const notDown = overrides === NO_OVERRIDES
    ? record.addresses
    : record.addresses.filter((address) => forced(address) !== "down");
  if (check === null) return notDown;
  const healthy = notDown.filter((address) =>
    forced(address) === "up" || health.isHealthy(address, check.port)
  );
  if (healthy.length > 0) return healthy;
  const policy = record.whenAllDown;
  if (policy.kind === "all") return notDown;
  if (policy.kind === "fallback") return policy.addresses;
  return [];
}
