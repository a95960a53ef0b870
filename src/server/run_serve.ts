/**
 * `healthy-dns serve`: the process around the server (configuration, logger,
 * signals).
 */
import { loadConfig } from "../config/load.ts";
import { createLogger } from "../observe/logger.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DEFAULT_SERVER_DEPS } from "./server_deps.ts";
import { type DnsServer, startDnsServer } from "./dns_server.ts";

/**
 * `healthy-dns serve [flags]`: loads the configuration, starts the server and
 * runs until SIGTERM or SIGINT, which close every listener and stop probing.
 * SIGTERM first waits out the lame-duck delay when one is configured (DNS
 * still answered, /healthz 503); SIGINT, or a second signal, stops at once.
 * SIGHUP re-reads the configuration from the same flags (and so the same
 * `--config` file) and applies it, or logs one line and keeps serving the
 * old zone. Logs go to stderr, as logfmt or JSON lines.
 *
 * @returns 0 once stopped by a signal.
 * @throws ConfigError when the configuration, a listen address or the key is unusable.
 */
export async function runServe(args: readonly string[], runtime: Runtime): Promise<number> {
  const readConfig = () => loadConfig(args, runtime.readTextFile);
  const config = await readConfig();
  const logger = createLogger(config.logLevel, (line) => console.error(line), {
    format: config.logFormat,
    now: runtime.clock.now,
  });
  let server: DnsServer | null = null;
  let stopping = false;
  let stopped: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (stopped = resolve));

  // Installed before starting so that no signal meets the default action (which kills).
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    runtime.onSignal(signal, () => {
      // Still starting: nothing to drain, the OS closes the sockets.
      if (server === null) {
        logger.info("stopping", { signal });
        return runtime.exit(0);
      }
      if (stopping) {
        // A second signal during the lame-duck delay: stop now.
        logger.info("stopping now", { signal });
        void server.stop();
        return;
      }
      stopping = true;
      logger.info("stopping", { signal });
      void (signal === "SIGTERM" ? server.shutdown() : server.stop()).then(() => {
        logger.info("stopped");
        stopped(0);
      });
    });
  }
  runtime.onSignal("SIGHUP", () => {
    if (server === null || stopping) return logger.warning("SIGHUP ignored: not serving yet");
    logger.info("SIGHUP: reloading the configuration");
    void server.reload();
  });

  server = await startDnsServer({
    config,
    runtime,
    logger,
    deps: DEFAULT_SERVER_DEPS,
    reloadConfig: readConfig,
  });
  return done;
}
