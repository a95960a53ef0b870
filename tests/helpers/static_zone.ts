/**
 * A zone holding every static record type (TXT, MX, SRV, CAA at the apex and
 * below it, with relative and absolute targets and an alias zone), served by
 * the real server in-process, and `dig` to read its answers field by field.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";

/** A TXT value of 300 octets: served as one record of a 255- and a 45-octet character-string. */
export const LONG_TXT = "v=DKIM1; k=rsa; p=" + "A".repeat(282);

/** The zone's YAML `records` (hosted zone example.test, alias zone example.net). */
export const STATIC_ZONE_YAML = `zone: example.test
alias_zones: [example.net]
name_servers: [ns1.example.org]
records:
  "@":
    txt: ["v=spf1 -all", "google-site-verification=abc"]
    mx: [{priority: 10, host: mail}, {priority: 20, host: mx.example.org.}]
    caa:
      - {flags: 0, tag: issue, value: letsencrypt.org}
      - {flags: 128, tag: iodef, value: "mailto:security@example.test"}
  mail: [192.0.2.25]
  big: {txt: [${
  Array.from({ length: 30 }, (_, i) => `"${String(i).padStart(40, "t")}"`).join(", ")
}]}
  www: {addresses: [192.0.2.10], txt: [hello], ttl: 120}
  dkim._domainkey: {txt: ["${LONG_TXT}"]}
  _acme-challenge.www: {txt: [token-1], ttl: 60}
  _https._tcp.www:
    srv:
      - {priority: 0, weight: 5, port: 443, target: www}
      - {priority: 1, weight: 0, port: 8443, target: backup.example.org.}
`;

/** The running server and its temporary directory. */
export interface StaticZone {
  readonly server: TestServer;
  close(): Promise<void>;
}

/** Writes STATIC_ZONE_YAML and serves it. */
export async function startStaticZone(): Promise<StaticZone> {
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-static-"));
  const path = join(dir, "zone.yaml");
  writeFileSync(path, STATIC_ZONE_YAML);
  const server = await startTestServer({ args: ["--config", path] });
  return {
    server,
    close: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What `dig` showed: the header flags and status, and each section's records split into fields. */
export interface DigResult {
  readonly status: string;
  readonly flags: readonly string[];
  readonly answer: readonly (readonly string[])[];
  readonly authority: readonly (readonly string[])[];
}

/**
 * `dig @127.0.0.1 -p PORT NAME TYPE +norec` (plus `extra`, e.g. `+tcp`),
 * run asynchronously (the server answers from this process): records are
 * split on whitespace outside quotes, so a TXT's character-strings are
 * separate fields.
 */
export async function dig(
  port: number,
  name: string,
  type: string,
  extra: readonly string[] = [],
): Promise<DigResult> {
  const args = ["@127.0.0.1", "-p", String(port), "+norec", "+nocookie", "+time=2", "+tries=2"];
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      "dig",
      [...args, ...extra, name, type],
      { timeout: 15_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`dig ${name} ${type}: ${stderr}${stdout}`)) : resolve(stdout),
    )
  );
  const header = /status: (\w+)/.exec(out);
  const flags = /;; flags: ([^;]*);/.exec(out);
  const section = (title: string) => {
    const at = out.indexOf(`;; ${title} SECTION:\n`);
    if (at < 0) return [];
    const lines = out.slice(at).split("\n").slice(1);
    const end = lines.findIndex((line) => line.trim() === "");
    return lines.slice(0, end < 0 ? lines.length : end).map((line) =>
      line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? []
    );
  };
  return {
    status: header?.[1] ?? "",
    flags: flags?.[1].trim().split(/\s+/) ?? [],
    answer: section("ANSWER"),
    authority: section("AUTHORITY"),
  };
}
