import type { LogFormat, LogLevel } from "../config/config.ts";

/** Structured fields appended to a log line as key=value pairs. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** The logging interface every module takes; never throws. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warning(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  critical(message: string, fields?: LogFields): void;
  /** The level in force; lines below it are dropped. */
  readonly level: LogLevel;
  /** Changes the level from the next line on (SIGHUP applies a new `log_level`). */
  setLevel(level: LogLevel): void;
}

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Default "logfmt". */
  readonly format?: LogFormat;
  /** Clock for the timestamp (injectable for tests); default `Date.now`. */
  readonly now?: () => number;
}

const RANK: Readonly<Record<LogLevel, number>> = {
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
};

/** A logfmt value that needs no quotes: no space, quote, equals sign, backslash or control character. */
// deno-lint-ignore no-control-regex -- control characters are what must be quoted
const BARE = /^[^\s"=\\\x00-\x1f\x7f]+$/;

/** One logfmt value: bare when safe, else double-quoted with JSON escapes (`\"`, `\\`, `\n`, `\u0001`). */
function logfmtValue(value: string | number | boolean | null): string {
  const text = String(value);
  return BARE.test(text) ? text : JSON.stringify(text);
}

/** `ts=… level=… msg=… key=value …`; `undefined` fields are left out. */
function logfmtLine(ts: string, level: LogLevel, message: string, fields?: LogFields): string {
  let line = `ts=${ts} level=${level} msg=${logfmtValue(message)}`;
  if (fields) {
    for (const key in fields) {
      const value = fields[key];
      if (value !== undefined) line += ` ${key}=${logfmtValue(value)}`;
    }
  }
  return line;
}

/** One JSON object: `ts`, `level`, `msg`, then the fields with their JSON types. */
function jsonLine(ts: string, level: LogLevel, message: string, fields?: LogFields): string {
  return JSON.stringify({ ts, level, msg: message, ...fields });
}

/**
 * Creates a logger that writes one line per event at or above `level`, as
 * logfmt (`ts=2026-11-26T03:50:00.000Z level=info msg="zone built" serial=5`)
 * or as one JSON object per line (`{"ts":"…","level":"info","msg":"zone built","serial":5}`).
 *
 * @param write receives each finished line (without newline); stderr in production.
 */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void,
  options: LoggerOptions = {},
): Logger {
  const now = options.now ?? Date.now;
  const format = options.format === "json" ? jsonLine : logfmtLine;
  let min = RANK[level];
  let current = level;
  const emit = (at: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[at] < min) return;
    write(format(new Date(now()).toISOString(), at, message, fields));
  };
  return Object.freeze({
    debug: emit("debug"),
    info: emit("info"),
    warning: emit("warning"),
    error: emit("error"),
    critical: emit("critical"),
    get level() {
      return current;
    },
    setLevel(next: LogLevel) {
      current = next;
      min = RANK[next];
    },
  });
}

/** A logger that discards everything (tests). */
export const SILENT_LOGGER: Logger = createLogger("critical", () => {});
