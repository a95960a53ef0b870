import type { Place } from "./place.ts";
import type { RecordDialect } from "./read_records.ts";

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
