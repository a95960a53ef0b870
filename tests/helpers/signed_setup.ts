/**
 * A signed zone as a user sets it up, for end-to-end DNSSEC tests: a key from
 * `healthy-dns keygen`, a YAML config using it, and the trust anchors from
 * `healthy-dns ds`: the right DS for the hosted and one alias zone, and the DS
 * of another key for a second alias zone (a wrong anchor).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDs } from "../../src/cli/ds.ts";
import { runKeygen } from "../../src/cli/keygen.ts";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { LONG_TXT } from "./static_zone.ts";

/** The hosted zone. */
export const HOSTED = "example.test";
/** An alias zone with its right anchor. */
export const ALIAS = "example.net";
/** An alias zone served like the others, whose anchor is the DS of another key. */
export const WRONG_ANCHOR_ZONE = "example.org";
/** The address of `www`, health-checked on `healthPort`. */
export const CHECKED_ADDRESS = "127.0.0.2";

/**
 * `extraRecords` for a zone holding every static type: TXT, MX and CAA at the
 * apex, a TXT over 255 octets at an underscore name, a SRV below an empty
 * non-terminal (`_tcp.www`), with relative targets.
 */
export const STATIC_RECORD_LINES: readonly string[] = [
  '"@": {txt: ["v=spf1 -all"], mx: [{priority: 10, host: static}], ' +
  "caa: [{flags: 0, tag: issue, value: letsencrypt.org}]}",
  `_acme-challenge.www: {txt: ["${LONG_TXT}"]}`,
  "_https._tcp.www: {srv: [{priority: 0, weight: 5, port: 443, target: www}]}",
];

/** One zone and the DS record (presentation format, from `healthy-dns ds`) a validator trusts for it. */
export interface TrustAnchor {
  readonly name: string;
  readonly trustAnchor: string;
}

/** What `signedSetup` made; the caller removes `dir`. */
export interface SignedSetup {
  /** Temporary directory with zone.yaml, zone.pem and other.pem. */
  readonly dir: string;
  readonly configPath: string;
  /** HOSTED and ALIAS with their right DS, WRONG_ANCHOR_ZONE with another key's DS. */
  readonly anchors: readonly TrustAnchor[];
}

/** Options of `signedSetup`. */
export interface SignedSetupOptions {
  readonly algorithm: DnssecAlgorithmName;
  /** The TCP port probed on CHECKED_ADDRESS for `www`. */
  readonly healthPort: number;
  /** Written as `listen: ["127.0.0.1:PORT"]` (for a server started through the CLI). */
  readonly listenPort?: number;
  /** More lines under `records:` (each indented by two spaces), e.g. static TXT/MX/SRV/CAA names. */
  readonly extraRecords?: readonly string[];
}

/**
 * The config: `www` health-checked, `static` with A and AAAA, `api.eu` (so
 * `eu` is an empty non-terminal) and an in-zone name server with its address. Probes every
 * 500 ms with a 200 ms timeout, which makes the A TTL 1 s, so resolvers'
 * caches let a health change through within about a second.
 */
function zoneYaml(options: SignedSetupOptions): string {
  return [
    `zone: ${HOSTED}`,
    `alias_zones: [${ALIAS}, ${WRONG_ANCHOR_ZONE}]`,
    // The name server's address is served from its entry, as a user with in-zone name servers writes it.
    `name_servers: [{name: ns1.${HOSTED}, addresses: [192.0.2.53]}]`,
    ...(options.listenPort === undefined ? [] : [`listen: ["127.0.0.1:${options.listenPort}"]`]),
    "health: {interval: 500ms, timeout: 200ms}",
    `dnssec: {key: zone.pem, algorithm: ${options.algorithm}}`,
    "records:",
    `  www: {addresses: [${CHECKED_ADDRESS}], health_port: ${options.healthPort}}`,
    '  static: [192.0.2.10, "2001:db8::10"]',
    "  api.eu: [192.0.2.20]",
    ...(options.extraRecords ?? []).map((line) => `  ${line}`),
    "",
  ].join("\n");
}

/** `healthy-dns keygen --algorithm ALG --out PATH`, checked. */
async function keygen(algorithm: DnssecAlgorithmName, path: string): Promise<void> {
  const lines: string[] = [];
  const code = await runKeygen(["--algorithm", algorithm, "--out", path], {
    writeNewFile: (file, data, mode) => writeFile(file, data, { flag: "wx", mode }),
    out: (line) => lines.push(line),
  });
  assert.equal(code, 0, `keygen ${algorithm}: ${lines.join("\n")}`);
}

/** `healthy-dns ds ARGS`, checked: the DS record lines by zone. */
async function dsRecords(args: readonly string[]): Promise<Map<string, string>> {
  const lines: string[] = [];
  const code = await runDs(args, {
    readTextFile: (path) => readFile(path, "utf8"),
    out: (line) => lines.push(line),
  });
  assert.equal(code, 0, `ds ${args.join(" ")}: ${lines.join("\n")}`);
  const records = new Map<string, string>();
  for (const line of lines) {
    const match = /^(\S+)\.(?: \d+)? IN DS /.exec(line);
    if (match !== null) records.set(match[1], line);
  }
  return records;
}

/** Writes a key, another key and the config into a new temporary directory; reads the anchors with `ds`. */
export async function signedSetup(options: SignedSetupOptions): Promise<SignedSetup> {
  const { algorithm } = options;
  const dir = mkdtempSync(join(tmpdir(), `healthy-dns-dnssec-${algorithm}-`));
  const configPath = join(dir, "zone.yaml");
  writeFileSync(configPath, zoneYaml(options));
  await keygen(algorithm, join(dir, "zone.pem"));
  await keygen(algorithm, join(dir, "other.pem"));
  const right = await dsRecords(["--config", configPath]);
  assert.deepEqual([...right.keys()], [HOSTED, ALIAS, WRONG_ANCHOR_ZONE]);
  const wrong = await dsRecords([
    "--priv-key-path",
    join(dir, "other.pem"),
    "--priv-key-alg",
    algorithm,
    "--hosted-zone",
    WRONG_ANCHOR_ZONE,
  ]);
  return {
    dir,
    configPath,
    anchors: [
      { name: HOSTED, trustAnchor: right.get(HOSTED)! },
      { name: ALIAS, trustAnchor: right.get(ALIAS)! },
      { name: WRONG_ANCHOR_ZONE, trustAnchor: wrong.get(WRONG_ANCHOR_ZONE)! },
    ],
  };
}
