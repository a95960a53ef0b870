/**
 * Runs BIND's `delv` (a validating lookup tool) directly against our
 * authoritative server on loopback: it fetches the DNSKEYs itself and checks
 * every signature and denial proof from the trust anchors it is given.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TrustAnchor } from "./signed_setup.ts";

/** `delv` from PATH (bind9-dnsutils); `DELV` overrides it. */
export const DELV_BINARY = process.env.DELV ?? "delv";
/** One lookup including the DNSKEY fetch; delv retries for a while on no answer. */
const LOOKUP_TIMEOUT_MS = 10_000;

/** What one `delv` run printed. */
export interface DelvResult {
  /** The records and the `; fully validated` / `; negative response, fully validated` verdict. */
  readonly stdout: string;
  /** Failures: `;; resolution failed: broken trust chain`, … */
  readonly stderr: string;
}

/**
 * Writes `anchors` as a delv anchor file (`trust-anchors { Z static-ds … }`)
 * into `dir` and returns its path.
 */
export function writeDelvAnchors(dir: string, anchors: readonly TrustAnchor[]): string {
  const lines = anchors.map(({ trustAnchor }) => {
    const match = /^(\S+)(?: \d+)? IN DS (\d+) (\d+) (\d+) ([0-9A-Fa-f]+)$/.exec(
      trustAnchor.trim(),
    );
    if (match === null) throw new Error(`not a DS record: ${JSON.stringify(trustAnchor)}`);
    const [, owner, tag, algorithm, digestType, digest] = match;
    return `  ${owner} static-ds ${tag} ${algorithm} ${digestType} "${digest}";`;
  });
  const path = join(dir, "delv-anchors.conf");
  writeFileSync(path, `trust-anchors {\n${lines.join("\n")}\n};\n`);
  return path;
}

/**
 * `delv @127.0.0.1 -p PORT -a ANCHORS +root=ZONE NAME TYPE`: validates from
 * the anchor for `zone`, asking only our server. Killed after 10 s.
 */
export function delv(
  port: number,
  anchorsPath: string,
  zone: string,
  name: string,
  type: string,
): Promise<DelvResult> {
  const args = ["@127.0.0.1", "-p", String(port), "-a", anchorsPath, `+root=${zone}`, name, type];
  return new Promise((resolve, reject) => {
    const child = spawn(DELV_BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Uint8Array) => (stdout += new TextDecoder().decode(chunk)));
    child.stderr?.on("data", (chunk: Uint8Array) => (stderr += new TextDecoder().decode(chunk)));
    const timer = setTimeout(() => child.kill("SIGKILL"), LOOKUP_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", () => {
      clearTimeout(timer);
      resolve({ stdout, stderr });
    });
  });
}
