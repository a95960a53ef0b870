import { ConfigError } from "./config_error.ts";
import { Place } from "./place.ts";
import { quoteValue } from "./value_readers.ts";
import { FLAG_RECORDS } from "./read_records.ts";
import type { SettingsLayer, Sourced } from "./settings_layer.ts";

/** The setting each value flag sets, and whether its value is JSON. */
const VALUE_FLAGS: Readonly<
  Record<string, { readonly key: keyof SettingsLayer; readonly json?: true }>
> = {
  "--hosted-zone": { key: "zone" },
  "--zone-resolutions": { key: "records", json: true },
  "--ns": { key: "nameServers", json: true },
  "--alias-zones": { key: "aliasZones", json: true },
  "--port": { key: "port" },
  "--log-level": { key: "logLevel" },
  "--log-format": { key: "logFormat" },
  "--lame-duck": { key: "lameDuck" },
  "--test-min-interval": { key: "interval" },
  "--test-timeout": { key: "timeout" },
  "--priv-key-path": { key: "keyPath" },
  "--priv-key-alg": { key: "algorithm" },
  "--http": { key: "http" },
  "--state-dir": { key: "stateDir" },
  "--rate-limit": { key: "rateLimit" },
};

/** What the command line says, before validation. */
export interface ParsedFlags {
  readonly layer: SettingsLayer;
  /** `--config FILE`, or null. */
  readonly configFile: string | null;
  /** `--demo`: start from the embedded demo config. */
  readonly demo: boolean;
}

/** Splits `--flag=value` / `--flag value` pairs; returns the flag, its value and how many args it used. */
function nextFlag(
  args: readonly string[],
  index: number,
): { flag: string; value: string | null; used: number } {
  const arg = args[index];
  if (!arg.startsWith("--") || arg === "--") {
    throw new ConfigError(quoteValue(arg), "unexpected argument (flags start with --)");
  }
  const equals = arg.indexOf("=");
  if (equals >= 0) return { flag: arg.slice(0, equals), value: arg.slice(equals + 1), used: 1 };
  const next = args[index + 1];
  return next === undefined || next.startsWith("--")
    ? { flag: arg, value: null, used: 1 }
    : { flag: arg, value: next, used: 2 };
}

/**
 * Reads the command-line arguments that follow the subcommand: the
 * original's flags (`--flag value` or `--flag=value`; a repeated flag's last
 * value wins, as with argparse) plus `--config`, `--listen` (repeatable),
 * `--http` and `--demo`. JSON values are parsed here, validated later.
 * Throws `ConfigError` for an unknown flag, a missing value or bad JSON.
 */
export function parseFlags(args: readonly string[]): ParsedFlags {
  const layer: Record<string, Sourced> = {};
  const listen: string[] = [];
  let configFile: string | null = null;
  let demo = false;
  for (let index = 0; index < args.length;) {
    const { flag, value, used } = nextFlag(args, index);
    index += used;
    if (flag === "--demo") {
      // `--demo x`: x is not a flag, so the loop took it as the value.
      if (value !== null) throw new ConfigError(flag, `takes no value, got ${quoteValue(value)}`);
      demo = true;
      continue;
    }
    const spec = VALUE_FLAGS[flag];
    if (spec === undefined && flag !== "--config" && flag !== "--listen") {
      throw new ConfigError(flag, "unknown flag (see --help)");
    }
    if (value === null) throw new ConfigError(flag, "needs a value");
    if (flag === "--config") {
      configFile = value;
    } else if (flag === "--listen") {
      listen.push(value);
    } else {
      const parsed = spec.json ? parseJson(flag, value) : value;
      layer[spec.key] = { value: parsed, at: Place.flag(flag) };
    }
  }
  if (demo && configFile !== null) {
    throw new ConfigError("--demo", "cannot be combined with --config");
  }
  if (listen.length > 0) layer.listen = { value: listen, at: Place.flag("--listen") };
  const { records, ...rest } = layer;
  return {
    layer: records ? { ...rest, records: { ...records, dialect: FLAG_RECORDS } } : rest,
    configFile,
    demo,
  };
}

function parseJson(flag: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // The engine's own message differs between runtimes; the value says enough.
    throw new ConfigError(flag, `${quoteValue(text)} is not valid JSON`);
  }
}
