import type { Config } from "../config/config.ts";
import { isAtOrBelow } from "../config/is_at_or_below.ts";
import { formatDuration, quoteValue } from "../config/value_readers.ts";
import { ALGORITHM_NUMBER, type SigningKey } from "../dnssec/keys.ts";
import type { FileStat } from "../runtime/runtime.ts";

/** RSA keys below this size draw a warning (RFC 8624 §3.1 and NIST SP 800-57: 2048 bits). */
const RSA_RECOMMENDED_BITS = 2048;

/**
 * Last labels that make a multi-label record name look like an absolute name
 * in another zone (`www.other.org`), besides the served zones' own last
 * labels: the generic top-level domains people write most.
 */
const COMMON_TLDS: ReadonlySet<string> = new Set([
  "com",
  "net",
  "org",
  "info",
  "biz",
  "edu",
  "gov",
  "mil",
  "int",
  "arpa",
  "io",
  "dev",
  "app",
  "cloud",
  "online",
  "site",
  "xyz",
  "local",
  "internal",
]);

/** A served zone holding `name` (the hosted zone first), or undefined. */
function zoneOf(name: string, zones: readonly string[]): string | undefined {
  return zones.find((zone) => isAtOrBelow(name, zone));
}

/** An in-zone name server with no address record answers NXDOMAIN for itself. */
function nameServersWithoutAddress(config: Config, zones: readonly string[]): string[] {
  const names = new Set(config.records.map((record) => record.name));
  const warnings: string[] = [];
  for (const ns of config.nameServers) {
    const zone = zoneOf(ns, zones);
    if (zone === undefined) continue;
    const relative = ns === zone ? "" : ns.slice(0, -zone.length - 1);
    if (relative !== "" && names.has(relative)) continue;
    warnings.push(
      `name_servers (--ns): ${quoteValue(ns)} lies inside zone ${quoteValue(zone)} but has no ` +
        "address there, so resolvers get NXDOMAIN for the zone's own name server; give it " +
        `addresses ({name: ${ns}, addresses: [...]})` +
        (relative === "" ? "" : ` or a record ${quoteValue(relative)}`),
    );
  }
  return warnings;
}

/** `www.other.org` is served as `www.other.org.<zone>`, which is rarely what was meant. */
function absoluteLookingNames(config: Config, zones: readonly string[]): string[] {
  const tlds = new Set([
    ...COMMON_TLDS,
    ...zones.map((zone) => zone.slice(zone.lastIndexOf(".") + 1)),
  ]);
  return config.records
    .filter((record) =>
      record.name.includes(".") && tlds.has(record.name.slice(record.name.lastIndexOf(".") + 1))
    )
    .map((record) =>
      `records (--zone-resolutions): ${quoteValue(record.name)} is served as ` +
      `${quoteValue(`${record.name}.${config.hostedZone}`)}; record names are relative to the ` +
      "zone, and a name in another zone cannot be served here"
    );
}

/** A probe that may hang for a whole interval makes every cycle run late. */
function slowTimeouts(config: Config): string[] {
  const { intervalMs, timeoutMs } = config.health;
  const interval = formatDuration(intervalMs);
  const why = "probes that hang until their timeout make every check cycle run late";
  const warnings: string[] = [];
  if (timeoutMs >= intervalMs) {
    warnings.push(
      `health.timeout (--test-timeout): ${formatDuration(timeoutMs)} is not shorter than ` +
        `health.interval (--test-min-interval) ${interval}; ${why}`,
    );
  }
  for (const record of config.records) {
    const own = record.check?.timeoutMs;
    if (own === undefined || own === timeoutMs || own < intervalMs) continue;
    warnings.push(
      `records.${record.name}.timeout: ${formatDuration(own)} is not shorter than ` +
        `health.interval ${interval}; ${why}`,
    );
  }
  return warnings;
}

/** A private key others can read, or one too short to trust. */
function keyWarnings(config: Config, key: SigningKey | null, keyFile: FileStat | null): string[] {
  if (config.dnssec === null) return [];
  const path = quoteValue(config.dnssec.keyPath);
  const warnings: string[] = [];
  if (keyFile !== null && (keyFile.mode & 0o044) !== 0) {
    warnings.push(
      `${config.origins.dnssecKey}: ${path} is readable by group or others ` +
        `(mode ${keyFile.mode.toString(8).padStart(4, "0")}); make it readable by its owner only ` +
        "(chmod 600)",
    );
  }
  if (
    key !== null && key.algorithm === ALGORITHM_NUMBER.RSASHA256 && key.bits < RSA_RECOMMENDED_BITS
  ) {
    warnings.push(
      `${config.origins.dnssecKey}: ${path} is an RSA key of ${key.bits} bits; ` +
        `${RSA_RECOMMENDED_BITS} or more is recommended (healthy-dns keygen makes one)`,
    );
  }
  return warnings;
}

/** Secrets shorter than the hash output weaken the MAC (RFC 8945 §6). */
const TSIG_HASH_BYTES: Readonly<Record<string, number>> = {
  "hmac-sha1": 20,
  "hmac-sha224": 28,
  "hmac-sha256": 32,
  "hmac-sha384": 48,
  "hmac-sha512": 64,
};

/** Secondaries without a state directory, and TSIG secrets shorter than their hash. */
function transferWarnings(config: Config): string[] {
  if (config.transfer === null) return [];
  const warnings: string[] = [];
  if (config.stateDir === null && config.transfer.secondaries.length > 0) {
    warnings.push(
      "transfer.secondaries: no state_dir (--state-dir), so the SOA serial is not kept across " +
        "restarts; after a restart it restarts from the clock, which can be lower than the last " +
        "serial, and secondaries then ignore changes until the clock catches up",
    );
  }
  for (const key of config.transfer.tsigKeys) {
    const bytes = Math.floor((key.secret.replace(/=+$/, "").length * 3) / 4);
    const wanted = TSIG_HASH_BYTES[key.algorithm];
    if (bytes < wanted) {
      warnings.push(
        `transfer.tsig_keys: the secret of ${quoteValue(key.name)} is ${bytes} bytes, shorter ` +
          `than the ${wanted}-byte output of ${key.algorithm} (RFC 8945 §6); ` +
          "healthy-dns tsig-keygen makes a full-length one",
      );
    }
  }
  return warnings;
}

/**
 * What is valid but probably wrong in a loaded configuration and key, one
 * line each: an in-zone name server without an address, a record name that
 * looks absolute, a probe timeout not shorter than the check interval, a key
 * file readable by group or others, an RSA key under 2048 bits, secondaries
 * without a state directory, a TSIG secret shorter than its hash. `serve` logs
 * them at start-up; `checkconf` prints them (and fails on them with `--strict`).
 *
 * @param keyFile the key file's stat (for its permissions), or null.
 */
export function configWarnings(
  config: Config,
  key: SigningKey | null,
  keyFile: FileStat | null,
): readonly string[] {
  const zones = [config.hostedZone, ...config.aliasZones];
  return [
    ...nameServersWithoutAddress(config, zones),
    ...absoluteLookingNames(config, zones),
    ...slowTimeouts(config),
    ...keyWarnings(config, key, keyFile),
    ...transferWarnings(config),
  ];
}
