import type { DnssecConfig } from "../config/config.ts";
import { ConfigError } from "../config/config_error.ts";
import type { SigningKey } from "../dnssec/signing_key.ts";
import type { ServerDeps, SnapshotTiming } from "./server_deps.ts";

/**
 * Reads and loads the configured DNSSEC key, or returns null when signing is off.
 *
 * @throws ConfigError naming `--priv-key-path`, the file and the problem.
 */
export async function loadConfiguredKey(
  dnssec: DnssecConfig | null,
  readTextFile: (path: string) => Promise<string>,
  loadSigningKey: ServerDeps<SnapshotTiming>["loadSigningKey"],
): Promise<SigningKey | null> {
  if (dnssec === null) return null;
  try {
    return await loadSigningKey(await readTextFile(dnssec.keyPath), dnssec.algorithm);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError("--priv-key-path", `${dnssec.keyPath}: ${detail.split("\n")[0]}`);
  }
}
