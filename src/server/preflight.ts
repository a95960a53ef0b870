/**
 * Preflight: what the server checks and loads from a configuration before it
 * serves it (at start-up and on every reload): the DNSSEC key, the DNS cookie
 * secrets, and the warnings about settings that are valid but probably not
 * what was meant (the same lines `checkconf` prints).
 */
import {
  type Config,
  ConfigError,
  type CookieConfig,
  type StaticRecords,
} from "../config/config.ts";
import { isAtOrBelow } from "../config/names.ts";
import { formatDuration, quoteValue } from "../config/value_readers.ts";
import { ALGORITHM_NUMBER, type SigningKey } from "../dnssec/keys.ts";
import type { FileStat, Runtime } from "../runtime/runtime.ts";
import { stateFileReason } from "../runtime/state_file.ts";
import type { ServerDeps, SnapshotTiming } from "./server_deps.ts";

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

/** CAA property tags registered with IANA (RFC 8659 §4.2-4.4, RFC 8657, RFC 9495, the BIMI tag). */
const KNOWN_CAA_TAGS = new Set([
  "issue",
  "issuewild",
  "iodef",
  "contactemail",
  "contactphone",
  "issuemail",
  "issuevmc",
]);

/** Where a name's static records sit in the YAML, as warnings name it. */
function recordsPath(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? `records.${name}` : `records[${JSON.stringify(name)}]`;
}

/** Every name's static records (the apex as "@"). */
function namedStatics(config: Config): [string, StaticRecords][] {
  const named: [string, StaticRecords][] = [];
  if (config.apex !== undefined) named.push(["@", config.apex]);
  for (const record of config.records) {
    if (record.statics !== undefined) named.push([record.name, record.statics]);
  }
  return named;
}

/** A CAA tag no CA knows is ignored by CAs; a critical one (flag 128) stops every issuance. */
function unknownCaaTags(config: Config): string[] {
  return namedStatics(config).flatMap(([name, statics]) =>
    statics.caa.flatMap((caa, i) =>
      KNOWN_CAA_TAGS.has(caa.tag) ? [] : [
        `${recordsPath(name)}.caa[${i}].tag: ${quoteValue(caa.tag)} is not a registered CAA tag ` +
        `(${[...KNOWN_CAA_TAGS].join(", ")}); CAs ignore it` +
        ((caa.flags & 128) !== 0 ? ", and with the critical flag (128) refuse to issue" : ""),
      ]
    )
  );
}

/**
 * An MX host or SRV target inside a served zone with no address there: mail
 * and service clients find nothing to connect to. Relative targets are
 * checked in the hosted zone (aliases mirror it).
 */
function targetsWithoutAddress(config: Config, zones: readonly string[]): string[] {
  const addressed = new Set(
    config.records.filter((record) => record.addresses.length > 0).map((record) => record.name),
  );
  const relativeOf = (target: string): string | null => {
    if (target === "@") return "";
    if (!target.endsWith(".")) return target;
    const zone = zoneOf(target.slice(0, -1), zones);
    if (zone === undefined) return null;
    return target.length - 1 === zone.length ? "" : target.slice(0, -zone.length - 2);
  };
  const warnings: string[] = [];
  for (const [name, statics] of namedStatics(config)) {
    const targets = [
      ...statics.mx.map((mx, i) => [`mx[${i}].host`, mx.host]),
      ...statics.srv.map((srv, i) => [`srv[${i}].target`, srv.target]),
    ];
    for (const [field, target] of targets) {
      const relative = relativeOf(target);
      if (relative === null || addressed.has(relative)) continue;
      warnings.push(
        `${recordsPath(name)}.${field}: ${quoteValue(target)} lies in the zone but has no ` +
          "addresses there, so clients find nothing to connect to",
      );
    }
  }
  return warnings;
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
 * looks absolute, a probe timeout not shorter than the check interval, an
 * unregistered CAA tag, an MX or SRV target in the zone without an address, a key
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
    ...unknownCaaTags(config),
    ...targetsWithoutAddress(config, zones),
    ...keyWarnings(config, key, keyFile),
    ...transferWarnings(config),
  ];
}

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
