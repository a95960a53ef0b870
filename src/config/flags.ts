/**
 * Command-line flags: the server's flags read into a settings layer.
 */
import { ConfigError } from "./config.ts";
import { FLAG_RECORDS, Place, type SettingsLayer, type Sourced } from "./settings.ts";
import { closestWord, quoteValue } from "./value_readers.ts";

/** The setting each value flag sets, and for a JSON value an example of one. */
const VALUE_FLAGS: Readonly<
  Record<string, { readonly key: keyof SettingsLayer; readonly json?: string }>
> = {
  "--hosted-zone": { key: "zone" },
  "--zone-resolutions": {
    key: "records",
    json: '{"www":{"ips":["192.0.2.1"],"health_port":443}}',
  },
  "--ns": { key: "nameServers", json: '["ns1.example.com"]' },
  "--alias-zones": { key: "aliasZones", json: '["example.net"]' },
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

/** The flags besides the value flags, for suggestions. */
const OTHER_FLAGS = ["--config", "--listen", "--demo"];

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
      const near = closestWord(flag, [...Object.keys(VALUE_FLAGS), ...OTHER_FLAGS]);
      throw new ConfigError(
        flag,
        `unknown flag${near === null ? "" : `; did you mean ${near}?`} (see --help)`,
      );
    }
    if (value === null) throw new ConfigError(flag, "needs a value");
    if (flag === "--config") {
      configFile = value;
    } else if (flag === "--listen") {
      listen.push(value);
    } else {
      const parsed = spec.json === undefined ? value : parseJson(flag, value, spec.json);
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

/**
 * Parses a JSON flag value. The message gives the character where the JSON
 * stops (the engines' own messages differ between runtimes and rarely say),
 * the usual cause when it is one (single quotes, a trailing comma, a bare
 * name where a list belongs) and an example of the expected form.
 */
function parseJson(flag: string, text: string, example: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const offset = jsonErrorOffset(text);
    const found = offset >= text.length
      ? "it ends early"
      : `unexpected ${quoteValue(text[offset])}`;
    const before = text.slice(0, offset).trimEnd();
    const hint = text[offset] === "'"
      ? `JSON strings take double quotes; put the whole value in single quotes for the shell: ${flag} '${example}'`
      : before.endsWith(",") && "}]".includes(text[offset] ?? "")
      ? `JSON allows no comma before "${text[offset]}"`
      : example.startsWith("[") && /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(text)
      ? `${flag} takes a JSON list: ${flag} '${JSON.stringify([text])}'`
      : `expected e.g. ${flag} '${example}'`;
    throw new ConfigError(
      flag,
      `${quoteValue(text)} is not valid JSON at character ${offset + 1} (${found}); ${hint}`,
    );
  }
}

/** Where the JSON scanner stopped: thrown with the offset. */
class JsonStop {
  constructor(readonly offset: number) {}
}

/**
 * The offset of the first character at which `text` stops being JSON
 * (RFC 8259), or its length when it ends too early. Only called on text
 * JSON.parse refused, to point at the fault.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const stop = (): never => {
    throw new JsonStop(i);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const expect = (char: string) => (text[i] === char ? i++ : stop());
  const string = () => {
    expect('"');
    while (text[i] !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) stop();
      i += text[i] === "\\" ? 2 : 1;
    }
    i++;
  };
  const items = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === close) return void i++;
      expect(",");
      space();
    }
  };
  const value = (): void => {
    space();
    if (text[i] === "{") {
      return items("}", () => {
        string();
        space();
        expect(":");
        value();
      });
    }
    if (text[i] === "[") return items("]", value);
    if (text[i] === '"') return string();
    const scalar = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)/
      .exec(text.slice(i));
    if (scalar === null) stop();
    i += scalar![0].length;
  };
  try {
    value();
    space();
    if (i < text.length) stop();
  } catch (error) {
    if (error instanceof JsonStop) return Math.min(error.offset, text.length);
    throw error;
  }
  return text.length;
}
