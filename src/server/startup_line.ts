import type { Config } from "../config/config.ts";
import { algorithmName, type SigningKey } from "../dnssec/keys.ts";
import { collectEndpoints } from "../health/endpoints.ts";
import { type BuildInfo, formatBuildInfo } from "../observe/build_info.ts";
import type { LogFields } from "../observe/logger.ts";
import type { CookieSecretSource } from "./load_cookie_secrets.ts";

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
