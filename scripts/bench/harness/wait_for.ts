/**
 * Polls `condition` every 10 ms until it holds; throws naming `what` after
 * `deadlineMs`. Returns the milliseconds waited. Tests wait on conditions with
 * this instead of sleeping.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  deadlineMs = 5_000,
): Promise<number> {
  const startedAt = performance.now();
  while (!(await condition())) {
    if (performance.now() - startedAt > deadlineMs) {
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return performance.now() - startedAt;
}
