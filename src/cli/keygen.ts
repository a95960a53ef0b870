import { DEFAULTS } from "../config/config.ts";
import type { DnssecAlgorithmName } from "../wire/constants.ts";
import { ALGORITHM_NUMBER, generateKeyPem, loadSigningKey } from "../dnssec/keys.ts";
import { KEYGEN_SYNOPSIS } from "./usage.ts";

/** What `healthy-dns keygen` needs from the platform. */
export interface KeygenDeps {
  /** Writes a new file with `mode`; must fail (code EEXIST) if it exists. */
  writeNewFile(path: string, data: string, mode: number): Promise<void>;
  /** Prints one line on stdout. */
  out(line: string): void;
  /** Prints one line on stderr; errors go to `out` when absent. */
  err?(line: string): void;
}

/** Private keys are readable by their owner only. */
const KEY_FILE_MODE = 0o600;

/**
 * `healthy-dns keygen [--algorithm ALG] --out key.pem`: writes a new PKCS#8
 * PEM private key (mode 0600) and prints its key tag and the next step. The
 * algorithm defaults to the recommended ECDSAP256SHA256; the server and `ds`
 * take the algorithm from the key, so the next step needs no `--priv-key-alg`.
 * Never overwrites a file. Returns the exit code: 0, or 2 for a user error
 * (one line naming the flag and value).
 */
export async function runKeygen(args: readonly string[], deps: KeygenDeps): Promise<number> {
  const fail = (line: string) => {
    (deps.err ?? deps.out)(line);
    return 2;
  };
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag !== "--algorithm" && flag !== "--out") {
      return fail(`${JSON.stringify(args[i])}: unknown argument; ${KEYGEN_SYNOPSIS}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === "") {
      return fail(`${flag}: needs a value; ${KEYGEN_SYNOPSIS}`);
    }
    flags.set(flag, value);
  }
  const path = flags.get("--out");
  if (path === undefined) return fail(`--out: required; ${KEYGEN_SYNOPSIS}`);
  const algorithm = readAlgorithm(flags.get("--algorithm"));
  if (algorithm === null) {
    return fail(
      `--algorithm: ${JSON.stringify(flags.get("--algorithm"))} is not one of ${
        Object.keys(ALGORITHM_NUMBER).join(", ")
      }`,
    );
  }
  const pem = await generateKeyPem(algorithm);
  try {
    await deps.writeNewFile(path, pem, KEY_FILE_MODE);
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") {
      return fail(`--out: ${JSON.stringify(path)} already exists; refusing to overwrite a key`);
    }
    return fail(
      `--out: cannot write ${JSON.stringify(path)}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const key = await loadSigningKey(pem, algorithm);
  deps.out(`wrote a new ${algorithm} private key to ${path} (key tag ${key.keyTag})`);
  deps.out(
    `next: healthy-dns ds --priv-key-path ${path} --hosted-zone ZONE`,
  );
  return 0;
}

/** The algorithm named by `--algorithm` (any case), its default when absent, or null. */
function readAlgorithm(value: string | undefined): DnssecAlgorithmName | null {
  if (value === undefined) return DEFAULTS.keygenAlgorithm;
  const names = Object.keys(ALGORITHM_NUMBER) as DnssecAlgorithmName[];
  return names.find((name) => name.toLowerCase() === value.toLowerCase()) ?? null;
}
