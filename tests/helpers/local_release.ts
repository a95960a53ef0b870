import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import { ensureBinary } from "./binary.ts";
import { releaseFileName } from "./release.ts";

/** This machine as release files name it (the test machines run glibc Linux). */
export const HOST_PLATFORM: string = `linux-${process.arch === "arm64" ? "arm64" : "x64"}`;

/** The SHA-256 of a file, in hex. */
export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * Lays out a GitHub-style release under `dir`, as
 * `<dir>/v<version>/healthy-dns-<version>-<platform>` and `SHA256SUMS`: the
 * compiled dist/healthy-dns under this machine's release name, and a
 * SHA256SUMS that lists it after another platform's line (so a reader must
 * pick the right one). Returns the `file://` URL of `dir`, the base that
 * `<url>/v<version>/<file>` downloads from.
 */
export function layOutRelease(dir: string): string {
  const files = join(dir, `v${pkg.version}`);
  mkdirSync(files, { recursive: true });
  const name = releaseFileName(HOST_PLATFORM);
  copyFileSync(ensureBinary(), join(files, name));
  writeFileSync(
    join(files, "SHA256SUMS"),
    `${"0".repeat(64)}  ${releaseFileName("windows-x64")}\n${
      sha256File(join(files, name))
    }  ${name}\n`,
  );
  return pathToFileURL(dir).href;
}

/**
 * Writes a config for example.test whose `www` (127.0.0.2) and `api`
 * (127.0.0.3) are probed at `port`: with a listener on 127.0.0.2 only, www
 * passes and api is refused. Returns `file`.
 */
export function writeZoneConfig(file: string, port: number): string {
  writeFileSync(
    file,
    [
      "zone: example.test",
      "name_servers: [ns1.example.test]",
      "health:",
      "  timeout: 1s",
      "records:",
      "  www:",
      "    addresses: [127.0.0.2]",
      `    health_port: ${port}`,
      "  api:",
      "    addresses: [127.0.0.3]",
      `    health_port: ${port}`,
      "",
    ].join("\n"),
  );
  return file;
}
