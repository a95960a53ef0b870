/**
 * Settings as the sources give them, before validation: where each came from
 * (`Place`, which names the flag or YAML path in every message), the layer
 * one source gives (`SettingsLayer`), and how each source spells a record.
 */
import { ConfigError } from "./config.ts";

/** How a source spells a record in its object form. */
export interface RecordDialect {
  /** Key of the address list. */
  readonly addressesKey: string;
  /** Every key the object form may hold. */
  readonly keys: readonly string[];
  /** The original's JSON requires `health_port` in the object form. */
  readonly portRequired: boolean;
}

/** The keys of a name's static records, the same in both dialects. */
export const STATIC_KEYS = Object.freeze(["txt", "mx", "srv", "caa", "ttl"]);

/** `--zone-resolutions`: `{"ips": [...], "health_port": N}`, exactly as the original. */
export const FLAG_RECORDS: RecordDialect = Object.freeze({
  addressesKey: "ips",
  keys: Object.freeze(["ips", "health_port", ...STATIC_KEYS]),
  portRequired: true,
});

/** YAML `records`: `addresses`, optional `health_port` and per-record overrides. */
export const YAML_RECORDS: RecordDialect = Object.freeze({
  addressesKey: "addresses",
  keys: Object.freeze(["addresses", "health_port", "timeout", "when_all_down", ...STATIC_KEYS]),
  portRequired: false,
});

/** One setting as a source gave it, not yet validated, and where it came from. */
export interface Sourced {
  readonly value: unknown;
  readonly at: Place;
}

/**
 * The settings one source (the flags, or a YAML file) gives; absent ones are
 * left to other sources or to the defaults. A layer's setting replaces the
 * same setting of a lower layer as a whole (a flag's `--listen` list replaces
 * the file's `listen` list, `--zone-resolutions` the file's `records`).
 */
export interface SettingsLayer {
  readonly zone?: Sourced;
  readonly aliasZones?: Sourced;
  readonly nameServers?: Sourced;
  readonly records?: Sourced & { readonly dialect: RecordDialect };
  readonly port?: Sourced;
  readonly listen?: Sourced;
  readonly logLevel?: Sourced;
  readonly logFormat?: Sourced;
  readonly lameDuck?: Sourced;
  readonly interval?: Sourced;
  readonly timeout?: Sourced;
  readonly rise?: Sourced;
  readonly fall?: Sourced;
  readonly concurrency?: Sourced;
  readonly whenAllDown?: Sourced;
  readonly keyPath?: Sourced;
  readonly algorithm?: Sourced;
  readonly tcpIdleTimeout?: Sourced;
  readonly tcpIoTimeout?: Sourced;
  readonly tcpMaxConnections?: Sourced;
  readonly tcpMaxConnectionsPerSource?: Sourced;
  readonly tcpMaxUnsentBytes?: Sourced;
  readonly http?: Sourced;
  readonly httpMaxConnections?: Sourced;
  readonly httpIoTimeout?: Sourced;
  readonly transfer?: Sourced;
  readonly stateDir?: Sourced;
  readonly rateLimit?: Sourced;
  readonly rateLimitSlip?: Sourced;
  readonly rateLimitIpv4Prefix?: Sourced;
  readonly rateLimitIpv6Prefix?: Sourced;
  readonly rateLimitExempt?: Sourced;
  readonly cookieSecret?: Sourced;
}

/** Keys that read well after a dot in a YAML path. */
const PLAIN_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Where a value came from: a command-line flag (plus the keys inside its
 * JSON) or a path inside a YAML file. `fail` turns a problem into the one-line
 * `ConfigError` the user sees.
 *
 * @example
 * Place.flag("--zone-resolutions").child("www").fail(`"300.1.1.1" is not an IP address`);
 * // --zone-resolutions: "www": "300.1.1.1" is not an IP address
 * Place.yaml("/etc/x.yaml").child("health").child("interval").fail(`"3 parsecs" is not a duration`);
 * // health.interval (in /etc/x.yaml): "3 parsecs" is not a duration
 */
export class Place {
  private constructor(
    /** The flag, or null inside a YAML file. */
    private readonly flag: string | null,
    private readonly file: string,
    /** Flag: the JSON keys as a message prefix. YAML: the key path. */
    private readonly path: string,
  ) {}

  /** The value of a command-line flag. */
  static flag(name: string): Place {
    return new Place(name, "", "");
  }

  /** The top of a YAML file (`file` is how the user named it). */
  static yaml(file: string): Place {
    return new Place(null, file, "");
  }

  /**
   * The place of a key or list index below this one. Inside a flag's JSON,
   * only object keys are named (`"www": `); list positions are shown by the
   * value itself.
   */
  child(key: string | number): Place {
    if (this.flag !== null) {
      return typeof key === "number"
        ? this
        : new Place(this.flag, "", `${this.path}${JSON.stringify(key)}: `);
    }
    const step = typeof key === "number"
      ? `[${key}]`
      : PLAIN_KEY.test(key)
      ? `${this.path === "" ? "" : "."}${key}`
      : `[${JSON.stringify(key)}]`;
    return new Place(null, this.file, this.path + step);
  }

  /** The flag or YAML path, as the message starts. */
  get where(): string {
    if (this.flag !== null) return this.flag;
    return this.path === "" ? this.file : `${this.path} (in ${this.file})`;
  }

  /** Throws the `ConfigError` for `detail` at this place. */
  fail(detail: string): never {
    throw new ConfigError(this.where, this.flag !== null ? this.path + detail : detail);
  }
}
