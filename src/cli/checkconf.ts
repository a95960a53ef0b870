import { ConfigError } from "../config/config_error.ts";
import { loadConfig } from "../config/load_config.ts";
import { overridesPath, readOverrides } from "../config/read_overrides.ts";
import { loadSigningKey } from "../dnssec/load_signing_key.ts";
import type { FileStat } from "../runtime/runtime.ts";
import { configWarnings } from "../server/config_warnings.ts";
import { loadConfiguredKey } from "../server/load_configured_key.ts";

/** What `healthy-dns checkconf` needs from the platform. */
export interface CheckconfDeps {
  /** Reads the `--config` file and the key, as `serve` does. */
  readTextFile(path: string): Promise<string>;
  /** Reads the key file's permissions. */
  statFile(path: string): Promise<FileStat | null>;
  /** Prints one line on stdout. */
  out(line: string): void;
}

/**
 * `healthy-dns checkconf [FLAGS] [--strict]`: reads the configuration, the
 * DNSSEC key and the operator override file exactly as `serve` would, without binding a socket or probing,
 * and prints `ok` or every problem, one per line: `error: …` (the one-line
 * message `serve` would stop with) and `warning: …` (what `serve` logs at
 * start-up, see `configWarnings`).
 *
 * @returns 0 when valid, 2 on an error, 1 when `--strict` and there are only warnings.
 */
export async function runCheckconf(args: readonly string[], deps: CheckconfDeps): Promise<number> {
  const strict = args.includes("--strict");
  const flags = args.filter((arg) => arg !== "--strict");
  let warnings: readonly string[];
  try {
    const config = await loadConfig(flags, deps.readTextFile);
    const key = await loadConfiguredKey(config.dnssec, deps.readTextFile, loadSigningKey);
    const keyFile = config.dnssec === null ? null : await deps.statFile(config.dnssec.keyPath);
    // serve refuses to start on a malformed override file, so it is checked here too.
    const overrides = config.stateDir === null ? null : overridesPath(config.stateDir);
    if (overrides !== null && (await deps.statFile(overrides)) !== null) {
      readOverrides(await deps.readTextFile(overrides), overrides);
    }
    warnings = configWarnings(config, key, keyFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    deps.out(`error: ${error.message.replace(/\s*\n\s*/g, " ")}`);
    return 2;
  }
  for (const warning of warnings) deps.out(`warning: ${warning}`);
  if (warnings.length === 0) deps.out("ok");
  return strict && warnings.length > 0 ? 1 : 0;
}
