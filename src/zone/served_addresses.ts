import type { RecordConfig } from "../config/config.ts";
import type { HealthView } from "../health/health_view.ts";

/**
 * The addresses a record serves right now. Static records (no check) serve
 * all. A checked record serves its healthy addresses (address and health
 * port); when none is healthy its all-down policy decides: none (the name
 * stays and answers NODATA, RFC 8020), all, or the fallback addresses.
 *
 * @example servedAddresses({ name: "www", addresses: ["192.0.2.1"], check: null, whenAllDown: { kind: "none" } }, view) // ["192.0.2.1"]
 */
export function servedAddresses(record: RecordConfig, health: HealthView): readonly string[] {
  const check = record.check;
  if (check === null) return record.addresses;
  const healthy = record.addresses.filter((address) => health.isHealthy(address, check.port));
  if (healthy.length > 0) return healthy;
  const policy = record.whenAllDown;
  if (policy.kind === "all") return record.addresses;
  if (policy.kind === "fallback") return policy.addresses;
  return [];
}
