/** Where one endpoint stands: its health and how many recent probes disagree with it. */
export interface EndpointTrack {
  readonly healthy: boolean;
  /** Consecutive probe results contrary to `healthy` (successes while unhealthy, failures while healthy). */
  readonly contrary: number;
}

/** The two tracks with no contrary result, shared by every endpoint in them (most, most of the time). */
const SETTLED = [
  Object.freeze({ healthy: false, contrary: 0 }),
  Object.freeze({ healthy: true, contrary: 0 }),
] as const;

/**
 * Advances one endpoint's track by one probe result. An endpoint turns
 * healthy after `rise` consecutive successes and unhealthy after `fall`
 * consecutive failures. An endpoint never probed before (`track` undefined)
 * takes its first result at once, whatever rise and fall say, so a healthy
 * backend is served right after start-up (or right after being added).
 * Returns the same object when nothing changed; settled tracks are shared
 * constants, so 100,000 steady endpoints cost no object each.
 */
export function applyHysteresis(
  track: EndpointTrack | undefined,
  ok: boolean,
  rise: number,
  fall: number,
): EndpointTrack {
  if (track === undefined) return SETTLED[ok ? 1 : 0];
  if (ok === track.healthy) return track.contrary === 0 ? track : SETTLED[ok ? 1 : 0];
  const contrary = track.contrary + 1;
  if (contrary >= (track.healthy ? fall : rise)) return SETTLED[ok ? 1 : 0];
  return Object.freeze({ healthy: track.healthy, contrary });
}
