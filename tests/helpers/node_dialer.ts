import * as net from "node:net";
import type { Dialer, DialFailure, DialResult } from "../../src/runtime/runtime.ts";

const REASONS: Readonly<Record<string, DialFailure>> = {
  ECONNREFUSED: "refused",
  ETIMEDOUT: "timeout",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
};

/**
 * A `Dialer` on `node:net` (works under Deno and Bun) for tests: connects,
 * closes at once, and reports refused / timeout / unreachable / error with
 * the elapsed milliseconds. The socket is destroyed on every path.
 */
export const nodeDialer: Dialer = (hostname, port, timeoutMs) => {
  const startedAt = performance.now();
  return new Promise<DialResult>((resolve) => {
    const socket = net.connect({ host: hostname, port });
    const finish = (result: DialResult) => {
      globalThis.clearTimeout(timer);
      socket.removeAllListeners();
      socket.on("error", () => {});
      socket.destroy();
      resolve(result);
    };
    const timer = globalThis.setTimeout(() => {
      finish({
        ok: false,
        reason: "timeout",
        ms: performance.now() - startedAt,
        detail: `no answer from ${hostname} port ${port} within ${timeoutMs} ms`,
      });
    }, timeoutMs);
    socket.once("connect", () => finish({ ok: true, ms: performance.now() - startedAt }));
    socket.once("error", (error: NodeJS.ErrnoException) => {
      finish({
        ok: false,
        reason: REASONS[error.code ?? ""] ?? "error",
        ms: performance.now() - startedAt,
        detail: error.message,
      });
    });
  });
};
