import type { LogLevel } from "../config/config.ts";

/** Structured fields appended to a log line as key=value pairs. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The logging interface every module takes; never throws. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  critical(message: string, fields?: LogFields): void;
}

const RANK: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
};

function render(value: string | number | boolean | null | undefined): string {
  const text = String(value);
  return /^[^\s"=]*$/.test(text) && text !== "" ? text : JSON.stringify(text);
}

/**
 * Creates a logger that writes one line per event at or above `level`:
 * `2026-11-26T03:50:00.000Z info message key=value ...`.
 *
 * @param write receives each finished line (without newline); stderr in production.
 * @param now clock for the timestamp (injectable for tests).
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void,
  now: () => number = Date.now,
): Logger {
  const min = RANK[level];
  const emit = (at: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[at] < min) return;
    let line = `${new Date(now()).toISOString()} ${at} ${message}`;
    if (fields) {
      for (const [key, value] of Object.entries(fields)) {
        if (value !== undefined) line += ` ${key}=${render(value)}`;
      }
    }
    write(line);
  };
  return Object.freeze({
    debug: emit("debug"),
    info: emit("info"),
    warning: emit("warning"),
    error: emit("error"),
    critical: emit("critical"),
  });
}

/** A logger that discards everything (tests). */
export const SILENT_LOGGER: Logger = createLogger("critical", () => {});
