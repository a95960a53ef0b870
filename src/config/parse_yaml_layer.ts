import { ConfigError } from "./config_error.ts";
import { parsePlainYaml } from "./parse_plain_yaml.ts";
import { parseYamlDocument } from "./parse_yaml_document.ts";
import { Place } from "./place.ts";
import { readMapping } from "./value_readers.ts";
import { YAML_RECORDS } from "./read_records.ts";
import type { SettingsLayer, Sourced } from "./settings_layer.ts";

/** Sections of the YAML file: key → setting, per nesting level. */
const TOP: Readonly<Record<string, keyof SettingsLayer>> = {
  zone: "zone",
  alias_zones: "aliasZones",
  name_servers: "nameServers",
  port: "port",
  listen: "listen",
  log_level: "logLevel",
  log_format: "logFormat",
  lame_duck: "lameDuck",
  records: "records",
  transfer: "transfer",
  state_dir: "stateDir",
};
const SECTIONS: Readonly<Record<string, Readonly<Record<string, keyof SettingsLayer>>>> = {
  health: {
    interval: "interval",
    timeout: "timeout",
    rise: "rise",
    fall: "fall",
    concurrency: "concurrency",
    when_all_down: "whenAllDown",
  },
  dnssec: { key: "keyPath", algorithm: "algorithm" },
  tcp: {
    idle_timeout: "tcpIdleTimeout",
    io_timeout: "tcpIoTimeout",
    max_connections: "tcpMaxConnections",
    max_connections_per_source: "tcpMaxConnectionsPerSource",
    max_unsent_bytes: "tcpMaxUnsentBytes",
  },
  http: {
    listen: "http",
    max_connections: "httpMaxConnections",
    io_timeout: "httpIoTimeout",
  },
  rate_limit: {
    responses_per_second: "rateLimit",
    slip: "rateLimitSlip",
    ipv4_prefix: "rateLimitIpv4Prefix",
    ipv6_prefix: "rateLimitIpv6Prefix",
    exempt: "rateLimitExempt",
  },
  cookies: { secret: "cookieSecret" },
};

/** The first line of a yaml error, without its " at line L, column C:" tail (we print our own). */
function syntaxError(
  file: string,
  error: { message: string; linePos?: [{ line: number; col: number }, ...unknown[]] },
): ConfigError {
  const reason = error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
  const position = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : "";
  return new ConfigError(`${file}${position}`, reason);
}

/**
 * The file's content as plain values: read line by line when it keeps to the
 * everyday subset (a fraction of the library's memory on big files), else by
 * the yaml library, which also reports syntax errors (`FILE:LINE:COLUMN: reason`).
 */
export function readYaml(text: string, file: string): unknown {
  const plain = parsePlainYaml(text);
  if (plain !== undefined) return plain;
  const document = parseYamlDocument(text);
  if (document.errors.length > 0) throw syntaxError(file, document.errors[0]);
  return document.toJS();
}

/** Resolves a relative path setting against the directory of the YAML file. */
function besideFile(path: unknown, file: string): unknown {
  const slash = file.lastIndexOf("/");
  if (typeof path !== "string" || path === "" || path.startsWith("/") || slash < 0) return path;
  return `${file.slice(0, slash + 1)}${path}`;
}

/**
 * Reads a YAML config file into a settings layer; `file` names it in messages
 * (`health.interval (in /etc/x.yaml): ...`). Unknown keys are errors naming
 * their path; a key with an empty value counts as absent; a relative
 * `dnssec.key` or `state_dir` is taken relative to the file's directory. A syntax error
 * becomes `FILE:LINE:COLUMN: reason`.
 */
export function parseYamlLayer(text: string, file: string): SettingsLayer {
  const root = Place.yaml(file);
  const content = readYaml(text, file);
  if (content === null || content === undefined) root.fail("the file holds no settings");
  const top = readMapping(content, root, [...Object.keys(TOP), ...Object.keys(SECTIONS)]);
  const layer: Record<string, Sourced> = {};
  const take = (
    mapping: Readonly<Record<string, unknown>>,
    keys: Readonly<Record<string, keyof SettingsLayer>>,
    at: Place,
  ) => {
    for (const [yamlKey, setting] of Object.entries(keys)) {
      const value = mapping[yamlKey];
      if (value !== null && value !== undefined) layer[setting] = { value, at: at.child(yamlKey) };
    }
  };
  take(top, TOP, root);
  for (const [section, keys] of Object.entries(SECTIONS)) {
    if (top[section] === null || top[section] === undefined) continue;
    const at = root.child(section);
    take(readMapping(top[section], at, Object.keys(keys)), keys, at);
  }
  for (const setting of ["keyPath", "stateDir"] as const) {
    const path = layer[setting];
    if (path) layer[setting] = { ...path, value: besideFile(path.value, file) };
  }
  const { records, ...rest } = layer;
  return records ? { ...rest, records: { ...records, dialect: YAML_RECORDS } } : rest;
}
