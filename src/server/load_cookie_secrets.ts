import type { CookieConfig } from "../config/config.ts";
import { ConfigError } from "../config/config_error.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { stateFileReason } from "../runtime/state_file.ts";

/** The file under `state_dir` that keeps the cookie secrets. */
export const COOKIE_SECRET_FILE = "cookie_secret";

const SECRET = /^[0-9a-f]{32}$/;

/** Room for dozens of secrets with comments; a bigger file is not a secrets file. */
const COOKIE_SECRET_MAX_BYTES = 4096;

/** Where the secrets came from, for the start-up log (never the secrets themselves). */
export type CookieSecretSource = "config" | "state_dir" | "random";

/** The server's cookie secrets (16 bytes each, the first makes cookies) and their source. */
export interface CookieSecrets {
  readonly secrets: readonly Uint8Array[];
  readonly source: CookieSecretSource;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function randomHex(): string {
  return toHex(randomCookieSecret());
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A new random 128-bit secret (Web Crypto). */
export function randomCookieSecret(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(16));
}

/** Reads the secrets file: one 32-hex-digit secret a line, the first makes cookies; # comments. */
function parseSecretFile(text: string, path: string): Uint8Array[] {
  const secrets: Uint8Array[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim().toLowerCase();
    if (line === "" || line.startsWith("#")) return;
    if (!SECRET.test(line)) {
      throw new ConfigError(`${path}:${index + 1}`, "is not a secret of 32 hex digits");
    }
    secrets.push(fromHex(line));
  });
  if (secrets.length === 0) throw new ConfigError(path, "holds no secret");
  return secrets;
}

/**
 * The DNS cookie secrets, in this order of preference:
 * - `cookies.secret` from the configuration (an anycast set or several
 *   instances share it; RFC 9018 §4.4 asks for it to be configurable);
 * - the `cookie_secret` file under `state_dir`, created with a random secret
 *   (mode 0600) on first start, so cookies stay valid across restarts;
 * - `processSecret`, the random secret this process made at start-up: cookies
 *   are valid until it exits (a reload keeps it).
 * Read again on every reload, so a rollover (RFC 9018 §5: add the new secret
 * second, move it first, drop the old) needs only an edit and SIGHUP.
 *
 * @throws ConfigError naming the file when it cannot be read or written, or
 *   holds something other than secrets.
 */
export async function loadCookieSecrets(
  config: CookieConfig,
  stateDir: string | null,
  runtime: Pick<Runtime, "readStateFile" | "writeNewFile">,
  processSecret: Uint8Array,
): Promise<CookieSecrets> {
  if (config.secrets.length > 0) {
    return { secrets: config.secrets.map(fromHex), source: "config" };
  }
  if (stateDir === null) return { secrets: [processSecret], source: "random" };
  const path = `${stateDir.replace(/\/+$/, "")}/${COOKIE_SECRET_FILE}`;
  const read = async () => {
    try {
      return await runtime.readStateFile(path, COOKIE_SECRET_MAX_BYTES);
    } catch (error) {
      throw new ConfigError(path, `cannot read the cookie secret: ${stateFileReason(error)}`);
    }
  };
  let text = await read();
  if (text === null) {
    const secret = randomHex();
    try {
      await runtime.writeNewFile(path, `${secret}\n`, 0o600);
      return { secrets: [fromHex(secret)], source: "state_dir" };
    } catch (writeError) {
      // Another instance may have created it meanwhile; if not, say why writing failed
      // (a read-only state_dir is EROFS, not the ENOENT of the first read).
      text = await read();
      if (text === null) {
        throw new ConfigError(
          path,
          `cannot create the cookie secret: ${stateFileReason(writeError)}`,
        );
      }
    }
  }
  return { secrets: parseSecretFile(text, path), source: "state_dir" };
}
