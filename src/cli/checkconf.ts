import { ConfigError } from "../config/config.ts";
import { loadConfig } from "../config/load.ts";
import { overridesPath, readOverrideFile } from "../config/overrides.ts";
import { loadSigningKey } from "../dnssec/keys.ts";
import type { FileStat } from "../runtime/runtime.ts";
import { configWarnings, loadConfiguredKey } from "../server/preflight.ts";

/** What `healthy-dns checkconf` needs from the platform. */
export interface CheckconfDeps {
  /** Reads the `--config` file and the key, as `serve` does. */
  readTextFile(path: string): Promise<string>;
  /** Reads the override file, as `serve` does (no symbolic links, a size cap). */
  readStateFile(path: string, maxBytes: number): Promise<string | null>;
  /** Reads the key file's permissions. */
  statFile(path: string): Promise<FileStat | null>;
  /** Prints one line on stdout. */
  out(line: string): void;
}

/** Runs `step`; a `ConfigError` becomes an `error: …` line and null, anything else is thrown. */
async function attempt<T>(errors: string[], step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    errors.push(`error: ${error.message.replace(/\s*\n\s*/g, " ")}`);
    return null;
  }
}

/**
 * `healthy-dns checkconf [FLAGS] [--strict]`: reads the configuration, the
 * DNSSEC key and the operator override file exactly as `serve` would,
 * without binding a socket or probing, and prints `ok` or every problem, one
 * per line: `error: …` (the one-line message `serve` would stop with) and
 * `warning: …` (what `serve` logs at start-up, see `configWarnings`). The
 * configuration stops at its first error (later settings depend on earlier
 * ones); the key and the override file are checked even when the other fails.
 *
 * @returns 0 when valid, 2 on an error, 1 when `--strict` and there are only warnings.
 */
export async function runCheckconf(args: readonly string[], deps: CheckconfDeps): Promise<number> {
  const strict = args.includes("--strict");
  const flags = args.filter((arg) => arg !== "--strict");
  const errors: string[] = [];
  const config = await attempt(errors, () => loadConfig(flags, deps.readTextFile));
  if (config === null) {
    for (const line of errors) deps.out(line);
    return 2;
  }
  const key = await attempt(
    errors,
    () => loadConfiguredKey(config, deps.readTextFile, loadSigningKey),
  );
  // serve refuses to start on a malformed override file, so it is checked here too.
  const overrides = config.stateDir === null ? null : overridesPath(config.stateDir);
  if (overrides !== null) {
    await attempt(errors, () => readOverrideFile(overrides, deps.readStateFile));
  }
  const keyFile = config.dnssec === null
    ? null
    : await deps.statFile(config.dnssec.keyPath).catch(() => null);
  const warnings = configWarnings(config, key, keyFile).map((warning) => `warning: ${warning}`);
  for (const line of [...errors, ...warnings]) deps.out(line);
  if (errors.length > 0) return 2;
  if (warnings.length === 0) deps.out("ok");
  return strict && warnings.length > 0 ? 1 : 0;
}
