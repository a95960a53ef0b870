import type { Config } from "./config.ts";
import { ConfigError } from "./config_error.ts";
import { buildConfig } from "./build_config.ts";
import { deepFreeze } from "./deep_freeze.ts";
import { DEMO_CONFIG_YAML, demoConfigYaml } from "./demo_config.ts";
import { parseFlags } from "./parse_flags.ts";
import { parseYamlLayer } from "./parse_yaml_layer.ts";
import type { SettingsLayer } from "./settings_layer.ts";
import { readInteger } from "./value_readers.ts";

/** How messages name the embedded demo config. */
const DEMO_LABEL = "--demo";

async function readFileLayer(
  file: string,
  readTextFile: (path: string) => Promise<string>,
): Promise<SettingsLayer> {
  let text: string;
  try {
    text = await readTextFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError("--config", `cannot read ${JSON.stringify(file)}: ${reason}`);
  }
  return parseYamlLayer(text, file);
}

/**
 * The demo's text: with `--port`, the demo's listen addresses (which carry their
 * port, so `--port` alone would not reach them) and its self-probe move to that port.
 */
function demoYaml(layer: SettingsLayer): string {
  const port = layer.port;
  return port === undefined
    ? DEMO_CONFIG_YAML
    : demoConfigYaml(readInteger(port.value, port.at, "port"));
}

/**
 * Builds the validated, deeply frozen configuration from the command-line
 * arguments after the subcommand, on top of the YAML file given by
 * `--config` (or the embedded demo config with `--demo`) and the defaults.
 * Flags override the file setting by setting.
 *
 * @param readTextFile reads the `--config` file (the runtime's file reader).
 * @throws ConfigError for every user error, with a one-line message naming
 *   the flag or YAML path and the value.
 */
export async function loadConfig(
  args: readonly string[],
  readTextFile: (path: string) => Promise<string>,
): Promise<Config> {
  const flags = parseFlags(args);
  const base = flags.demo
    ? parseYamlLayer(demoYaml(flags.layer), DEMO_LABEL)
    : flags.configFile === null
    ? {}
    : await readFileLayer(flags.configFile, readTextFile);
  return deepFreeze(buildConfig({ ...base, ...flags.layer }, flags.configFile));
}
