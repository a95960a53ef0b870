import assert from "node:assert/strict";
import { type Config, ConfigError } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load.ts";

/** The three required flags, valid. */
export const REQUIRED: readonly string[] = [
  "--hosted-zone",
  "example.test",
  "--ns",
  '["ns1.example.test"]',
  "--zone-resolutions",
  '{"www":["192.0.2.1"]}',
];

/** A file reader over an in-memory map of path → text. */
function files(
  map: Readonly<Record<string, string>> = {},
): (path: string) => Promise<string> {
  return (path) =>
    path in map ? Promise.resolve(map[path]) : Promise.reject(new Error(`no such file ${path}`));
}

/** loadConfig with in-memory files. */
export function load(
  args: readonly string[],
  map: Readonly<Record<string, string>> = {},
): Promise<Config> {
  return loadConfig(args, files(map));
}

/** The ConfigError message loadConfig throws for these args (fails the test when it succeeds). */
export async function errorOf(
  args: readonly string[],
  map: Readonly<Record<string, string>> = {},
): Promise<string> {
  try {
    await load(args, map);
  } catch (error) {
    if (error instanceof ConfigError) {
      assert.ok(!error.message.includes("\n"), `one line: ${error.message}`);
      return error.message;
    }
    throw error;
  }
  return assert.fail(`expected a ConfigError for ${JSON.stringify(args)}`);
}

/** The error for the required flags with `flag value` replaced or added. */
export function errorWith(flag: string, value: string): Promise<string> {
  return errorOf(withFlag(flag, value));
}

/** The required flags with `flag value` replaced or added. */
export function withFlag(flag: string, value: string): string[] {
  const args = [...REQUIRED];
  const index = args.indexOf(flag);
  if (index >= 0) args[index + 1] = value;
  else args.push(flag, value);
  return args;
}

/** The error for a YAML file holding `text`. */
export function yamlError(text: string, extra: readonly string[] = []): Promise<string> {
  return errorOf(["--config", "/etc/x.yaml", ...extra], { "/etc/x.yaml": text });
}

/** The config from a YAML file holding `text`. */
export function loadYaml(text: string, extra: readonly string[] = []): Promise<Config> {
  return load(["--config", "/etc/x.yaml", ...extra], { "/etc/x.yaml": text });
}

/** A valid YAML base to which tests add keys. */
export const YAML_BASE = `zone: example.test
name_servers: [ns1.example.test]
records:
  www: [192.0.2.1]
`;

/** The documented TCP limits (docs/configuration.md), spelled out so a changed default fails. */
export const DOCUMENTED_TCP_LIMITS: Config["tcp"] = {
  idleTimeoutMs: 10_000,
  ioTimeoutMs: 3_000,
  maxConnections: 1000,
  maxConnectionsPerSource: 100,
  maxUnsentBytes: 65_536,
};

/** The documented rate-limit defaults (docs/configuration.md), spelled out so a changed default fails. */
export const DOCUMENTED_RATE_LIMIT: Config["rateLimit"] = {
  responsesPerSecond: 200,
  slip: 2,
  ipv4Prefix: 24,
  ipv6Prefix: 56,
  exempt: [{ address: "127.0.0.0", prefix: 8 }, { address: "::1", prefix: 128 }],
};
