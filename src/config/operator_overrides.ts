/**
 * Operator overrides: an address forced `down` (drained: not served though
 * its probe passes) or `up` (served though its probe fails), for one record
 * or every record that lists it, optionally until a time. They live in a file
 * under the state directory (see `readOverrides` and docs/operations.md), not
 * in the config, so draining needs no config edit and no restart.
 */

/** What an override forces. */
export type OverrideState = "down" | "up";

/** One override as the operator wrote it. */
export interface OperatorOverride {
  /** Canonical address text, as in the config. */
  readonly address: string;
  readonly state: OverrideState;
  /** Relative record name it is limited to, or null for every record listing the address. */
  readonly name: string | null;
  /** Epoch ms after which it no longer applies, or null for no end. */
  readonly until: number | null;
  /** Free text from the operator, for logs and /status, or null. */
  readonly reason: string | null;
}

/** The overrides in force, as the zone builder consults them. */
export interface OverrideLookup {
  /**
   * The override for `address` in record `name`: one limited to that record
   * wins over one for every record; null when none applies.
   */
  find(address: string, name: string): OperatorOverride | null;
}

/** No override in force. */
export const NO_OVERRIDES: OverrideLookup = Object.freeze({ find: () => null });

/** Whether `override` is in force at `now`. */
export function isActive(override: OperatorOverride, now: number): boolean {
  return override.until === null || now < override.until;
}

/** A lookup over the overrides of `list` in force at `now` (expired ones are left out). */
export function overrideLookup(list: readonly OperatorOverride[], now: number): OverrideLookup {
  const byKey = new Map<string, OperatorOverride>();
  for (const override of list) {
    if (isActive(override, now)) byKey.set(`${override.address} ${override.name ?? ""}`, override);
  }
  if (byKey.size === 0) return NO_OVERRIDES;
  return Object.freeze({
    find: (address: string, name: string) =>
      byKey.get(`${address} ${name}`) ?? byKey.get(`${address} `) ?? null,
  });
}
