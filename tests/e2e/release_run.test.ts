// The linux-x64 release file runs with nothing installed: started with an empty
// environment (`env -i`: no PATH, so no node, bun or deno can be found), it
// serves the demo zone and answers a real `dig`.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RELEASE_DIR, releaseFileName, releaseSkipReason } from "../helpers/release.ts";
import { freePort, spawnServer } from "../../scripts/bench/harness/server_harness.ts";

const FILE = join(RELEASE_DIR, releaseFileName("linux-x64"));
const ENV = "/usr/bin/env";

function dig(port: number, ...args: string[]) {
  return spawnSync("dig", [
    "@127.0.0.1",
    "-p",
    String(port),
    "+short",
    "+tries=3",
    "+time=2",
    ...args,
  ], {
    encoding: "utf8",
  });
}

/** The demo's records with www probing the server's own port (healthy once it listens). */
function demoRecords(port: number): string {
  return JSON.stringify({ www: { ips: ["127.0.0.1"], health_port: port }, static: ["127.0.0.10"] });
}

/** The running release file answers www over UDP and the alias zone's static name over TCP. */
function answersDemo(port: number): void {
  const udp = dig(port, "www.example.test", "A");
  assert.equal(udp.status, 0, udp.stderr);
  assert.equal(udp.stdout.trim(), "127.0.0.1");
  const tcp = dig(port, "static.example.net", "A", "+tcp");
  assert.equal(tcp.status, 0, tcp.stderr);
  assert.equal(tcp.stdout.trim(), "127.0.0.10");
}

describe("the linux-x64 release file, empty environment", { skip: releaseSkipReason() }, () => {
  test("--version names its commit, bun and linux-x64", () => {
    const result = spawnSync(ENV, ["-i", FILE, "--version"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^healthy-dns \d+\.\d+\.\d+ \([0-9a-f]{7,40}(-dirty)?, bun [\d.]+, linux-x64\)\n$/,
    );
  });

  test("the README's install steps: one downloaded file checks against SHA256SUMS, then runs", {
    timeout: 60_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-download-"));
    try {
      // As downloaded: just that file and SHA256SUMS, not executable yet.
      const name = releaseFileName("linux-x64");
      copyFileSync(FILE, join(dir, name));
      chmodSync(join(dir, name), 0o644);
      copyFileSync(join(RELEASE_DIR, "SHA256SUMS"), join(dir, "SHA256SUMS"));
      const check = spawnSync("sha256sum", ["-c", "--ignore-missing", "SHA256SUMS"], {
        cwd: dir,
        encoding: "utf8",
      });
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.equal(check.stdout, `${name}: OK\n`);
      chmodSync(join(dir, name), 0o755);
      const version = spawnSync(ENV, ["-i", `./${name}`, "--version"], {
        cwd: dir,
        encoding: "utf8",
      });
      assert.equal(version.status, 0, version.stderr);
      assert.match(version.stdout, /^healthy-dns .*, linux-x64\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("serves --demo and answers dig over UDP and TCP", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const records = demoRecords(port);
    const server = await spawnServer(
      ["-i", FILE, "--demo", "--listen", `127.0.0.1:${port}`, "--zone-resolutions", records],
      ENV,
    );
    try {
      // env exec'd the server: the process has no environment at all.
      assert.equal(readFileSync(`/proc/${server.child.pid}/environ`).length, 0);
      assert.match(
        server.stderr(),
        / level=info msg="starting healthy-dns .*, bun [\d.]+, linux-x64\)" config=none zone=example\.test /,
      );
      answersDemo(port);
    } finally {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    }
  });
});

const ARM64_FILE = join(RELEASE_DIR, releaseFileName("linux-arm64"));
/** Debian's qemu-user and the arm64 glibc of libc6-arm64-cross (the loader's -L prefix). */
const QEMU = "/usr/bin/qemu-aarch64";
const ARM64_SYSROOT = "/usr/aarch64-linux-gnu";

describe("the linux-arm64 release file under qemu-user", { skip: releaseSkipReason() }, () => {
  test("serves --demo and answers dig over UDP and TCP", { timeout: 120_000 }, async () => {
    assert.ok(existsSync(QEMU), `${QEMU} is missing (Debian qemu-user)`);
    assert.ok(
      existsSync(join(ARM64_SYSROOT, "lib", "ld-linux-aarch64.so.1")),
      `${ARM64_SYSROOT} has no arm64 loader (Debian libc6-arm64-cross)`,
    );
    const port = await freePort();
    const records = demoRecords(port);
    const server = await spawnServer(
      [
        "-L",
        ARM64_SYSROOT,
        ARM64_FILE,
        "--demo",
        "--listen",
        `127.0.0.1:${port}`,
        "--zone-resolutions",
        records,
      ],
      QEMU,
      90_000,
    );
    try {
      assert.match(
        server.stderr(),
        / level=info msg="starting healthy-dns .*, bun [\d.]+, linux-arm64\)" config=none zone=example\.test /,
      );
      answersDemo(port);
    } finally {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
    }
  });
});
