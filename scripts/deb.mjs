#!/usr/bin/env node
// `npm run deb`: Debian packages made with dpkg-deb from the release files
// (`npm run release` first), in dist/deb/:
//   healthy-dns_<version>_amd64.deb   from healthy-dns-<version>-linux-x64
//   healthy-dns_<version>_arm64.deb   from healthy-dns-<version>-linux-arm64
// Each holds /usr/bin/healthy-dns, the unit packaging/healthy-dns.service (its
// ExecStart pointed at /usr/bin) in /lib/systemd/system, the example
// packaging/config.yaml as the conffile /etc/healthy-dns/config.yaml, a man page
// made from --help, the copyright file and the maintainer scripts of
// packaging/deb/ (which enable and start nothing). packaging/README.md says how
// to install it; docs/releases.md why it is made this way. Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { bin, root } from "./project.mjs";

/** Debian architecture → release target (the glibc files: Debian is glibc). */
export const DEB_ARCHITECTURES = Object.freeze({ amd64: "linux-x64", arm64: "linux-arm64" });

const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const releaseDir = join(root, "dist", "release");
const outDir = join(root, "dist", "deb");
const packaging = join(root, "packaging");
const MAINTAINER = "healthy-dns maintainers <healthy-dns@users.noreply.github.com>";

/** Fails with one line naming what is wrong. */
function fail(message) {
  console.error(`deb: ${message}`);
  process.exit(1);
}

/** Runs a command; its output is shown only when it fails. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8" });
  if (result.status !== 0) {
    fail(`${command} ${args.join(" ")} failed:\n${result.error?.message ?? ""}${result.stderr}`);
  }
  return result.stdout;
}

/** Writes `data` at `path` inside the package tree with `mode`, making the directories. */
function put(tree, path, data, mode = 0o644) {
  const file = join(tree, path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, data);
  chmodSync(file, mode);
}

/**
 * The newest glibc symbol version the executable asks for (`readelf -V`, which
 * reads any architecture), for the libc6 dependency.
 */
function glibcFloor(executable) {
  const versions = [...run("readelf", ["-V", "--wide", executable]).matchAll(/GLIBC_(\d+)\.(\d+)/g)]
    .map((m) => [Number(m[1]), Number(m[2])]);
  if (versions.length === 0) fail(`${executable}: no GLIBC_ symbol versions (not a glibc file?)`);
  const [major, minor] = versions.sort((a, b) => a[0] - b[0] || a[1] - b[1]).at(-1);
  return `${major}.${minor}`;
}

/** The man page: the synopsis and `--help` text of the program itself, in roff. */
function manPage(helpText, date) {
  const escaped = helpText.replace(/\\/g, "\\e").split("\n").map((line) =>
    /^[.']/.test(line) ? `\\&${line}` : line
  );
  return [
    `.TH HEALTHY-DNS 1 "${date}" "healthy-dns ${version}" "User Commands"`,
    ".SH NAME",
    "healthy-dns \\- health-aware authoritative DNS server",
    ".SH SYNOPSIS",
    ".B healthy-dns",
    "[\\fIserve\\fR] [\\fIFLAGS\\fR]",
    ".br",
    ".B healthy-dns",
    "\\fICOMMAND\\fR [\\fIFLAGS\\fR]",
    ".SH DESCRIPTION",
    "Serves one hosted zone (and alias zones) with only the addresses whose TCP health",
    "check passes. The packaged service reads",
    ".I /etc/healthy-dns/config.yaml",
    "and keeps its state in",
    ".IR /var/lib/healthy-dns .",
    ".SH OPTIONS",
    ".nf",
    ...escaped,
    ".fi",
    ".SH FILES",
    ".TP",
    ".I /etc/healthy-dns/config.yaml",
    "the configuration (see /usr/share/doc/healthy-dns/)",
    ".TP",
    ".I /lib/systemd/system/healthy-dns.service",
    "the unit: systemctl enable \\-\\-now healthy-dns",
    ".SH SEE ALSO",
    ".BR systemctl (1),",
    ".BR dig (1)",
    "",
  ].join("\n");
}

/** The Debian changelog entry of this version (changelog.gz: a native package, no Debian revision). */
function changelog(date) {
  return [
    `healthy-dns (${version}) unstable; urgency=medium`,
    "",
    `  * Release ${version}; the project's own history is its git log.`,
    "",
    ` -- ${MAINTAINER}  ${date}`,
    "",
  ].join("\n");
}

/** The package's unit: packaging/healthy-dns.service with the program at /usr/bin. */
function packagedUnit() {
  const unit = readFileSync(join(packaging, "healthy-dns.service"), "utf8");
  const packaged = unit.replaceAll("/usr/local/bin/healthy-dns", "/usr/bin/healthy-dns");
  if (!packaged.includes("ExecStart=/usr/bin/healthy-dns ")) {
    fail("packaging/healthy-dns.service: ExecStart no longer runs /usr/local/bin/healthy-dns");
  }
  return packaged.replace(
    "# healthy-dns as a systemd service; packaging/README.md says how to install it.",
    "# healthy-dns as a systemd service, from the Debian package healthy-dns.",
  );
}

/** Builds one package; returns its path. */
function buildPackage(arch, target, helpText, now) {
  const executable = join(releaseDir, `healthy-dns-${version}-${target}`);
  if (!existsSync(executable)) fail(`${executable} is missing: run \`npm run release\` first`);
  const tree = join(outDir, `tree-${arch}`);
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true, mode: 0o755 });
  const rfc2822 = now.toUTCString().replace("GMT", "+0000");
  const doc = "usr/share/doc/healthy-dns";

  mkdirSync(join(tree, "usr/bin"), { recursive: true, mode: 0o755 });
  copyFileSync(executable, join(tree, "usr/bin/healthy-dns"));
  chmodSync(join(tree, "usr/bin/healthy-dns"), 0o755);
  put(tree, "lib/systemd/system/healthy-dns.service", packagedUnit());
  put(tree, "etc/healthy-dns/config.yaml", readFileSync(join(packaging, "config.yaml")));
  put(tree, `${doc}/copyright`, readFileSync(join(packaging, "deb", "copyright")));
  put(tree, `${doc}/changelog.gz`, gzipSync(changelog(rfc2822), { level: 9 }));
  put(
    tree,
    "usr/share/man/man1/healthy-dns.1.gz",
    gzipSync(manPage(helpText, now.toISOString().slice(0, 10)), { level: 9 }),
  );
  put(
    tree,
    "usr/share/lintian/overrides/healthy-dns",
    readFileSync(join(packaging, "deb", "lintian-overrides")),
  );
  for (const script of ["postinst", "prerm", "postrm"]) {
    put(tree, `DEBIAN/${script}`, readFileSync(join(packaging, "deb", script)), 0o755);
  }
  put(tree, "DEBIAN/conffiles", "/etc/healthy-dns/config.yaml\n");
  // dpkg --verify and debsums check the installed files against these.
  const files = run("find", [
    tree,
    "-path",
    join(tree, "DEBIAN"),
    "-prune",
    "-o",
    "-type",
    "f",
    "-print",
  ])
    .trim().split("\n").sort();
  put(
    tree,
    "DEBIAN/md5sums",
    files.map((file) =>
      `${createHash("md5").update(readFileSync(file)).digest("hex")}  ${
        file.slice(tree.length + 1)
      }\n`
    ).join(""),
  );
  const installedKiB = Math.ceil(
    Number(run("du", ["-s", "-k", "--apparent-size", "--exclude=DEBIAN", tree]).split("\t")[0]),
  );
  put(
    tree,
    "DEBIAN/control",
    [
      "Package: healthy-dns",
      `Version: ${version}`,
      `Architecture: ${arch}`,
      `Maintainer: ${MAINTAINER}`,
      `Installed-Size: ${installedKiB}`,
      `Depends: libc6 (>= ${glibcFloor(executable)})`,
      "Section: net",
      "Priority: optional",
      "Description: health-aware authoritative DNS server",
      " healthy-dns answers for one DNS zone (and alias zones) with only the",
      " addresses whose TCP health check passes, so a name fails over without a",
      " load balancer. It serves A, AAAA, NS and SOA over UDP and TCP, with EDNS,",
      " online DNSSEC signing, zone transfer to secondaries, rate limiting and a",
      " status page. One executable with the Bun runtime embedded.",
      "",
    ].join("\n"),
  );
  const deb = join(outDir, `healthy-dns_${version}_${arch}.deb`);
  // gzip: xz takes a minute per package for ~5 % less.
  run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, deb]);
  rmSync(tree, { recursive: true, force: true });
  return deb;
}

if (!existsSync(bin("bun"))) fail("node_modules is missing; run `npm ci` first");
const help = spawnSync(bin("bun"), [join(root, "main.ts"), "--help"], { encoding: "utf8" });
if (help.status !== 0) fail(`main.ts --help failed: ${help.stderr}`);
mkdirSync(outDir, { recursive: true });
const now = new Date();
for (const [arch, target] of Object.entries(DEB_ARCHITECTURES)) {
  const started = Date.now();
  const deb = buildPackage(arch, target, help.stdout.trimEnd(), now);
  const mib = (statSync(deb).size / 2 ** 20).toFixed(1);
  console.log(`deb: ${deb}  ${mib} MiB  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
