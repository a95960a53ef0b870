import { ConfigError, DEFAULTS } from "../config/config.ts";
import type { DnssecAlgorithmName } from "../wire/constants.ts";
import { loadConfig } from "../config/load.ts";
import { parseFlags } from "../config/flags.ts";
import { readAliasZones, readDomainName } from "../config/names.ts";
import { readChoice, readString } from "../config/value_readers.ts";
import { bytesToBase64 } from "../wire/bytes.ts";
import { dsRdata } from "../dnssec/ds.ts";
import { ALGORITHM_NUMBER, loadSigningKey, type SigningKey } from "../dnssec/keys.ts";
import { zoneTiming } from "../zone/timing.ts";

/** What `healthy-dns ds` needs from the platform. */
export interface DsDeps {
  /** Reads the key file (and a `--config` file). */
  readTextFile(path: string): Promise<string>;
  /** Prints one line on stdout. */
  out(line: string): void;
  /** Prints one line on stderr; errors go to `out` when absent. */
  err?(line: string): void;
}

/** The served zones, the key, and the DNSKEY TTL when the whole config is known. */
interface DsInput {
  readonly zones: readonly string[];
  readonly keyPath: string;
  /** null: the key's own. */
  readonly algorithm: DnssecAlgorithmName | null;
  /** Where the key and a given algorithm came from (flag or YAML path), for messages. */
  readonly keyOrigin: string;
  readonly algorithmOrigin: string;
  readonly ttl: number | null;
}

/**
 * `healthy-dns ds --priv-key-path key.pem [--priv-key-alg ALG] --hosted-zone Z
 * [--alias-zones JSON]`: prints, for every served zone, the DNSKEY record it
 * serves and the DS record (digest type 2, SHA-256) to give to its parent, in
 * zone-file presentation format. Given the full serve configuration (`--config`,
 * `--demo`, or `--ns` and `--zone-resolutions` too), the records carry the
 * DNSKEY TTL the server uses; otherwise they are printed without a TTL.
 * Returns the exit code: 0, or 2 for a user error (one line naming the flag
 * and value).
 */
export async function runDs(args: readonly string[], deps: DsDeps): Promise<number> {
  let input: DsInput;
  let key: SigningKey;
  try {
    input = await readInput(args, deps.readTextFile);
    key = await readKey(input, deps.readTextFile);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    (deps.err ?? deps.out)(error.message);
    return 2;
  }
  const ttl = input.ttl === null ? "" : ` ${input.ttl}`;
  const dnskey = key.dnskeyRdata;
  for (const zone of input.zones) {
    const ds = dsRdata(zone, key);
    const digest = Array.from(ds.subarray(4), (b) => b.toString(16).padStart(2, "0")).join("")
      .toUpperCase();
    deps.out(`; ${zone}: the DNSKEY served at the apex, and the DS record for the parent zone`);
    deps.out(
      `${zone}.${ttl} IN DNSKEY ${(dnskey[0] << 8) | dnskey[1]} ${dnskey[2]} ${dnskey[3]} ${
        bytesToBase64(dnskey.subarray(4))
      }`,
    );
    deps.out(`${zone}.${ttl} IN DS ${key.keyTag} ${key.algorithm} ${ds[3]} ${digest}`);
  }
  return 0;
}

/** Reads the zones and key settings: the full config when given, else just the DNSSEC flags. */
async function readInput(
  args: readonly string[],
  readTextFile: (path: string) => Promise<string>,
): Promise<DsInput> {
  const { layer, configFile, demo } = parseFlags(args);
  if (demo || configFile !== null || (layer.nameServers && layer.records)) {
    const config = await loadConfig(args, readTextFile);
    if (config.dnssec === null) {
      throw new ConfigError("--priv-key-path", "required (or set it in the --config file)");
    }
    return {
      zones: [config.hostedZone, ...config.aliasZones],
      keyPath: config.dnssec.keyPath,
      algorithm: config.dnssec.algorithm,
      keyOrigin: config.origins.dnssecKey,
      algorithmOrigin: config.origins.dnssecAlgorithm,
      ttl: zoneTiming(config).dnskeyTtl,
    };
  }
  if (!layer.zone) throw new ConfigError("--hosted-zone", "required");
  if (!layer.keyPath) throw new ConfigError("--priv-key-path", "required");
  const hostedZone = readDomainName(layer.zone.value, layer.zone.at, "domain name");
  const names = Object.keys(ALGORITHM_NUMBER) as DnssecAlgorithmName[];
  return {
    zones: [
      hostedZone,
      ...(layer.aliasZones
        ? readAliasZones(layer.aliasZones.value, layer.aliasZones.at, hostedZone)
        : []),
    ],
    keyPath: readString(layer.keyPath.value, layer.keyPath.at, "a file path"),
    algorithm: layer.algorithm
      ? readChoice(layer.algorithm.value, layer.algorithm.at, names)
      : DEFAULTS.dnssecAlgorithm,
    keyOrigin: "--priv-key-path",
    algorithmOrigin: "--priv-key-alg",
    ttl: null,
  };
}

/** Reads and loads the key; every failure names the key setting (flag or YAML path) and the file. */
async function readKey(
  input: DsInput,
  readTextFile: (path: string) => Promise<string>,
): Promise<SigningKey> {
  let pem: string;
  try {
    pem = await readTextFile(input.keyPath);
  } catch (error) {
    throw new ConfigError(
      input.keyOrigin,
      `cannot read ${JSON.stringify(input.keyPath)}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  try {
    return await loadSigningKey(pem, input.algorithm, input.algorithmOrigin);
  } catch (error) {
    throw new ConfigError(input.keyOrigin, `${input.keyPath}: ${(error as Error).message}`);
  }
}
