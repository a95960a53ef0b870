/** Runs one async task at a time, folding requests made meanwhile into one re-run. */
export interface CoalescingRunner {
  /**
   * Asks for a run. Resolves once a run that started after this request has
   * finished (a run already in flight started too early to count).
   */
  request(): Promise<void>;
  /** Resolves when nothing is running or queued. */
  idle(): Promise<void>;
}

/**
 * Serialises `task`: never two runs at once, and any number of requests made
 * during a run cause exactly one more run after it. Used for zone rebuilds,
 * where only the newest inputs matter. `task` reports its own errors; a
 * rejection is swallowed here so one failed build cannot stall later ones.
 */
export function createCoalescingRunner(task: () => Promise<void>): CoalescingRunner {
  let requested = 0;
  let started = 0;
  let loop: Promise<void> | null = null;
  const waiters: { upTo: number; resolve: () => void }[] = [];

  const drive = async (): Promise<void> => {
    while (started < requested) {
      const covers = requested;
      started = covers;
      await task().catch(() => {});
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].upTo <= covers) waiters.splice(i, 1)[0].resolve();
      }
    }
    loop = null;
  };

  return {
    request() {
      const upTo = ++requested;
      const done = new Promise<void>((resolve) => waiters.push({ upTo, resolve }));
      loop ??= drive();
      return done;
    },
    async idle() {
      while (loop !== null) await loop;
    },
  };
}
