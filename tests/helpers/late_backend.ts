import { openTcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";

/** A loopback listener that starts listening only some time after it is made. */
export interface LateBackend {
  /** The port it will listen on (free now, so probes to it are refused until then). */
  readonly port: number;
  /** performance.now() once it listens; Infinity before. */
  readonly openedAt: number;
  /** Cancels the opening if still pending and stops listening. */
  close(): Promise<void>;
}

/** Reserves a port on `host` and starts listening on it after `delayMs`. */
export async function openLateBackend(host: string, delayMs: number): Promise<LateBackend> {
  const backend = await openTcpBackend(host);
  await backend.stop();
  let openedAt = Infinity;
  const timer = setTimeout(
    () => backend.start().then(() => (openedAt = performance.now())),
    delayMs,
  );
  return {
    port: backend.port,
    get openedAt() {
      return openedAt;
    },
    async close() {
      clearTimeout(timer);
      await backend.stop();
    },
  };
}
