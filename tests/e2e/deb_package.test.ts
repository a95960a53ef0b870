// The Debian packages of `npm run deb`: what each holds, lintian's verdict, and
// a real install cycle of the amd64 one on this machine (dpkg -i, the unit
// accepted by systemd-analyze, --version, dpkg -r keeping only the conffile,
// dpkg -P removing that too). dpkg installs for real: the test purges the
// package whatever happens, and refuses to run where healthy-dns is already
// installed by someone else.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import pkg from "../../package.json" with { type: "json" };
import { readExecutableHeader } from "../helpers/executable_header.ts";
import {
  DEB_DIR,
  debFileName,
  debSkipReason,
  RELEASE_DIR,
  releaseFileName,
} from "../helpers/release.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

const ARCHES = {
  amd64: { target: "linux-x64", elf: "x86-64" },
  arm64: { target: "linux-arm64", elf: "arm64" },
};
const deb = (arch: string) => join(DEB_DIR, debFileName(arch));

function run(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, { encoding: "utf8", cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** dpkg's status of healthy-dns: `install ok installed`, `deinstall ok config-files`, or null. */
function packageStatus(): string | null {
  const status = run("dpkg-query", ["-W", "-f", "${Status}", "healthy-dns"]);
  return status.status === 0 && status.stdout !== "" ? status.stdout : null;
}

/** Why the install cycle cannot run here, or false. */
function installSkipReason(): string | false {
  const skip = debSkipReason();
  if (skip !== false) return skip;
  if (process.getuid?.() !== 0) {
    return process.env.CI === "true" ? false : "dpkg -i needs root (.ci/run runs as root)";
  }
  return process.arch === "x64" ? false : "the amd64 package installs only on an x86-64 host";
}

describe("the Debian packages (npm run deb)", { skip: debSkipReason() }, () => {
  for (const [arch, { target, elf }] of Object.entries(ARCHES)) {
    test(`${arch}: control fields, files, conffile and maintainer scripts`, () => {
      const field = (name: string) => run("dpkg-deb", ["-f", deb(arch), name]).stdout.trim();
      assert.equal(field("Package"), "healthy-dns");
      assert.equal(field("Version"), pkg.version);
      assert.equal(field("Architecture"), arch);
      assert.match(field("Depends"), /^libc6 \(>= 2\.\d+\)$/);
      const listing = run("dpkg-deb", ["-c", deb(arch)]).stdout;
      const files = new Map(
        listing.trim().split("\n").map((line) => {
          const fields = line.split(/\s+/);
          return [fields.slice(5).join(" ").replace(/^\./, ""), fields[0]] as const;
        }),
      );
      assert.equal(files.get("/usr/bin/healthy-dns"), "-rwxr-xr-x");
      assert.equal(files.get("/lib/systemd/system/healthy-dns.service"), "-rw-r--r--");
      assert.equal(files.get("/etc/healthy-dns/config.yaml"), "-rw-r--r--");
      assert.equal(files.get("/usr/share/doc/healthy-dns/copyright"), "-rw-r--r--");
      assert.ok(files.has("/usr/share/man/man1/healthy-dns.1.gz"));
      // The state directory is systemd's (StateDirectory=), not the package's.
      assert.ok(![...files.keys()].some((path) => path.startsWith("/var/")), listing);
      const conffiles = run("sh", ["-c", `dpkg-deb -I '${deb(arch)}' conffiles`]).stdout;
      assert.equal(conffiles, "/etc/healthy-dns/config.yaml\n");
      // Enable or start nothing: no `enable`, no `start` in any maintainer script.
      for (const script of ["postinst", "prerm", "postrm"]) {
        const text = run("dpkg-deb", ["-I", deb(arch), script]).stdout;
        assert.ok(text.startsWith("#!/bin/sh"), `${script}:\n${text}`);
        const commands = text.split("\n").filter((line) => !line.trim().startsWith("#")).join("\n");
        assert.doesNotMatch(commands, /\benable\b|\bstart\b|--now/, script);
      }
    });

    test(`${arch}: the executable is the ${target} release file, an ${elf} ELF`, () => {
      const extracted = run("sh", [
        "-c",
        `dpkg-deb --fsys-tarfile '${deb(arch)}' | tar -xO ./usr/bin/healthy-dns | sha256sum`,
      ]).stdout.split(" ")[0];
      const released = run("sha256sum", [join(RELEASE_DIR, releaseFileName(target))]).stdout
        .split(" ")[0];
      assert.equal(extracted, released);
      const header = readExecutableHeader(
        new Uint8Array(readFileSync(join(RELEASE_DIR, releaseFileName(target))).subarray(0, 4096)),
      );
      assert.equal(header.format, "ELF");
      assert.equal(header.arch, elf);
    });
  }

  test("lintian finds no error or warning (remaining tags overridden with reasons)", {
    timeout: 300_000,
  }, () => {
    const lintian = run("lintian", [deb("amd64"), deb("arm64")]);
    assert.notEqual(lintian.status, null, "lintian did not run (Debian package lintian)");
    assert.doesNotMatch(lintian.stdout, /^[EW]: /m, lintian.stdout);
    assert.equal(lintian.status, 0, lintian.stdout + lintian.stderr);
  });
});

describe("installing the amd64 package with dpkg", { skip: installSkipReason() }, () => {
  const installedBefore = packageStatus();
  after(() => {
    if (installedBefore === null) run("dpkg", ["-P", "healthy-dns"]);
  });

  test(
    "dpkg -i, systemd-analyze verify, --version; dpkg -r keeps the conffile, dpkg -P removes it",
    {
      timeout: 180_000,
    },
    () => {
      assert.equal(
        installedBefore,
        null,
        `healthy-dns is already installed here (${installedBefore}); the test would remove it`,
      );
      assert.ok(process.getuid?.() === 0, "dpkg -i needs root");
      const install = run("dpkg", ["-i", deb("amd64")]);
      assert.equal(install.status, 0, install.stdout + install.stderr);
      assert.equal(packageStatus(), "install ok installed");

      const verify = run("systemd-analyze", ["verify", "/lib/systemd/system/healthy-dns.service"]);
      assert.equal(verify.status, 0, verify.stderr);
      assert.equal(verify.stdout + verify.stderr, "");
      assert.match(
        readFileSync("/lib/systemd/system/healthy-dns.service", "utf8"),
        /\nExecStart=\/usr\/bin\/healthy-dns serve --config \/etc\/healthy-dns\/config\.yaml /,
      );
      // Installing enabled nothing.
      assert.ok(!existsSync("/etc/systemd/system/multi-user.target.wants/healthy-dns.service"));

      const version = run("/usr/bin/healthy-dns", ["--version"]);
      assert.equal(version.status, 0, version.stderr);
      const stamp = version.stdout.match(/^healthy-dns [\d.]+ \(([0-9a-f]{7,40})(?:-dirty)?, bun /);
      assert.ok(stamp !== null, version.stdout);
      assert.equal(run("git", ["cat-file", "-e", `${stamp[1]}^{commit}`]).status, 0, stamp[1]);
      // The example conffile is a valid configuration as installed.
      const checkconf = run("/usr/bin/healthy-dns", [
        "checkconf",
        "--strict",
        "--config",
        "/etc/healthy-dns/config.yaml",
      ]);
      assert.equal(checkconf.stdout + checkconf.stderr, "ok\n");

      const remove = run("dpkg", ["-r", "healthy-dns"]);
      assert.equal(remove.status, 0, remove.stdout + remove.stderr);
      assert.equal(packageStatus(), "deinstall ok config-files");
      for (const gone of ["/usr/bin/healthy-dns", "/lib/systemd/system/healthy-dns.service"]) {
        assert.ok(!existsSync(gone), `${gone} is left after dpkg -r`);
      }
      assert.ok(existsSync("/etc/healthy-dns/config.yaml"), "dpkg -r removed the conffile");

      const purge = run("dpkg", ["-P", "healthy-dns"]);
      assert.equal(purge.status, 0, purge.stdout + purge.stderr);
      assert.equal(packageStatus(), null);
      assert.ok(!existsSync("/etc/healthy-dns"), "dpkg -P left /etc/healthy-dns");
      assert.ok(!existsSync("/usr/share/doc/healthy-dns"));
    },
  );
});
