import { DEFAULTS, type TsigAlgorithmName } from "../config/config.ts";
import { domainNameProblem } from "../config/names.ts";
import { TSIG_ALGORITHMS } from "../config/transfer.ts";
import { bytesToBase64 } from "../wire/bytes.ts";

/** Secret length per algorithm: the hash's output size (RFC 8945 §6: at least that long). */
const SECRET_BYTES: Readonly<Record<TsigAlgorithmName, number>> = {
  "hmac-sha1": 20,
  "hmac-sha224": 28,
  "hmac-sha256": 32,
  "hmac-sha384": 48,
  "hmac-sha512": 64,
};

const USAGE = `usage: healthy-dns tsig-keygen NAME [--algorithm ${TSIG_ALGORITHMS.join("|")}]`;

/** What `tsig-keygen` needs: output lines and random bytes (injectable for tests). */
export interface TsigKeygenDeps {
  out(line: string): void;
  err(line: string): void;
  random?(bytes: Uint8Array<ArrayBuffer>): void;
}

/**
 * `healthy-dns tsig-keygen NAME [--algorithm ALG]`: prints a new random TSIG
 * key as the healthy-dns `transfer.tsig_keys` entry and as the key stanzas of
 * Knot, NSD and BIND, ready to paste. Every form spells the name the same,
 * without a trailing dot, as the zone stanzas of docs/scaling-out.md refer to
 * it: NSD matches key names as text, so `"xfr-key."` would not be found by a
 * `request-xfr: … xfr-key`. Returns the exit code (2: user error).
 */
export function runTsigKeygen(args: readonly string[], deps: TsigKeygenDeps): number {
  let name: string | undefined;
  let algorithm: TsigAlgorithmName = DEFAULTS.transfer.tsigAlgorithm;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    if (flag === "--algorithm") {
      const value = inline ?? args[++i];
      const found = TSIG_ALGORITHMS.find((a) => a === value?.toLowerCase());
      if (found === undefined) {
        deps.err(
          `--algorithm: ${JSON.stringify(value ?? "")} is not one of ${TSIG_ALGORITHMS.join(", ")}`,
        );
        return 2;
      }
      algorithm = found;
    } else if (!args[i].startsWith("-") && name === undefined) {
      name = args[i].toLowerCase().replace(/\.$/, "");
    } else {
      deps.err(`${JSON.stringify(args[i])}: unexpected argument; ${USAGE}`);
      return 2;
    }
  }
  if (name === undefined) {
    deps.err(`NAME: required; ${USAGE}`);
    return 2;
  }
  const problem = domainNameProblem(name);
  if (problem !== null) {
    deps.err(`NAME: ${JSON.stringify(name)} is not a valid key name: ${problem}`);
    return 2;
  }
  const bytes = new Uint8Array(SECRET_BYTES[algorithm]);
  (deps.random ?? ((b) => crypto.getRandomValues(b)))(bytes);
  const secret = bytesToBase64(bytes);
  for (
    const line of [
      "# healthy-dns (YAML config, under transfer:)",
      "tsig_keys:",
      `  - { name: ${name}, algorithm: ${algorithm}, secret: "${secret}" }`,
      "",
      "# Knot DNS (knot.conf)",
      "key:",
      `  - id: ${name}`,
      `    algorithm: ${algorithm}`,
      `    secret: ${secret}`,
      "",
      "# NSD (nsd.conf)",
      "key:",
      `  name: "${name}"`,
      `  algorithm: ${algorithm}`,
      `  secret: "${secret}"`,
      "",
      "# BIND (named.conf)",
      `key "${name}" { algorithm ${algorithm}; secret "${secret}"; };`,
    ]
  ) deps.out(line);
  return 0;
}
