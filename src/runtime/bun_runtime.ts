import { connect } from "node:net";
import { constants } from "node:fs";
import { chmod, open, rename, rm, stat, writeFile } from "node:fs/promises";
import process from "node:process";
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

// Minimal ambient types for the parts of Bun used here (no @types/bun dependency).

interface BunUdpSocket {
  readonly port: number;
  readonly address: { readonly address: string; readonly port: number };
  /** Returns false when the kernel buffer is full (the datagram is dropped); throws on errors. */
  send(data: Uint8Array, port: number, address: string): boolean;
  /** Sends [data, port, address, ...] in one sendmmsg; returns how many datagrams went out. */
  sendMany(packets: readonly (Uint8Array | number | string)[]): number;
  close(): void;
}

/** Per-connection state kept on the Bun socket. */
interface ConnectionState {
  readonly connection: TcpConnection;
  /** Called when the kernel has room again. */
  drain(): void;
  /** Called once when the socket is gone. */
  closed(): void;
}

interface BunTcpSocket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  data: ConnectionState;
  /** Returns how many bytes the kernel took (possibly fewer than given, or -1 when closed). */
  write(data: Uint8Array): number;
  /** Stops and restarts reading (data events). */
  pause(): void;
  resume(): void;
  end(): void;
  terminate(): void;
}

interface BunTcpSocketHandlers {
  binaryType: "uint8array";
  open(socket: BunTcpSocket): void;
  data(socket: BunTcpSocket, chunk: Uint8Array): void;
  drain(socket: BunTcpSocket): void;
  end(socket: BunTcpSocket): void;
  error(socket: BunTcpSocket, error: Error): void;
  close(socket: BunTcpSocket): void;
}

interface BunListener {
  readonly port: number;
  readonly hostname: string;
  stop(closeActiveConnections?: boolean): void;
}

declare const Bun: {
  readonly version: string;
  readonly argv: readonly string[];
  file(path: string): { text(): Promise<string> };
  udpSocket(options: {
    hostname: string;
    port: number;
    /** uSockets listen flags; 0: no SO_REUSEPORT, so a port already taken is refused. */
    flags: number;
    binaryType: "uint8array";
    socket: {
      data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
      error(error: Error): void;
    };
  }): Promise<BunUdpSocket>;
  listen(options: {
    hostname: string;
    port: number;
    reusePort: boolean;
    /** Without it Bun closes the socket on the peer's FIN, dropping replies still queued. */
    allowHalfOpen: boolean;
    socket: BunTcpSocketHandlers;
  }): BunListener;
  serve(options: {
    hostname: string;
    port: number;
    reusePort: boolean;
    fetch(request: Request): Response;
  }): BunListener & { stop(closeActiveConnections?: boolean): Promise<void> };
  /** A garbage collection (`true`: synchronous); returns the heap size. */
  gc(force: boolean): number;
};

/**
 * TCP connect with a deadline. Uses node:net rather than Bun.connect: Bun.connect
 * hands out the socket only once connected, so a timed-out attempt cannot be
 * cancelled and its descriptor leaks until the kernel gives up (minutes).
 * node:net returns the socket at once and destroy() frees it.
 */
function dial(hostname: string, port: number, timeoutMs: number): Promise<DialResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port });
    const finish = (result: DialResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish(dialTimeout(hostname, port, timeoutMs, performance.now() - start)),
      timeoutMs,
    );
    socket.once("connect", () => finish({ ok: true, ms: performance.now() - start }));
    // `on`, not `once`: a late second error must not become an unhandled "error" event.
    socket.on(
      "error",
      (error) => finish({ ok: false, ms: performance.now() - start, ...classifyDialError(error) }),
    );
  });
}

async function bindUdp(
  hostname: string,
  port: number,
  onDatagram: UdpHandler,
): Promise<UdpEndpoint> {
  // Filled in once the bind resolves: datagrams cannot arrive earlier, but stay safe if they do.
  const bound: { endpoint?: UdpEndpoint } = {};
  let closed = false;
  const socket = await Bun.udpSocket({
    hostname,
    port,
    flags: 0,
    binaryType: "uint8array",
    socket: {
      data(_socket, data, fromPort, fromAddress) {
        if (bound.endpoint) {
          onDatagram(data, { hostname: fromAddress, port: fromPort }, bound.endpoint);
        }
      },
      // An ICMP port-unreachable for an earlier reply (the client closed its
      // socket) surfaces here as ECONNREFUSED; without a handler Bun exits.
      error() {},
    },
  });
  // Replies of one event-loop turn leave together in one sendmmsg: one sendto per
  // reply cost ~15 % more CPU per query under load (BENCHMARKS.md, query path).
  let pending: (Uint8Array | number | string)[] = [];
  let flushing = false;
  const flush = (): void => {
    flushing = false;
    const batch = pending;
    pending = [];
    if (closed) return;
    let sent = 0;
    try {
      sent = socket.sendMany(batch);
    } catch {
      // One bad datagram fails the call: the rest go one by one below.
    }
    for (let i = sent * 3; i < batch.length; i += 3) {
      try {
        // false means backpressure: dropping is the UDP answer to that.
        socket.send(batch[i] as Uint8Array, batch[i + 1] as number, batch[i + 2] as string);
      } catch {
        // Unreachable peer or closed socket: a lost datagram, nothing more.
      }
    }
  };
  const endpoint: UdpEndpoint = Object.freeze({
    local: Object.freeze({ hostname: socket.address.address, port: socket.port }),
    send(data: Uint8Array, to: RemoteAddress): void {
      if (closed) return;
      pending.push(data, to.port, to.hostname);
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    },
    close(): void {
      if (closed) return;
      closed = true;
      socket.close();
    },
  });
  bound.endpoint = endpoint;
  return endpoint;
}

/** Builds the connection wrapper: bytes the kernel refuses are queued and flushed on drain. */
function wrapConnection(socket: BunTcpSocket, handlers: TcpHandlers): ConnectionState {
  const queue: Uint8Array[] = [];
  let unsent = 0;
  let closing = false;
  let closed = false;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;

  /** Writes queued chunks until the kernel refuses; true when the queue is empty. */
  const flush = (): boolean => {
    while (queue.length > 0) {
      const chunk = queue[0];
      const written = socket.write(chunk);
      if (written < 0) {
        queue.length = 0;
        unsent = 0;
        return true;
      }
      unsent -= written;
      if (written < chunk.length) {
        queue[0] = chunk.subarray(written);
        return false;
      }
      queue.shift();
    }
    return true;
  };

  const connection: TcpConnection = Object.freeze({
    remote: Object.freeze({ hostname: socket.remoteAddress, port: socket.remotePort }),
    get unsent() {
      return unsent;
    },
    write(data: Uint8Array): void {
      if (closing || closed || data.length === 0) return;
      queue.push(data);
      unsent += data.length;
      if (queue.length === 1) flush();
    },
    pause(): void {
      if (!closed) socket.pause();
    },
    resume(): void {
      if (!closed) socket.resume();
    },
    close(): void {
      if (closing || closed) return;
      closing = true;
      if (queue.length === 0) return socket.end();
      // Let queued replies drain, but never let a peer that stopped reading pin the socket.
      lingerTimer = setTimeout(() => socket.terminate(), TCP_CLOSE_LINGER_MS);
    },
  });

  return {
    connection,
    drain(): void {
      const hadQueue = queue.length > 0;
      if (!flush()) return;
      if (closing) socket.end();
      else if (hadQueue) handlers.drain(connection);
    },
    closed(): void {
      if (closed) return;
      closed = true;
      clearTimeout(lingerTimer);
      queue.length = 0;
      unsent = 0;
      handlers.close(connection);
    },
  };
}

// deno-lint-ignore require-await -- async turns a synchronous bind error into a rejection
async function listenTcp(
  hostname: string,
  port: number,
  handlers: TcpHandlers,
): Promise<TcpListener> {
  let stopped = false;
  const listener = Bun.listen({
    hostname,
    port,
    // No SO_REUSEPORT: a second server on the same port must be refused.
    reusePort: false,
    allowHalfOpen: true,
    socket: {
      binaryType: "uint8array",
      open(socket) {
        socket.data = wrapConnection(socket, handlers);
        handlers.open(socket.data.connection);
      },
      data(socket, chunk) {
        handlers.data(socket.data.connection, chunk);
      },
      drain(socket) {
        socket.data.drain();
      },
      end(socket) {
        handlers.end(socket.data.connection);
      },
      error() {
        // The close handler follows; nothing to add.
      },
      close(socket) {
        socket.data.closed();
      },
    },
  });
  return Object.freeze({
    local: Object.freeze({ hostname: listener.hostname, port: listener.port }),
    close(): void {
      if (stopped) return;
      stopped = true;
      // Open connections stay, as on Deno: the server closes its own.
      listener.stop(false);
    },
  });
}

/** The Bun implementation of the platform services. */
export const bunRuntime: Runtime = Object.freeze({
  name: "bun",
  version: Bun.version,
  platform: `${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`,
  // [runtime, script, ...args] from source; ["bun", "/$bunfs/root/<name>", ...args] when compiled.
  args: Object.freeze(Bun.argv.slice(2)),
  bindUdp,
  listenTcp,
  dial,
  clock: systemClock,
  // Bun's setImmediate runs after the loop has polled its sockets.
  deferAfterIo: (task: () => void) => void setImmediate(task),
  onSignal(signal: SignalName, handler: () => void): void {
    process.on(signal, handler);
  },
  readTextFile: (path: string) => Bun.file(path).text(),
  writeNewFile: (path: string, data: string, mode: number) =>
    writeFile(path, data, { flag: "wx", mode }).catch((error) => {
      throw fileError(path, error);
    }),
  async statFile(path: string): Promise<FileStat | null> {
    try {
      const info = await stat(path);
      return { mtimeMs: info.mtimeMs, size: info.size, mode: info.mode & 0o777 };
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return null;
      throw error;
    }
  },
  async readStateFile(path: string, maxBytes: number): Promise<string | null> {
    let file;
    try {
      // O_NOFOLLOW: a symbolic link fails with ELOOP instead of being read.
      file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return null;
      throw fileError(path, error);
    }
    try {
      const info = await file.stat();
      const problem = stateFileProblem(
        { isSymlink: false, isFile: info.isFile(), size: info.size },
        maxBytes,
      );
      if (problem !== null) throw new StateFileError(path, problem);
      return await readCapped(
        path,
        maxBytes,
        async (into) => (await file.read(into, 0, into.length, null)).bytesRead,
      );
    } catch (error) {
      throw fileError(path, error);
    } finally {
      await file.close();
    }
  },
  async replaceFile(path: string, data: string, mode: number): Promise<void> {
    const temporary = `${path}.${process.pid}.tmp`;
    try {
      const file = await open(temporary, "w", mode);
      try {
        await file.writeFile(data);
        await file.sync();
      } finally {
        await file.close();
      }
      await chmod(temporary, mode); // open's mode is subject to the umask
      await rename(temporary, path);
      const directory = await open(parentDirectory(path), "r");
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => {});
      throw fileError(path, error);
    }
  },
  writeStderr(text: string): void {
    process.stderr.write(text);
  },
  stderrIsTerminal: () => process.stderr.isTTY === true,
  onUncaughtError(handler: (error: unknown) => void): void {
    process.on("uncaughtException", handler);
    process.on("unhandledRejection", handler);
  },
  env: (name: string) => process.env[name],
  exit: (code: number): never => process.exit(code),
  processStats: readProcessStats,
  // Hands back what a one-off job (the YAML parse, a zone build) left, before the next allocates.
  collectGarbage(): void {
    Bun.gc(true);
  },
});
