/**
 * Runs the real server for tests, two ways:
 * - `startTestServer`: in-process, through the server API, on 127.0.0.1 with
 *   an ephemeral port (port 0 exists only in the API, never on the CLI);
 * - `spawnServer` / `runCliProcess`: the CLI in a child process of the current
 *   runtime (deno or bun), for exit codes, signals and stderr lines.
 * Clients use node:dgram and node:net, which both runtimes provide.
 */
import { type ChildProcess, spawn } from "node:child_process";
import dgram from "node:dgram";
import net from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config } from "../../../src/config/config.ts";
import { loadConfig } from "../../../src/config/load.ts";
import type { HealthView } from "../../../src/health/health_state.ts";
import { createLogger } from "../../../src/observe/logger.ts";
import { type Runtime } from "../../../src/runtime/runtime.ts";
import { currentRuntime } from "../../../src/runtime/current_runtime.ts";
import { DEFAULT_SERVER_DEPS, type ServerDeps } from "../../../src/server/server_deps.ts";
import { type DnsServer, startDnsServer } from "../../../src/server/dns_server.ts";
import type { Snapshot } from "../../../src/zone/snapshot.ts";

/** The repository root (where main.ts and deno.json are). */
export const REPO_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** How long a client waits for a response before calling it dropped. */
const RESPONSE_TIMEOUT_MS = 2_000;

/** Options of `startTestServer`. */
export interface TestServerOptions {
  /** Flags as `healthy-dns serve` takes them; default `["--demo"]`. */
  readonly args?: readonly string[];
  /** Replaces parts of the loaded config (after the flags); `listen` is always 127.0.0.1:0. */
  readonly overrides?: Partial<Config>;
  /** Serve with this fixed health instead of probing (zone tests); change it with `setHealth`. */
  readonly health?: HealthView;
  /** Wraps the real runtime (e.g. a file system that fails); default the runtime as is. */
  readonly runtime?: (real: Runtime) => Runtime;
}

/** A server running in this process. */
export interface TestServer {
  /** The DNS port, UDP and TCP. */
  readonly port: number;
  readonly server: DnsServer;
  /** Every log line so far (debug level). */
  readonly logs: readonly string[];
  /** Sends one query; resolves with the response, or null if none came within 2 s. */
  query(bytes: Uint8Array, transport: "udp" | "tcp"): Promise<Uint8Array | null>;
  /** A raw TCP connection to the server, connected (the caller destroys it). */
  tcpConnect(): Promise<net.Socket>;
  /** With `options.health`: publishes a new health view as the monitor would. */
  setHealth(view: HealthView): void;
  /** `reload()` with the same args and overrides, as SIGHUP does. */
  reload(): Promise<boolean>;
  stop(): Promise<void>;
}

/** Starts the real server in-process on 127.0.0.1 and an ephemeral port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const real = await currentRuntime();
  const runtime = options.runtime?.(real) ?? real;
  const args = options.args ?? ["--demo"];
  const readConfig = async (): Promise<Config> => ({
    ...(await loadConfig(args, runtime.readTextFile)),
    ...options.overrides,
    listen: [{ hostname: "127.0.0.1", port: 0 }],
  });
  const logs: string[] = [];
  const logger = createLogger("debug", (line) => logs.push(line));
  let publish: (view: HealthView) => void = () => {};
  const fixed = options.health;
  const deps: ServerDeps<Snapshot> = fixed === undefined ? DEFAULT_SERVER_DEPS : {
    ...DEFAULT_SERVER_DEPS,
    createHealthMonitor(_config, _dialer, _clock, _logger, onChange) {
      publish = onChange;
      return {
        start: () => Promise.resolve(fixed),
        updateConfig: () => fixed,
        stop: () => Promise.resolve(),
        cycleDurationMs: 0,
        endpointStatus: () => [],
      };
    },
  };
  const server = await startDnsServer({
    config: await readConfig(),
    runtime,
    logger,
    deps,
    reloadConfig: readConfig,
  });
  const port = server.addresses[0].port;
  return {
    port,
    server,
    logs,
    query: (
      bytes,
      transport,
    ) => (transport === "udp" ? udpExchange(port, bytes) : tcpExchange(port, bytes)),
    tcpConnect: () => connectTcp(port),
    setHealth: (view) => publish(view),
    reload: () => server.reload(),
    stop: () => server.stop(),
  };
}

/** Sends one UDP datagram to `host` (default 127.0.0.1):`port`; resolves with the first reply or null after `timeoutMs`. */
export function udpExchange(
  port: number,
  query: Uint8Array,
  timeoutMs = RESPONSE_TIMEOUT_MS,
  host = "127.0.0.1",
): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    const finish = (result: Uint8Array | null, error?: Error) => {
      clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    socket.on("error", (error) => finish(null, error));
    socket.on("message", (message) => finish(new Uint8Array(message)));
    socket.send(query, port, host);
  });
}

/** Connects to 127.0.0.1:`port` over TCP. */
function connectTcp(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * A series of the server's /metrics at `httpPort`: the sum of the lines of
 * family `name` whose labels contain `labels` (all of them for ""), 0 when absent.
 */
export async function scrapeMetric(httpPort: number, name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    const series = /^[a-z_]+/.exec(line)?.[0];
    if (series === name && line.includes(labels)) sum += Number(line.split(" ").pop());
  }
  return sum;
}

/**
 * Sends `total` queries over UDP from one socket on 127.0.0.1, `perSecond` of
 * them a second (`query(id)` makes each, IDs 0, 1, …), without waiting for
 * answers; resolves with how many distinct IDs were answered, counting
 * answers that come up to 2 s after the last query.
 */
export async function udpBurst(
  port: number,
  total: number,
  perSecond: number,
  query: (id: number) => Uint8Array,
): Promise<number> {
  const socket = dgram.createSocket("udp4");
  const seen = new Set<number>();
  socket.on("message", (message: Uint8Array) => seen.add((message[0] << 8) | message[1]));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  try {
    const started = Date.now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor((Date.now() - started) * perSecond / 1000) + 1);
      for (; sent < due; sent++) socket.send(query(sent), port, "127.0.0.1");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const until = Date.now() + 2_000;
    while (seen.size < total && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return seen.size;
  } finally {
    socket.close();
  }
}

/**
 * Reads length-prefixed DNS messages from a TCP socket. `next()` resolves
 * with the next message, or null when the connection ends or `timeoutMs`
 * passes first.
 */
export function tcpMessages(
  socket: net.Socket,
): { next(timeoutMs?: number): Promise<Uint8Array | null> } {
  let buffer = new Uint8Array(0);
  let ended = false;
  let wake: () => void = () => {};
  socket.on("data", (chunk: Uint8Array) => {
    const joined = new Uint8Array(buffer.length + chunk.length);
    joined.set(buffer);
    joined.set(chunk, buffer.length);
    buffer = joined;
    wake();
  });
  socket.on("close", () => {
    ended = true;
    wake();
  });
  socket.on("error", () => {});
  const take = (): Uint8Array | null => {
    if (buffer.length < 2) return null;
    const length = (buffer[0] << 8) | buffer[1];
    if (buffer.length < 2 + length) return null;
    const message = buffer.slice(2, 2 + length);
    buffer = buffer.slice(2 + length);
    return message;
  };
  return {
    async next(timeoutMs = RESPONSE_TIMEOUT_MS) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = take();
        if (message !== null) return message;
        const left = deadline - Date.now();
        if (ended || left <= 0) return null;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

/** Sends one length-prefixed query on a fresh TCP connection; resolves with the response or null. */
export async function tcpExchange(
  port: number,
  query: Uint8Array,
  timeoutMs = RESPONSE_TIMEOUT_MS,
): Promise<Uint8Array | null> {
  const socket = await connectTcp(port);
  try {
    const messages = tcpMessages(socket);
    socket.write(frame(query));
    return await messages.next(timeoutMs);
  } finally {
    socket.destroy();
  }
}

/** Prefixes a DNS message with its 2-byte length (test-side, independent of the server's framer). */
export function frame(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/**
 * Finds a port free on 127.0.0.1 for both UDP and TCP, for servers started
 * through the CLI (which has no port 0). Racy in principle, like any such probe.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const udp = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(0, "127.0.0.1", () => resolve());
    });
    const port = udp.address().port;
    const tcp = net.createServer();
    const free = await new Promise<boolean>((resolve) => {
      tcp.once("error", () => resolve(false));
      tcp.listen(port, "127.0.0.1", () => resolve(true));
    });
    await new Promise<void>((resolve) => (free ? tcp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (free) return port;
  }
  throw new Error("freePort: no port free for both UDP and TCP after 10 attempts");
}

/** The command that runs main.ts on the runtime running the tests. */
async function cliCommand(args: readonly string[]): Promise<[string, string[]]> {
  const runtime = await currentRuntime();
  const script = join(REPO_ROOT, "main.ts");
  return runtime.name === "deno"
    ? [process.execPath, ["run", "-A", script, ...args]]
    : [process.execPath, [script, ...args]];
}

/** A CLI process: its output so far and ways to wait on it. */
export interface CliProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code, or -1 when the process died of a signal or could not start. */
  readonly exited: Promise<number>;
  /** Resolves once a stderr line matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends a signal. */
  kill(signal: NodeJS.Signals): void;
}

/**
 * Starts `healthy-dns ARGS` (main.ts on the current runtime, or `binary`) as a
 * child process. The caller must end it (kill and await `exited`).
 */
export async function spawnCli(args: readonly string[], binary?: string): Promise<CliProcess> {
  const [command, fullArgs] = binary === undefined ? await cliCommand(args) : [binary, [...args]];
  const child = spawn(command, fullArgs, {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  let onOutput: () => void = () => {};
  child.stdout?.on("data", (chunk: Uint8Array) => {
    stdout += new TextDecoder().decode(chunk);
  });
  child.stderr?.on("data", (chunk: Uint8Array) => {
    stderr += new TextDecoder().decode(chunk);
    onOutput();
  });
  let done = false;
  const exited = new Promise<number>((resolve) => {
    child.on("error", () => {
      done = true;
      onOutput();
      resolve(-1);
    });
    child.on("close", (code) => {
      done = true;
      onOutput();
      resolve(code ?? -1);
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    // process.kill, not child.kill: under Deno, child.kill marks the child as
    // killed (later signals are skipped and the exit is reported as the signal).
    kill: (signal) => {
      if (!done && child.pid !== undefined) process.kill(child.pid, signal);
    },
    async waitForLine(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = stderr.split("\n").find((text) => pattern.test(text));
        if (line !== undefined) return line;
        if (done) {
          throw new Error(`process exited before a line matched ${pattern}; stderr:\n${stderr}`);
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(`no line matched ${pattern} within ${timeoutMs} ms; stderr:\n${stderr}`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 100));
          onOutput = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
}

/** Starts the server through the CLI and waits for its `ready` line (default deadline 20 s). */
export async function spawnServer(
  args: readonly string[],
  binary?: string,
  timeoutMs = 20_000,
): Promise<CliProcess> {
  const cli = await spawnCli(args, binary);
  try {
    await cli.waitForLine(/ level=info msg=ready |"msg":"ready"/, timeoutMs);
  } catch (error) {
    cli.kill("SIGKILL");
    await cli.exited;
    throw error;
  }
  return cli;
}

/** Runs a short CLI command to completion (killed after `timeoutMs`). */
export async function runCliProcess(
  args: readonly string[],
  timeoutMs = 20_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = await spawnCli(args);
  const timer = setTimeout(() => cli.kill("SIGKILL"), timeoutMs);
  const code = await cli.exited;
  clearTimeout(timer);
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
