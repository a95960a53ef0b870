import type { Clock } from "../runtime/runtime.ts";

/** Where progress goes (stderr): a terminal gets one line rewritten in place. */
export interface ProgressSink {
  /** True on a terminal: one live line; false: one line per round. */
  readonly live: boolean;
  /** Writes text as is (no newline added). */
  write(text: string): void;
}

/** What one round found, for the progress line. */
export interface RoundProgress {
  readonly number: number;
  readonly passed: number;
  readonly total: number;
  /** Failing names, each with the last result of its first unhealthy address (`refused`). */
  readonly waiting: readonly { readonly name: string; readonly why: string }[];
}

/** How often a live line's clock is refreshed between rounds. */
const LIVE_REFRESH_MS = 1000;

/** Erases the terminal line the cursor is on and returns to its start. */
const CLEAR_LINE = "\r\x1b[2K";

/**
 * The progress of `check --wait` on stderr: after each round, how many names
 * pass, which are still awaited and why, and the time left. On a terminal
 * it is one line rewritten in place (its clock ticking every second); in a
 * CI log, one line per round.
 */
export class CheckProgress {
  readonly #sink: ProgressSink;
  readonly #clock: Clock;
  readonly #origin: number;
  readonly #waitMs: number;
  #body = "";
  #timer: ReturnType<typeof setInterval> | undefined;
  /** A write failed (stderr closed): progress stops, the check goes on. */
  #broken = false;

  /** @param waitMs the deadline, in milliseconds after now. */
  constructor(sink: ProgressSink, clock: Clock, waitMs: number) {
    this.#sink = sink;
    this.#clock = clock;
    this.#origin = clock.monotonic();
    this.#waitMs = waitMs;
  }

  /** Reports a round just ended. */
  round(progress: RoundProgress): void {
    const waiting = progress.waiting.map(({ name, why }) => `${name} (${why})`).join(", ");
    this.#body = `round ${progress.number}: ${progress.passed} of ${progress.total} names pass` +
      (waiting === "" ? "" : `; waiting for ${waiting}`);
    const done = waiting === "";
    if (!this.#sink.live) {
      this.#write(`${this.#line(done)}\n`);
      return;
    }
    this.#write(CLEAR_LINE + this.#line(done));
    if (!done && !this.#broken) {
      this.#timer ??= setInterval(
        () => this.#write(CLEAR_LINE + this.#line(false)),
        LIVE_REFRESH_MS,
      );
    }
  }

  /** Ends the live line (and its clock); call once, whatever happened. */
  end(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#sink.live && this.#body !== "") this.#write("\n");
  }

  /**
   * Writes to the sink; the first failure (a closed terminal or pipe) ends all
   * progress output, since a check's verdict must not depend on its stderr.
   */
  #write(text: string): void {
    if (this.#broken) return;
    try {
      this.#sink.write(text);
    } catch {
      this.#broken = true;
      clearInterval(this.#timer);
    }
  }

  #line(done: boolean): string {
    const elapsed = this.#clock.monotonic() - this.#origin;
    const left = this.#waitMs - elapsed;
    const tail = done ? "" : left > 0 ? `; ${seconds(left)} left` : "; deadline reached";
    return `check ${seconds(elapsed)}: ${this.#body}${tail}`;
  }
}

/** Milliseconds as seconds with one decimal: `1.5 s`. */
function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
