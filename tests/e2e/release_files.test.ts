// The files `npm run release` writes to dist/release: SHA256SUMS that
// `sha256sum -c` accepts, and every platform's file built for that platform,
// stamped with its commit and target, and each Linux file's ELF NEEDED list
// against what README's Install says a host needs. release_run.test.ts runs
// linux-x64 natively and linux-arm64 under qemu-user.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { readExecutableHeader } from "../helpers/executable_header.ts";
import { readSums, RELEASE_DIR, releaseFileName, releaseSkipReason } from "../helpers/release.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

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

/** The ELF NEEDED list of a file (readelf, from binutils, reads every architecture). */
function neededLibraries(path: string): string[] {
  const dynamic = spawnSync("readelf", ["-d", "--wide", path], { encoding: "utf8" });
  assert.equal(dynamic.status, 0, `readelf -d ${path}: ${dynamic.stderr}`);
  return [...dynamic.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g)].map((m) => m[1]);
}

/** The backquoted library names in the README sentence `pattern` matches (its group 1). */
function readmeLibraries(pattern: RegExp): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8").replace(/\s+/g, " ");
  const sentence = readme.match(pattern);
  assert.ok(sentence !== null, `README.md has no sentence matching ${pattern}`);
  return [...sentence[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

describe("what the Linux files need on the host, as README's Install names it", {
  skip: releaseSkipReason(),
}, () => {
  // The loader itself (ld-linux-*, and musl's libc, which is its loader) is
  // named as "the loader" / the musl system; the rest must be named exactly.
  const isLoader = (library: string) => /^ld-linux-|^libc\.musl-/.test(library);
  const glibc = readmeLibraries(/The glibc files need only the C library \(([^)]*)\)/);
  const musl = readmeLibraries(/The musl files also need ([^:]*):/);

  for (const target of ["linux-x64", "linux-arm64"]) {
    test(`${target}: NEEDED is the loader and the C library files the README names`, SLOW, () => {
      const needed = neededLibraries(join(RELEASE_DIR, releaseFileName(target)));
      assert.deepEqual(needed.filter((l) => !isLoader(l)).sort(), [...glibc].sort());
    });
  }
  for (const target of ["linux-x64-musl", "linux-arm64-musl"]) {
    test(`${target}: NEEDED beyond musl is what the README says to install`, SLOW, () => {
      const needed = neededLibraries(join(RELEASE_DIR, releaseFileName(target)));
      assert.ok(needed.some(isLoader), `${needed} names no musl libc`);
      // libgcc_s is libstdc++'s own NEEDED, so the file does not list it; the
      // README names it because Alpine packages it apart (apk add libgcc).
      assert.deepEqual(
        needed.filter((l) => !isLoader(l)).sort(),
        musl.filter((l) => l !== "libgcc_s.so.1").sort(),
      );
      assert.ok(musl.includes("libgcc_s.so.1"), "README names libgcc_s.so.1 for the musl files");
    });
  }
});
