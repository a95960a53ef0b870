import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import pkg from "../../package.json" with { type: "json" };
import { prerequisite } from "../../scripts/bench/harness/prerequisite.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

/** Where `npm run release` writes the release files and SHA256SUMS. */
export const RELEASE_DIR: string = join(REPO_ROOT, "dist", "release");

/** A release file's name for a target (`linux-arm64-musl`…), as the issue and CI actions name them. */
export function releaseFileName(target: string): string {
  return `healthy-dns-${pkg.version}-${target}${target.startsWith("windows-") ? ".exe" : ""}`;
}

/**
 * Why the release tests are skipped, or false when they run (see prerequisite.ts):
 * they run when `npm run release` has made dist/release (it is slow, so `npm test`
 * does not build it); under `.ci/run`, which builds it first and sets
 * HEALTHY_DNS_RELEASE_TESTS=1, a missing release is a failure instead of a skip.
 */
export function releaseSkipReason(): string | false {
  return prerequisite(
    existsSync(join(RELEASE_DIR, "SHA256SUMS"))
      ? false
      : "dist/release is missing: run `npm run release` (.ci/run does)",
    process.env.HEALTHY_DNS_RELEASE_TESTS === "1",
  );
}

/** SHA256SUMS as [hash, file name] pairs; throws when it is missing. */
export function readSums(): [string, string][] {
  return readFileSync(join(RELEASE_DIR, "SHA256SUMS"), "utf8").trimEnd().split("\n").map(
    (line) => {
      const match = line.match(/^([0-9a-f]{64}) [ *](\S+)$/);
      if (match === null) throw new Error(`SHA256SUMS: malformed line ${JSON.stringify(line)}`);
      return [match[1], match[2]];
    },
  );
}

/** Where `npm run deb` writes the Debian packages. */
export const DEB_DIR: string = join(REPO_ROOT, "dist", "deb");

/** A Debian package's file name for a Debian architecture (amd64, arm64). */
export function debFileName(arch: string): string {
  return `healthy-dns_${pkg.version}_${arch}.deb`;
}

/**
 * Why the Debian package tests are skipped, or false when they run: as for the
 * release files, when `npm run deb` has made them, and always under `.ci/run`
 * (HEALTHY_DNS_RELEASE_TESTS=1), where a missing package fails.
 */
export function debSkipReason(): string | false {
  return process.env.HEALTHY_DNS_RELEASE_TESTS === "1" ||
      existsSync(join(DEB_DIR, debFileName("amd64")))
    ? false
    : "dist/deb is missing: run `npm run deb` (.ci/run does)";
}

/** Where `npm run image` writes the image archives. */
export const IMAGE_DIR: string = join(REPO_ROOT, "dist", "image");

/** An image archive's file name: `docker` or `oci` for one arch, or the multi-arch OCI archive. */
export function imageFileName(arch: string | null, format: "docker" | "oci"): string {
  return `healthy-dns-${pkg.version}${arch === null ? "" : `-${arch}`}.${format}.tar`;
}

/** Why the image tests are skipped, or false: as `debSkipReason`, for `npm run image`. */
export function imageSkipReason(): string | false {
  return process.env.HEALTHY_DNS_RELEASE_TESTS === "1" ||
      existsSync(join(IMAGE_DIR, imageFileName("amd64", "docker")))
    ? false
    : "dist/image is missing: run `npm run image` (.ci/run does)";
}
