/**
 * `healthy-dns serve`: the process around the server (configuration, logger,
 * signals) and the one line it logs when it starts.
 */
import type { Config } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { algorithmName, type SigningKey } from "../dnssec/keys.ts";
import { collectEndpoints } from "../health/endpoints.ts";
import { type BuildInfo, formatBuildInfo } from "../observe/build_info.ts";
import { createLogger, type LogFields } from "../observe/logger.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DEFAULT_SERVER_DEPS } from "./server_deps.ts";
import { type DnsServer, startDnsServer } from "./dns_server.ts";
import type { CookieSecretSource } from "./preflight.ts";

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

/**
 * The one line `serve` logs when it starts: what is running (as `--version`
 * prints it) and what it serves, e.g.
 * `starting healthy-dns 0.2.0 (3f2a1c9, bun 1.4.5, linux-x64) config=/etc/healthy-dns/config.yaml
 * zone=example.com aliases=example.net names=12 endpoints=20 dnssec=ECDSAP256SHA256 key_tag=2371
 * rate_limit=200/s rate_limit_exempt=127.0.0.0/8,::1/128 cookie_secret=state_dir`.
 *
 * @param key the loaded signing key, or null when DNSSEC is off.
 * @param cookieSecret where the DNS cookie secret came from (never the secret).
 */
export function startupLine(
  info: BuildInfo,
  config: Config,
  key: SigningKey | null,
  cookieSecret: CookieSecretSource,
): { readonly message: string; readonly fields: LogFields } {
  return {
    message: `starting ${formatBuildInfo(info)}`,
    fields: {
      config: config.configFile ?? "none",
      zone: config.hostedZone,
      aliases: config.aliasZones.length > 0 ? config.aliasZones.join(",") : undefined,
      names: config.records.length,
      endpoints: collectEndpoints(config).length,
      dnssec: key === null ? "off" : algorithmName(key.algorithm),
      key_tag: key?.keyTag,
      rate_limit: config.rateLimit.responsesPerSecond > 0
        ? `${config.rateLimit.responsesPerSecond}/s`
        : "off",
      rate_limit_exempt: config.rateLimit.responsesPerSecond > 0
        ? config.rateLimit.exempt.map((range) => `${range.address}/${range.prefix}`).join(",") ||
          "none"
        : undefined,
      cookie_secret: cookieSecret,
    },
  };
}
