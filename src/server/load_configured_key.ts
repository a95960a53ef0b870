import type { Config } from "../config/config.ts";
import { ConfigError } from "../config/config_error.ts";
import type { SigningKey } from "../dnssec/keys.ts";
import type { ServerDeps, SnapshotTiming } from "./server_deps.ts";

/**
 * Reads and loads the configured DNSSEC key, or returns null when signing is off.
 *
 * @throws ConfigError naming where the key setting came from (`--priv-key-path`
 *   or `dnssec.key (in FILE)`), the file and the problem.
 */
export async function loadConfiguredKey(
  config: Pick<Config, "dnssec" | "origins">,
  readTextFile: (path: string) => Promise<string>,
  loadSigningKey: ServerDeps<SnapshotTiming>["loadSigningKey"],
): Promise<SigningKey | null> {
  const { dnssec, origins } = config;
  if (dnssec === null) return null;
  try {
    return await loadSigningKey(
      await readTextFile(dnssec.keyPath),
      dnssec.algorithm,
      origins.dnssecAlgorithm,
    );
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(origins.dnssecKey, `${dnssec.keyPath}: ${detail.split("\n")[0]}`);
  }
}
