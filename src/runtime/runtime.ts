/**
 * The small set of platform services the server needs. One adapter file per
 * runtime implements it (src/runtime/deno_runtime.ts, src/runtime/bun_runtime.ts);
 * those two files are the only places where `Deno.*` or `Bun.*` may appear.
 * Everything else takes a `Runtime` (or one of its parts) as an argument, so it
 * stays runtime-free and testable. `currentRuntime()` picks the adapter of the
 * running runtime; `systemClock` is the real clock both adapters hand out.
 */

/** Where a datagram or connection came from. */
export interface RemoteAddress {
  readonly hostname: string;
  readonly port: number;
}

/** A bound UDP socket. */
export interface UdpEndpoint {
  /** The locally bound address (port resolved when 0 was asked for). */
  readonly local: RemoteAddress;
  /** Sends one datagram from this socket. */
  send(data: Uint8Array, to: RemoteAddress): void;
  close(): void;
}

/** Called for every datagram received; must not throw. */
export type UdpHandler = (data: Uint8Array, from: RemoteAddress, endpoint: UdpEndpoint) => void;

/** One accepted TCP connection, as the server sees it. */
export interface TcpConnection {
  readonly remote: RemoteAddress;
  /** Queues bytes for sending; never blocks the caller. */
  write(data: Uint8Array): void;
  /** Octets written but not yet taken by the kernel (queued in this process). */
  readonly unsent: number;
  /** Stops delivering `data` events until `resume()`; the peer's bytes wait in the kernel. */
  pause(): void;
  /** Delivers `data` events again (idempotent). */
  resume(): void;
  /**
   * Closes the connection (idempotent): replies already queued may still
   * drain for a short linger, then the socket is dropped.
   */
  close(): void;
}

/** Callbacks for a TCP listener; none may throw. */
export interface TcpHandlers {
  open(conn: TcpConnection): void;
  /** Bytes from the peer; `chunk` is a fresh array the handler may keep. */
  data(conn: TcpConnection, chunk: Uint8Array): void;
  /** Everything queued has been taken by the kernel: `unsent` is 0 again. */
  drain(conn: TcpConnection): void;
  /** The peer has finished sending (FIN); replies may still go out until `conn.close()`. */
  end(conn: TcpConnection): void;
  /** The connection is gone: reset, or closed by either side. Called once. */
  close(conn: TcpConnection): void;
}

/** A listening TCP socket. */
export interface TcpListener {
  readonly local: RemoteAddress;
  close(): void;
}

/** Why a probe failed. */
export type DialFailure = "refused" | "timeout" | "unreachable" | "error";

/** The outcome of one TCP connect attempt. */
export type DialResult =
  | { readonly ok: true; readonly ms: number }
  | {
    readonly ok: false;
    readonly reason: DialFailure;
    readonly ms: number;
    readonly detail: string;
  };

/** Opens a TCP connection and closes it at once: the health probe. */
export type Dialer = (hostname: string, port: number, timeoutMs: number) => Promise<DialResult>;

/**
 * The standard `process_*` figures of the running process; null where the
 * platform does not tell (e.g. open files outside Linux).
 */
export interface ProcessStats {
  readonly residentBytes: number | null;
  readonly virtualBytes: number | null;
  /** User plus system CPU time. */
  readonly cpuSeconds: number | null;
  /** Process start, seconds since the epoch. */
  readonly startTimeSeconds: number | null;
  readonly openFds: number | null;
  readonly maxFds: number | null;
}

/** Time, injectable for tests. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds, for measuring durations. */
  monotonic(): number;
}

/** What `statFile` reports about a file. */
export interface FileStat {
  /** Last modification, ms since the epoch. */
  readonly mtimeMs: number;
  readonly size: number;
  /** Permission bits (`mode & 0o777`). */
  readonly mode: number;
}

/** Signals the server reacts to. */
export type SignalName = "SIGHUP" | "SIGINT" | "SIGTERM";

/** Everything runtime-specific. */
export interface Runtime {
  readonly name: "deno" | "bun";
  readonly version: string;
  /** Operating system and CPU as the release files name them: `linux-x64`, `darwin-arm64`, `windows-x64`. */
  readonly platform: string;
  /** Command-line arguments after the program (and script) name. */
  readonly args: readonly string[];
  bindUdp(hostname: string, port: number, onDatagram: UdpHandler): Promise<UdpEndpoint>;
  listenTcp(hostname: string, port: number, handlers: TcpHandlers): Promise<TcpListener>;
  dial: Dialer;
  clock: Clock;
  /**
   * Runs `task` soon, but only after the runtime has polled its sockets, so
   * that a chain of deferred tasks (the TCP turns: pipelined answers, zone
   * transfer messages) lets UDP datagrams and other connections in between.
   */
  deferAfterIo(task: () => void): void;
  onSignal(signal: SignalName, handler: () => void): void;
  readTextFile(path: string): Promise<string>;
  /**
   * Writes a new file with the given mode; fails if it already exists.
   *
   * @throws Error `<path>: <reason>` (e.g. "read-only file system (EROFS)").
   */
  writeNewFile(path: string, data: string, mode: number): Promise<void>;
  /** The file's modification time, size and permissions; null when it does not exist. */
  statFile(path: string): Promise<FileStat | null>;
  /**
   * Reads a state file (under `state_dir`) of at most `maxBytes`: null when
   * it does not exist. Never follows a symbolic link.
   *
   * @throws Error `<path>: <reason>` for a symbolic link, something other than
   *   a regular file, a file above `maxBytes`, or a read error (its code in
   *   words, e.g. "permission denied (EACCES)"); never the file's content.
   */
  readStateFile(path: string, maxBytes: number): Promise<string | null>;
  /**
   * Replaces the file's content at once and durably: writes a temporary file
   * beside it with `mode`, syncs it to disk, renames it over the old one and
   * syncs the directory, so a reader never sees a half-written file and,
   * once this resolves, a crash or power cut cannot bring the old one back.
   *
   * @throws Error `<path>: <reason>` (e.g. "no space left on device (ENOSPC)");
   *   the old file is then untouched and the temporary one removed.
   */
  replaceFile(path: string, data: string, mode: number): Promise<void>;
  /** Writes text to stderr as is, without adding a newline (progress lines). */
  writeStderr(text: string): void;
  /** Whether stderr is a terminal (a live progress line) rather than a file or pipe (a CI log). */
  stderrIsTerminal(): boolean;
  /**
   * Calls `handler` instead of the runtime's default (a stack trace, exit
   * code 1) when an exception escapes every caller or a rejected promise is
   * never handled; the handler decides how the process ends.
   */
  onUncaughtError(handler: (error: unknown) => void): void;
  env(name: string): string | undefined;
  exit(code: number): never;
  /** Memory, CPU, start time and file descriptors of this process, read now (for /metrics). */
  processStats(): ProcessStats;
  /**
   * Runs a full garbage collection now, when the runtime offers one (Bun). Only
   * for rare moments that have just dropped a lot of memory (the config's parse,
   * the first zone build, a reload), never on the query path: it blocks.
   */
  collectGarbage?(): void;
}

/** The real wall clock and monotonic clock; both runtime adapters (and socket tests) use it. */
export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  monotonic: () => performance.now(),
});
