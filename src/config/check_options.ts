/**
 * The options of `healthy-dns check` (read by `readCheckFlags`, defaults in
 * defaults.ts); the zone, records and health settings come from the Config.
 */

/** How `check` prints its report. */
export type CheckFormat = "table" | "json" | "junit" | "github";

/** When a name passes: one healthy address (`any`) or every address (`all`). */
export type CheckRequirement = "any" | "all";

/** The options of `healthy-dns check` beyond the server's own flags. */
export interface CheckOptions {
  /** `--wait`: probe in rounds until every required name passes, at most this long; null: one round. */
  readonly waitMs: number | null;
  /** `--every`: time between the starts of two rounds; null: the config's health interval. */
  readonly everyMs: number | null;
  /** `--require`. */
  readonly require: CheckRequirement;
  /** `--names`, as written (lowercase, no trailing dot); null: every health-checked name. */
  readonly names: readonly string[] | null;
  /** `--format` (`--json` is `--format json`). */
  readonly format: CheckFormat;
  /** `--output`: the report goes to this file and the table to stdout; null: the report to stdout. */
  readonly outputFile: string | null;
}
