/**
 * Runs a real secondary server (Knot DNS, NSD or BIND) on loopback for the
 * hidden-primary tests: foreground process, its own temporary config and
 * directories, listening on its own loopback address (Knot and NSD also use it
 * as the source of their SOA queries and transfers, so the primary can tell
 * them apart), pulling the given zones from our server with TSIG and
 * accepting NOTIFY from it. Only the process started here is ever stopped.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { endProcess } from "./end_process.ts";
import { needsTools } from "./prerequisite.ts";
import { udpExchange } from "./server_harness.ts";
import { decode, makeQuery } from "./zone_fixture.ts";

/** The secondaries we test against. */
export type SecondaryKind = "knot" | "nsd" | "bind";

/** Daemon binary per kind (Debian paths). */
const BINARIES: Readonly<Record<SecondaryKind, string>> = {
  knot: "/usr/sbin/knotd",
  nsd: "/usr/sbin/nsd",
  bind: "/usr/sbin/named",
};
/**
 * The loopback address each kind listens on and sends from. BIND listens only
 * on addresses configured on an interface, so it stays on 127.0.0.1.
 */
export const SECONDARY_ADDRESS: Readonly<Record<SecondaryKind, string>> = {
  knot: "127.0.0.11",
  nsd: "127.0.0.12",
  bind: "127.0.0.1",
};

/** A TSIG key as the secondary's config spells it. */
export interface SecondaryKey {
  readonly name: string;
  readonly algorithm: string;
  readonly secret: string;
}

/** Options of `startSecondary`. */
export interface SecondaryOptions {
  readonly kind: SecondaryKind;
  /** Its DNS port (chosen before the primary starts, since the primary's config names it). */
  readonly port: number;
  /** The primary's port on 127.0.0.1. */
  readonly primaryPort: number;
  readonly zones: readonly string[];
  readonly key: SecondaryKey;
}

/** A running secondary. */
export interface Secondary {
  readonly kind: SecondaryKind;
  readonly address: string;
  readonly port: number;
  /** Its SOA serial for `zone`, or null while it has none. */
  serial(zone: string): Promise<number | null>;
  /** The addresses it answers for `name` `type` (A or AAAA). */
  addresses(name: string, type: "A" | "AAAA"): Promise<string[]>;
  /** Its log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** The `skip` option for tests that need the daemon (see scripts/bench/harness/prerequisite.ts). */
export function needsSecondary(kind: SecondaryKind): string | false {
  return needsTools(BINARIES[kind]);
}

function knotConfig(o: SecondaryOptions, address: string, dir: string): string {
  return [
    "server:",
    `  rundir: "${dir}"`,
    `  listen: ${address}@${o.port}`,
    "  background-workers: 1",
    "  udp-workers: 1",
    "  tcp-workers: 1",
    "log:",
    "  - target: stderr",
    "    any: info",
    "database:",
    `  storage: "${dir}"`,
    "key:",
    `  - id: ${o.key.name}`,
    `    algorithm: ${o.key.algorithm}`,
    `    secret: ${o.key.secret}`,
    "remote:",
    "  - id: primary",
    `    address: 127.0.0.1@${o.primaryPort}`,
    `    via: ${address}`,
    `    key: ${o.key.name}`,
    "acl:",
    "  - id: from_primary",
    "    address: 127.0.0.0/8",
    `    key: ${o.key.name}`,
    "    action: [notify, transfer]",
    "template:",
    "  - id: default",
    `    storage: "${dir}"`,
    "    zonefile-sync: -1",
    "    zonefile-load: none",
    "    journal-content: all",
    "    semantic-checks: off",
    "zone:",
    ...o.zones.flatMap((zone) => [
      `  - domain: ${zone}`,
      "    master: primary",
      "    acl: from_primary",
    ]),
    "",
  ].join("\n");
}

function nsdConfig(o: SecondaryOptions, address: string, dir: string): string {
  return [
    "server:",
    `  ip-address: ${address}@${o.port}`,
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${join(dir, "nsd.pid")}"`,
    `  xfrdfile: "${join(dir, "xfrd.state")}"`,
    `  zonelistfile: "${join(dir, "zone.list")}"`,
    `  xfrdir: "${dir}"`,
    "  server-count: 1",
    // NSD applies transfers at most once per this many seconds (default 1): 0 for prompt failover.
    "  xfrd-reload-timeout: 0",
    "  verbosity: 2",
    "  do-ip6: no",
    "remote-control:",
    "  control-enable: no",
    "key:",
    `  name: "${o.key.name}"`,
    `  algorithm: ${o.key.algorithm}`,
    `  secret: "${o.key.secret}"`,
    ...o.zones.flatMap((zone) => [
      "zone:",
      `  name: ${zone}`,
      `  zonefile: "${zone}.zone"`,
      `  outgoing-interface: ${address}`,
      `  request-xfr: 127.0.0.1@${o.primaryPort} ${o.key.name}`,
      `  allow-notify: 127.0.0.1 ${o.key.name}`,
      `  provide-xfr: 127.0.0.0/8 ${o.key.name}`,
    ]),
    "",
  ].join("\n");
}

function bindConfig(o: SecondaryOptions, address: string, dir: string): string {
  return [
    "options {",
    `  directory "${dir}";`,
    `  listen-on port ${o.port} { ${address}; };`,
    "  listen-on-v6 { none; };",
    `  pid-file "${join(dir, "named.pid")}";`,
    `  session-keyfile "${join(dir, "session.key")}";`,
    "  recursion no;",
    "  dnssec-validation no;",
    "  notify no;",
    "};",
    "controls { };",
    `key "${o.key.name}" { algorithm ${o.key.algorithm}; secret "${o.key.secret}"; };`,
    ...o.zones.flatMap((zone) => [
      `zone "${zone}" {`,
      "  type secondary;",
      `  file "${zone}.db";`,
      `  primaries { 127.0.0.1 port ${o.primaryPort} key "${o.key.name}"; };`,
      `  allow-notify { key "${o.key.name}"; };`,
      `  allow-transfer { key "${o.key.name}"; };`,
      "};",
    ]),
    "",
  ].join("\n");
}

/** Command line per kind: foreground, logging to stderr. BIND at debug level 1 names IXFR/AXFR. */
function commandLine(kind: SecondaryKind, config: string): string[] {
  if (kind === "knot") return ["-c", config];
  if (kind === "nsd") return ["-d", "-c", config];
  return ["-g", "-d", "1", "-c", config];
}

const CONFIGS = { knot: knotConfig, nsd: nsdConfig, bind: bindConfig };

/** Starts the secondary and waits (at most 20 s) until it answers SOA queries for its first zone. */
export async function startSecondary(options: SecondaryOptions): Promise<Secondary> {
  const { kind } = options;
  const address = SECONDARY_ADDRESS[kind];
  const dir = mkdtempSync(join(tmpdir(), `healthy-dns-${kind}-`));
  const config = join(dir, `${kind}.conf`);
  writeFileSync(config, CONFIGS[kind](options, address, dir));
  const child = spawn(BINARIES[kind], commandLine(kind, config), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Uint8Array) => (output += new TextDecoder().decode(chunk));
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let done = false;
  const exited = new Promise<void>((resolve) => {
    child.on("error", (error) => {
      output += `spawn failed: ${error.message}\n`;
      resolve();
    });
    child.on("close", () => resolve());
  });
  void exited.then(() => (done = true));
  const ask = async (name: string, type: string) => {
    const response = await udpExchange(options.port, makeQuery(name, type), 1_000, address);
    return response === null ? null : decode(response);
  };
  const secondary: Secondary = {
    kind,
    address,
    port: options.port,
    async serial(zone) {
      const answer = await ask(zone, "SOA");
      const soa = answer?.answers.find((record) => record.type === "SOA");
      return soa === undefined ? null : (soa.data as { serial: number }).serial;
    },
    async addresses(name, type) {
      const answer = await ask(name, type);
      if (answer === null) throw new Error(`${kind} did not answer ${name} ${type}`);
      return answer.answers.filter((r) => r.type === type).map((r) => String(r.data)).sort();
    },
    log: () => output,
    async stop() {
      await endProcess(child, exited, () => done);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 20_000;
  while ((await secondary.serial(options.zones[0]).catch(() => null)) === null) {
    if (done || Date.now() > deadline) {
      await secondary.stop();
      throw new Error(`${kind} did not load ${options.zones[0]} within 20 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return secondary;
}

/** Reads a file if it exists (daemon logs written to files), else "". */
export function readIfExists(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/**
 * The `transfer:` section of a primary's YAML config for `key` and the given
 * secondaries (each listed at its loopback address and port), plus `allow`.
 */
export function transferYaml(
  key: SecondaryKey,
  secondaries: readonly { readonly kind: SecondaryKind; readonly port: number }[],
  allow: readonly string[] = [],
): string[] {
  return [
    "transfer:",
    "  tsig_keys:",
    `    - { name: ${key.name}, algorithm: ${key.algorithm}, secret: "${key.secret}" }`,
    ...(secondaries.length === 0 ? [] : ["  secondaries:"]),
    ...secondaries.map(({ kind, port }) =>
      `    - { address: ${SECONDARY_ADDRESS[kind]}, port: ${port}, key: ${key.name} }`
    ),
    ...(allow.length === 0 ? [] : [`  allow: [${allow.join(", ")}]`]),
  ];
}
