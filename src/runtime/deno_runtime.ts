/// <reference lib="deno.unstable" />
import {
  classifyDialError,
  dialTimeout,
  readProcessStats,
  TCP_CLOSE_LINGER_MS,
} from "./adapter_common.ts";
import {
  fileError,
  parentDirectory,
  readCapped,
  StateFileError,
  stateFileProblem,
} from "./state_file.ts";
import {
  type DialResult,
  type FileStat,
  type RemoteAddress,
  type Runtime,
  type SignalName,
  systemClock,
  type TcpConnection,
  type TcpHandlers,
  type TcpListener,
  type UdpEndpoint,
  type UdpHandler,
} from "./runtime.ts";

/** Largest UDP payload (65535 - 8 UDP header bytes); a smaller buffer truncates silently. */
const UDP_RECEIVE_SIZE = 65_527;

/** Pause after a failed accept (e.g. EMFILE) before trying again. */
const ACCEPT_RETRY_MS = 100;

/** Largest chunk read from a TCP connection at once. */
const TCP_READ_SIZE = 64 * 1024;

/**
 * How long a chain of deferred tasks may run on immediates before a timer
 * makes the event loop park, which is when Deno polls sockets. Its
 * setImmediate does not: the I/O driver (tokio's) runs when the loop parks or
 * every 61 scheduler ticks, so back-to-back TCP turns of 0.5 ms delayed a UDP
 * datagram by ~36 ms, and 40 zone transfers (turns of milliseconds) by
 * ~110 ms (BENCHMARKS.md). A timer costs about a millisecond (its
 * resolution), so cheap turns still run on immediates, up to this budget.
 */
const IO_POLL_EVERY_MS = 2;
/** When the loop last parked for I/O on our timer (monotonic ms). */
let polledAt = Number.NEGATIVE_INFINITY;

function deferAfterIo(task: () => void): void {
  if (performance.now() - polledAt < IO_POLL_EVERY_MS) {
    setImmediate(task);
    return;
  }
  setTimeout(() => {
    polledAt = performance.now();
    task();
  }, 0);
}

function toRemote(addr: Deno.Addr): RemoteAddress {
  const net = addr as Deno.NetAddr;
  return Object.freeze({ hostname: net.hostname, port: net.port });
}

/** True for the errors a socket operation throws once the socket is closed. */
function isClosedError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

/** TCP connect with a deadline; the AbortSignal tears the pending socket down on timeout. */
async function dial(hostname: string, port: number, timeoutMs: number): Promise<DialResult> {
  const start = performance.now();
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const conn = await Deno.connect({ hostname, port, signal: abort.signal });
    conn.close();
    return { ok: true, ms: performance.now() - start };
  } catch (error) {
    const ms = performance.now() - start;
    if (abort.signal.aborted) return dialTimeout(hostname, port, timeoutMs, ms);
    return { ok: false, ms, ...classifyDialError(error) };
  } finally {
    clearTimeout(timer);
  }
}

// deno-lint-ignore require-await -- async turns a synchronous bind error into a rejection
async function bindUdp(
  hostname: string,
  port: number,
  onDatagram: UdpHandler,
): Promise<UdpEndpoint> {
  const socket = Deno.listenDatagram({ hostname, port, transport: "udp" });
  let closed = false;
  const endpoint: UdpEndpoint = Object.freeze({
    local: toRemote(socket.addr),
    send(data: Uint8Array, to: RemoteAddress): void {
      // Fire and forget: a failed UDP send is a lost datagram, nothing more.
      socket.send(data, { transport: "udp", hostname: to.hostname, port: to.port }).catch(() => {});
    },
    close(): void {
      if (closed) return;
      closed = true;
      socket.close();
    },
  });
  (async () => {
    // One reused receive buffer: receive() without one allocates 64 KiB per datagram,
    // which halved throughput in scripts/bench/udp_echo_bench.ts. The copy lets handlers keep data.
    const buffer = new Uint8Array(UDP_RECEIVE_SIZE);
    while (!closed) {
      try {
        const [data, from] = await socket.receive(buffer);
        onDatagram(data.slice(), toRemote(from), endpoint);
      } catch (error) {
        // Transient receive errors are skipped; only a closed socket ends the loop.
        if (closed || isClosedError(error)) return;
      }
    }
  })();
  return endpoint;
}

/** Wraps one accepted connection: ordered write queue, pausable read loop, one close event. */
function serveConnection(conn: Deno.TcpConn, handlers: TcpHandlers): void {
  try {
    // Replies are whole messages: Nagle would hold back pipelined ones (Bun sets this by default).
    conn.setNoDelay(true);
  } catch {
    // Reset before we got to it: the read loop below sees that and reports the close.
  }
  const queue: Uint8Array[] = [];
  let unsent = 0;
  let flushing = false;
  let closing = false;
  let closed = false;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set while reading is paused: resolving it lets the read loop go on. */
  let paused: { promise: Promise<void>; resolve: () => void } | null = null;

  const shut = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(lingerTimer);
    queue.length = 0;
    unsent = 0;
    paused?.resolve();
    try {
      conn.close();
    } catch {
      // Already closed by the peer side of the runtime.
    }
    handlers.close(connection);
  };

  const flush = async (): Promise<void> => {
    flushing = true;
    try {
      while (queue.length > 0 && !closed) {
        let chunk = queue[0];
        while (chunk.length > 0) {
          const written = await conn.write(chunk);
          unsent -= written;
          chunk = chunk.subarray(written);
        }
        queue.shift();
      }
    } catch {
      shut();
    }
    flushing = false;
    if (closing) shut();
    else if (!closed) handlers.drain(connection);
  };

  const connection: TcpConnection = Object.freeze({
    remote: toRemote(conn.remoteAddr),
    get unsent() {
      return unsent;
    },
    write(data: Uint8Array): void {
      if (closing || closed || data.length === 0) return;
      queue.push(data);
      unsent += data.length;
      if (!flushing) flush();
    },
    pause(): void {
      if (paused !== null || closed) return;
      let resolve = () => {};
      const promise = new Promise<void>((done) => (resolve = done));
      paused = { promise, resolve };
    },
    resume(): void {
      const was = paused;
      paused = null;
      was?.resolve();
    },
    close(): void {
      if (closing || closed) return;
      closing = true;
      if (!flushing) return shut();
      // Let queued replies drain, then give up on a peer that stopped reading. Deno cannot
      // cancel a write the kernel is blocking: the descriptor is freed when that write ends
      // (the peer reads or goes away); the rest of the queue is dropped at once.
      lingerTimer = setTimeout(shut, TCP_CLOSE_LINGER_MS);
    },
  });

  handlers.open(connection);
  (async () => {
    const buffer = new Uint8Array(TCP_READ_SIZE);
    try {
      while (!closed) {
        const gate = paused as { promise: Promise<void> } | null;
        if (gate !== null) {
          await gate.promise;
          continue;
        }
        const n = await conn.read(buffer);
        if (n === null) {
          // The peer finished sending; the server closes once it has answered.
          if (!closed) handlers.end(connection);
          return;
        }
        // A copy: handlers may keep the chunk (partial messages) while the buffer is reused.
        if (!closed) handlers.data(connection, buffer.slice(0, n));
      }
    } catch {
      // Reset by peer or closed locally: either way the connection is over.
      shut();
    }
  })();
}

/** Accepts connections until closed; close() stops accepting and leaves open connections alone. */
// deno-lint-ignore require-await -- async turns a synchronous bind error into a rejection
async function listenTcp(
  hostname: string,
  port: number,
  handlers: TcpHandlers,
): Promise<TcpListener> {
  const listener = Deno.listen({
    hostname,
    port,
    transport: "tcp",
  });
  let closed = false;
  (async () => {
    while (!closed) {
      try {
        serveConnection(await listener.accept(), handlers);
      } catch (error) {
        // A closed listener ends the loop; EMFILE and friends are transient, but fail at
        // once on retry, so back off instead of spinning.
        if (closed || isClosedError(error)) return;
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
      }
    }
  })();
  return Object.freeze({
    local: toRemote(listener.addr),
    close(): void {
      if (closed) return;
      closed = true;
      listener.close();
    },
  });
}

/** The Deno implementation of the platform services. */
export const denoRuntime: Runtime = Object.freeze({
  name: "deno",
  version: Deno.version.deno,
  platform: `${Deno.build.os}-${Deno.build.arch === "x86_64" ? "x64" : "arm64"}`,
  args: Object.freeze([...Deno.args]),
  bindUdp,
  listenTcp,
  dial,
  clock: systemClock,
  deferAfterIo,
  onSignal(signal: SignalName, handler: () => void): void {
    Deno.addSignalListener(signal, handler);
  },
  readTextFile: (path: string) => Deno.readTextFile(path),
  writeNewFile: (path: string, data: string, mode: number) =>
    Deno.writeTextFile(path, data, { createNew: true, mode }).catch((error) => {
      throw fileError(path, error);
    }),
  async statFile(path: string): Promise<FileStat | null> {
    try {
      const info = await Deno.stat(path);
      return {
        mtimeMs: info.mtime?.getTime() ?? 0,
        size: info.size,
        mode: (info.mode ?? 0) & 0o777,
      };
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw error;
    }
  },
  async readStateFile(path: string, maxBytes: number): Promise<string | null> {
    let link: Deno.FileInfo;
    try {
      link = await Deno.lstat(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw fileError(path, error);
    }
    const problem = stateFileProblem(link, maxBytes);
    if (problem !== null) throw new StateFileError(path, problem);
    // Deno.open has no O_NOFOLLOW: the file opened must be the one lstat saw (not swapped for a link).
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (error) {
      throw fileError(path, error);
    }
    try {
      const opened = await file.stat();
      if (opened.ino !== link.ino || opened.dev !== link.dev) {
        throw new StateFileError(path, "was replaced while being opened; read again later");
      }
      return await readCapped(path, maxBytes, async (into) => (await file.read(into)) ?? 0);
    } catch (error) {
      throw fileError(path, error);
    } finally {
      file.close();
    }
  },
  async replaceFile(path: string, data: string, mode: number): Promise<void> {
    const temporary = `${path}.${Deno.pid}.tmp`;
    try {
      const file = await Deno.open(temporary, { write: true, create: true, truncate: true, mode });
      try {
        const bytes = new TextEncoder().encode(data);
        for (let written = 0; written < bytes.length;) {
          written += await file.write(bytes.subarray(written));
        }
        await file.sync();
      } finally {
        file.close();
      }
      await Deno.chmod(temporary, mode); // open's mode is subject to the umask
      await Deno.rename(temporary, path);
      const directory = await Deno.open(parentDirectory(path), { read: true });
      try {
        await directory.sync();
      } finally {
        directory.close();
      }
    } catch (error) {
      await Deno.remove(temporary).catch(() => {});
      throw fileError(path, error);
    }
  },
  writeStderr(text: string): void {
    const bytes = new TextEncoder().encode(text);
    for (let written = 0; written < bytes.length;) {
      written += Deno.stderr.writeSync(bytes.subarray(written));
    }
  },
  stderrIsTerminal: () => Deno.stderr.isTerminal(),
  onUncaughtError(handler: (error: unknown) => void): void {
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      handler(event.error);
    });
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      handler(event.reason);
    });
  },
  env: (name: string) => Deno.env.get(name),
  exit: (code: number): never => Deno.exit(code),
  processStats: readProcessStats,
});
