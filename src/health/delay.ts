/**
 * Resolves after `ms` milliseconds, or at once when `signal` aborts; the timer
 * is cleared either way, so a stopped monitor leaves no timer keeping the
 * process alive. Never rejects.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      globalThis.clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = globalThis.setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
