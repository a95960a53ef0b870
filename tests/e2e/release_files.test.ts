// The files `npm run release` writes to dist/release: SHA256SUMS that
// `sha256sum -c` accepts, and every platform's file built for that platform,
// stamped with its commit and target. Only linux-x64 can run here
// (release_run.test.ts runs it); the others are checked by their headers.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { readExecutableHeader } from "../helpers/executable_header.ts";
import { readSums, RELEASE_DIR, releaseFileName, releaseSkipReason } from "../helpers/release.ts";
import { REPO_ROOT } from "../helpers/server_harness.ts";

/** What each target's file must be (the loaders are the standard glibc and musl paths). */
const EXPECTED = {
  "linux-x64": { format: "ELF", arch: "x86-64", interpreter: "/lib64/ld-linux-x86-64.so.2" },
  "linux-arm64": { format: "ELF", arch: "arm64", interpreter: "/lib/ld-linux-aarch64.so.1" },
  "linux-x64-musl": { format: "ELF", arch: "x86-64", interpreter: "/lib/ld-musl-x86_64.so.1" },
  "linux-arm64-musl": { format: "ELF", arch: "arm64", interpreter: "/lib/ld-musl-aarch64.so.1" },
  "darwin-x64": { format: "Mach-O", arch: "x86-64", interpreter: null },
  "darwin-arm64": { format: "Mach-O", arch: "arm64", interpreter: null },
  "windows-x64": { format: "PE", arch: "x86-64", interpreter: null },
} as const;
const TARGETS = Object.keys(EXPECTED) as (keyof typeof EXPECTED)[];
/** Hashing or reading ~100 MB files takes seconds on a loaded machine (Bun's default limit is 5 s). */
const SLOW = { timeout: 120_000 };

/** The first `size` bytes of a file (headers are at the start; the files are ~100 MB). */
function head(path: string, size: number): Uint8Array {
  const buffer = new Uint8Array(size);
  const fd = openSync(path, "r");
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, size, 0));
  } finally {
    closeSync(fd);
  }
}

describe("release files (dist/release)", { skip: releaseSkipReason() }, () => {
  test("SHA256SUMS lists exactly one file per target, and `sha256sum -c` accepts it", SLOW, () => {
    const names = readSums().map(([, name]) => name);
    assert.deepEqual([...names].sort(), TARGETS.map(releaseFileName).sort());
    const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], {
      cwd: RELEASE_DIR,
      encoding: "utf8",
    });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.deepEqual(
      check.stdout.trim().split("\n").sort(),
      names.map((name) => `${name}: OK`).sort(),
    );
  });

  for (const target of TARGETS) {
    test(
      `${target}: ${EXPECTED[target].format} for ${
        EXPECTED[target].arch
      }, stamped with its commit and target`,
      SLOW,
      () => {
        const path = join(RELEASE_DIR, releaseFileName(target));
        const size = statSync(path).size;
        // A Bun runtime plus the bundle: tens of MB. Far less means a failed or empty build.
        assert.ok(size > 20 * 2 ** 20, `${path}: ${size} bytes`);
        const header = readExecutableHeader(head(path, 64 * 1024));
        assert.deepEqual(header, { ...EXPECTED[target], executable: true });
        if (header.format !== "PE") assert.ok((statSync(path).mode & 0o111) !== 0, "mode +x");

        // The stamp (scripts/compile.mjs) travels in the embedded bundle as text.
        const text = readFileSync(path).toString("latin1");
        const stamp = text.match(
          new RegExp(`"?commit"?:\\s*"([0-9a-f]{7,40})(?:-dirty)?",\\s*"?target"?:\\s*"${target}"`),
        );
        assert.ok(stamp !== null, `${path}: no build stamp for ${target}`);
        const known = spawnSync("git", ["cat-file", "-e", `${stamp[1]}^{commit}`], {
          cwd: REPO_ROOT,
        });
        assert.equal(known.status, 0, `${stamp[1]} is not a commit of this repository`);
      },
    );
  }
});
