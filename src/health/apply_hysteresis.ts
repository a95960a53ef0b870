/** Where one endpoint stands: its health and how many recent probes disagree with it. */
export interface EndpointTrack {
  readonly healthy: boolean;
  /** Consecutive probe results contrary to `healthy` (successes while unhealthy, failures while healthy). */
  readonly contrary: number;
}

/**
 * Advances one endpoint's track by one probe result. An endpoint turns
 * healthy after `rise` consecutive successes and unhealthy after `fall`
 * consecutive failures. An endpoint never probed before (`track` undefined)
 * takes its first result at once, whatever rise and fall say, so a healthy
 * backend is served right after start-up (or right after being added).
 * Returns the same object when nothing changed.
 */
export function applyHysteresis(
  track: EndpointTrack | undefined,
  ok: boolean,
  rise: number,
  fall: number,
): EndpointTrack {
  if (track === undefined) return Object.freeze({ healthy: ok, contrary: 0 });
  if (ok === track.healthy) {
    return track.contrary === 0 ? track : Object.freeze({ healthy: ok, contrary: 0 });
  }
  const contrary = track.contrary + 1;
  if (contrary >= (track.healthy ? fall : rise)) return Object.freeze({ healthy: ok, contrary: 0 });
  return Object.freeze({ healthy: track.healthy, contrary });
}
