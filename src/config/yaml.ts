/**
 * YAML config files: the fast reader for the everyday subset, the `yaml`
 * library for the rest, and mapping a file's keys to the settings layer.
 */
import { ConfigError } from "./config.ts";
import { Place, type SettingsLayer, type Sourced, YAML_RECORDS } from "./settings.ts";
import { readMapping } from "./value_readers.ts";
import { type Document, isMap, isScalar, isSeq, parseDocument } from "yaml";

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

/**
 * Characters the subset never accepts: tabs, CR and other controls, line
 * breaks other than LF, non-ASCII spaces (`trim` would take them for
 * indentation), a byte-order mark.
 */
const UNSUPPORTED_CHARACTER =
  // deno-lint-ignore no-control-regex
  /[\x00-\x09\x0b-\x1f\x7f-\xa0\u1680\u2000-\u200a\u2028-\u202f\u205f\u3000\ufeff]/;
/** A mapping key: plain, no indicator, no space. */
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
/** A sequence item that opens a mapping: a plain key, a colon, then a space or the end. */
const MAPPING_ENTRY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*:(?: |$)/;
/** Plain scalars the core schema resolves to null, a boolean or a number. */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** The one number form taken here: a decimal integer that stays exact. */
const SMALL_INTEGER = /^(?:0|[1-9][0-9]{0,14})$/;
/** Plain scalars starting with an indicator, or holding one (or a comment) the subset does not parse. */
const UNSUPPORTED_PLAIN = /^[-?:,[\]{}#&*!|>'"%@`]|: |:$|[[\]{}]| #/;

/** Thrown inside the parser when the text leaves the subset; caught by `parsePlainYaml`. */
class OutsideSubset extends Error {}

function outside(): never {
  throw new OutsideSubset();
}

/** A plain scalar (already without comment and surrounding spaces). */
function plainScalar(text: string): string | number {
  if (text === "" || UNSUPPORTED_PLAIN.test(text)) outside();
  if (SMALL_INTEGER.test(text)) return Number(text);
  return NOT_A_STRING.test(text) ? outside() : text;
}

/** What may follow a value on its line: nothing, or a comment. */
function assertLineEnd(rest: string): void {
  if (rest.trim() !== "" && !/^\s+#/.test(rest)) outside();
}

/** The end of a quoted scalar starting at `start` (index after its closing quote). */
function quoteEnd(text: string, start: number): number {
  const close = text.indexOf(text[start], start + 1);
  if (close < 0 || (text[start] === '"' && text.slice(start, close).includes("\\"))) outside();
  return close + 1;
}

/** A single-line flow sequence of scalars; returns it and the index after its `]`. */
function flowSequence(text: string): [unknown[], number] {
  const items: unknown[] = [];
  let at = 1;
  if (/^\[\s*\]/.test(text)) return [items, text.indexOf("]") + 1];
  for (;;) {
    while (text[at] === " ") at++;
    let end: number;
    if (text[at] === '"' || text[at] === "'") {
      end = quoteEnd(text, at);
      items.push(text.slice(at + 1, end - 1));
    } else {
      end = at;
      while (end < text.length && text[end] !== "," && text[end] !== "]") end++;
      items.push(plainScalar(text.slice(at, end).trimEnd()));
    }
    while (text[end] === " ") end++;
    if (text[end] === "]") return [items, end + 1];
    if (text[end] !== ",") outside();
    at = end + 1;
  }
}

/** A value written on the line of its key or dash. */
function inlineValue(text: string): unknown {
  if (text[0] === '"' || text[0] === "'") {
    const end = quoteEnd(text, 0);
    assertLineEnd(text.slice(end));
    return text.slice(1, end - 1);
  }
  if (text[0] === "[") {
    const [items, end] = flowSequence(text);
    assertLineEnd(text.slice(end));
    return items;
  }
  const comment = text.search(/\s#/);
  return plainScalar((comment < 0 ? text : text.slice(0, comment)).trimEnd());
}

/** The lines that carry content, as indentation and text (comments and blanks dropped). */
function contentLines(text: string): { indent: number; text: string }[] {
  const lines: { indent: number; text: string }[] = [];
  for (const line of text.split("\n")) {
    const body = line.trimStart();
    if (body === "" || body[0] === "#") continue;
    lines.push({ indent: line.length - body.length, text: body.trimEnd() });
  }
  return lines;
}

/**
 * Reads the everyday subset of YAML that config and override files use —
 * block mappings with plain keys, block sequences of inline values or of
 * mappings (`- address: 192.0.2.1`), single-line flow
 * sequences, plain and escape-free quoted scalars, decimal integers,
 * comments — straight into plain values, line by line. For anything else
 * (anchors, tags, multi-line or block scalars, flow mappings, other number
 * forms, booleans, nulls spelled out, repeated keys, odd indentation, errors)
 * it returns undefined and the caller parses with the `yaml` library, which
 * gives the same values, or the error message with its line and column.
 *
 * Why: the library builds tokens, a syntax tree and nodes for every scalar;
 * on a 10,000-record file that peaks at ~90 MiB above the process's base.
 *
 * @returns the top-level mapping or sequence, or undefined when the text leaves the subset.
 */
export function parsePlainYaml(text: string): Record<string, unknown> | unknown[] | undefined {
  if (UNSUPPORTED_CHARACTER.test(text)) return undefined;
  const lines = contentLines(text);
  let next = 0;

  /** A block mapping or sequence whose lines start at `indent`. */
  const block = (indent: number): unknown => {
    return lines[next].text[0] === "-" ? sequence(indent) : mapping(indent);
  };
  /** The value after `key:` with nothing inline: a deeper block, or null. */
  const nested = (parent: number): unknown =>
    next < lines.length && lines[next].indent > parent ? block(lines[next].indent) : null;

  const sequence = (indent: number): unknown[] => {
    const items: unknown[] = [];
    while (next < lines.length && lines[next].indent === indent) {
      const { text } = lines[next];
      if (!text.startsWith("- ")) outside();
      const item = text.slice(2).trimStart();
      if (MAPPING_ENTRY.test(item)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        const column = indent + text.length - item.length;
        lines[next] = { indent: column, text: item };
        items.push(mapping(column));
        continue;
      }
      next++;
      items.push(inlineValue(item));
    }
    if (next < lines.length && lines[next].indent > indent) outside();
    return items;
  };

  const mapping = (indent: number): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const seen = new Set<string>();
    while (next < lines.length && lines[next].indent === indent) {
      const { text } = lines[next++];
      const colon = text.indexOf(":");
      const key = text.slice(0, colon);
      if (colon < 0 || !KEY.test(key) || NOT_A_STRING.test(key) || key === "__proto__") {
        outside();
      }
      if (seen.has(key)) outside();
      seen.add(key);
      const rest = text.slice(colon + 1);
      if (rest !== "" && rest[0] !== " ") outside();
      const value = rest.trimStart();
      if (value === "" || value[0] === "#") {
        result[key] = nested(indent);
        continue;
      }
      result[key] = inlineValue(value);
      if (next < lines.length && lines[next].indent > indent) outside();
    }
    if (next < lines.length && lines[next].indent > indent) outside();
    return result;
  };

  try {
    if (lines.length === 0 || lines[0].indent !== 0) return undefined;
    const root = block(0);
    return next === lines.length ? root as Record<string, unknown> | unknown[] : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

/**
 * True when some mapping at or below `node` repeats a scalar key (the
 * library's own test). A plain recursion: the library's `visit` copies the
 * path at every node, which cost ~20 MiB on 10,000 records.
 */
function repeatsKey(node: unknown): boolean {
  if (isSeq(node)) return node.items.some(repeatsKey);
  if (!isMap(node)) return false;
  const seen = new Set<unknown>();
  for (const { key, value } of node.items) {
    if (isScalar(key)) {
      if (seen.has(key.value)) return true;
      seen.add(key.value);
    }
    if (repeatsKey(key) || repeatsKey(value)) return true;
  }
  return false;
}

/**
 * `parseDocument(text)` with the same result and errors, but linear in the
 * number of keys: the library checks unique keys by comparing each new key
 * with every earlier one of its mapping (a 10,000-record file took ~1.2 s
 * of its ~1.6 s there). The text is parsed without that check, the keys are
 * checked with a set, and only a document with an error or a repeated key is
 * parsed again the library's way, so its messages and their order are kept.
 */
export function parseYamlDocument(text: string): Document {
  const document = parseDocument(text, { uniqueKeys: false });
  return document.errors.length > 0 || repeatsKey(document.contents)
    ? parseDocument(text)
    : document;
}
