/** Longest stretch of build work between two turns of the event loop, ms. */
const SLICE_MS = 2;

/**
 * Returns a function to await inside long build loops: it resolves at once
 * until 2 ms of work have passed since the last pause, then yields one
 * event-loop turn. The zone is rebuilt while queries keep arriving; a build
 * that held the loop for 200 ms would let the socket's receive buffer (a few
 * hundred datagrams) overflow, so the builder pauses every couple of
 * milliseconds and queries are answered from the current snapshot meanwhile.
 * Timing only decides where to pause, never what is built.
 *
 * @example const slice = timeSlicer(); for (const name of names) { await slice(); work(name); }
 */
export function timeSlicer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        since = performance.now();
        resolve();
      }, 0)
    );
  };
}
