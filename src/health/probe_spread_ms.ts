/** Upper bound of the spread, so long intervals still probe promptly. */
const MAX_SPREAD_MS = 250;
/** Share of the interval the starts of one cycle's probes are spread over. */
const SPREAD_SHARE = 0.1;

/**
 * How long the starts of one cycle's probes are spread over:
 * min(10% of the check interval, 250 ms). Spreading keeps thousands of
 * connects from leaving in the same millisecond (SYN bursts, ephemeral-port
 * and fd spikes) while adding at most 250 ms to failover.
 */
export function probeSpreadMs(intervalMs: number): number {
  return Math.min(intervalMs * SPREAD_SHARE, MAX_SPREAD_MS);
}
