#!/usr/bin/env node
// `npm run image`: the OCI image of healthy-dns for linux/amd64 and linux/arm64,
// built with Debian's buildah from the release files (`npm run release` first)
// on `scratch`: no base image is downloaded. Each image holds only
//   /usr/bin/healthy-dns                the linux-x64 / linux-arm64 release file
//   the glibc loader and the libraries it NEEDs (from this machine's libc6 for
//     amd64, from libc6-arm64-cross for arm64)
//   /etc/passwd and /etc/group lines for the user 65532 (healthy-dns)
//   /etc/healthy-dns/ (mount config.yaml here) and /var/lib/healthy-dns (a volume)
// and runs as USER 65532:65532 with a HEALTHCHECK that is `healthy-dns health`.
// Written to dist/image/:
//   healthy-dns-<version>-<arch>.docker.tar   Docker archive (keeps HEALTHCHECK)
//   healthy-dns-<version>-<arch>.oci.tar      OCI archive of the same image
//   healthy-dns-<version>.oci.tar             both, under one multi-arch index
// packaging/README.md says how to run it; docs/releases.md why it is made so.
// Node.js built-ins only.
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { gitCommit } from "./compile.mjs";
import { root } from "./project.mjs";
import { ensureDebianTools } from "./debian_tools.mjs";

// `npm run image` runs before `npm test` in .ci/run, so it installs (or names) its own tools.
ensureDebianTools("image", ["image"]);

/** Image platform → release target, loader path and library directory inside the image. */
export const IMAGE_PLATFORMS = Object.freeze({
  amd64: {
    target: "linux-x64",
    loader: "/lib64/ld-linux-x86-64.so.2",
    libDir: "/lib/x86_64-linux-gnu",
    hostLibDir: "/lib/x86_64-linux-gnu",
  },
  arm64: {
    target: "linux-arm64",
    loader: "/lib/ld-linux-aarch64.so.1",
    libDir: "/lib/aarch64-linux-gnu",
    // Debian's libc6-arm64-cross.
    hostLibDir: "/usr/aarch64-linux-gnu/lib",
  },
});

/** The numeric user and group the server runs as (distroless' "nonroot"). */
export const IMAGE_USER = "65532:65532";
export const CONFIG_PATH = "/etc/healthy-dns/config.yaml";
export const STATE_DIR = "/var/lib/healthy-dns";
/** The HEALTHCHECK command: the program asks itself over loopback (no shell, no curl). */
export const HEALTHCHECK = Object.freeze([
  "/usr/bin/healthy-dns",
  "health",
  "--config",
  CONFIG_PATH,
]);

const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const releaseDir = join(root, "dist", "release");
const outDir = join(root, "dist", "image");
const SOURCE = process.env.HEALTHY_DNS_IMAGE_SOURCE ?? "https://github.com/OWNER/healthy-dns";

function fail(message) {
  console.error(`image: ${message}`);
  process.exit(1);
}

/** Runs a command; returns its stdout; fails with its stderr. */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) {
    fail(`${command} ${args.join(" ")} failed:\n${result.error?.message ?? ""}${result.stderr}`);
  }
  return result.stdout;
}

/** The NEEDED entries of an ELF file (readelf reads any architecture). */
function needed(file) {
  return [
    ...run("readelf", ["-d", "--wide", file]).matchAll(/\(NEEDED\)\s+Shared library: \[(.+?)\]/g),
  ]
    .map((m) => m[1]);
}

/**
 * Lays out the image's root file system in `tree`: the executable, the loader
 * and every library it needs (transitively), the user, and the two directories.
 */
function layOutRoot(tree, platform) {
  const executable = join(releaseDir, `healthy-dns-${version}-${platform.target}`);
  if (!existsSync(executable)) fail(`${executable} is missing: run \`npm run release\` first`);
  rmSync(tree, { recursive: true, force: true });
  const put = (path, from, mode) => {
    mkdirSync(join(tree, path, ".."), { recursive: true });
    copyFileSync(from, join(tree, path));
    chmodSync(join(tree, path), mode);
  };
  put("/usr/bin/healthy-dns", executable, 0o755);
  const loaderName = basename(platform.loader);
  put(platform.loader, join(platform.hostLibDir, loaderName), 0o755);
  const pending = needed(executable);
  const copied = new Set([loaderName]);
  while (pending.length > 0) {
    const library = pending.shift();
    if (copied.has(library)) continue;
    const from = join(platform.hostLibDir, library);
    if (!existsSync(from)) fail(`${from} is missing (the executable needs ${library})`);
    put(join(platform.libDir, library), from, 0o755);
    copied.add(library);
    pending.push(...needed(from));
  }
  mkdirSync(join(tree, "etc", "healthy-dns"), { recursive: true });
  writeFileSync(
    join(tree, "etc", "passwd"),
    `healthy-dns:x:65532:65532:healthy-dns:${STATE_DIR}:/nonexistent\n`,
  );
  writeFileSync(join(tree, "etc", "group"), "healthy-dns:x:65532:\n");
  mkdirSync(join(tree, STATE_DIR), { recursive: true });
  chmodSync(join(tree, STATE_DIR), 0o700);
  const [uid, gid] = IMAGE_USER.split(":").map(Number);
  chownSync(join(tree, STATE_DIR), uid, gid);
  return [...copied];
}

/** Builds one platform's image with buildah; returns its local name. */
function buildImage(arch, platform, commit) {
  const tree = join(outDir, `root-${arch}`);
  const libraries = layOutRoot(tree, platform);
  const name = `localhost/healthy-dns:${version}-${arch}`;
  const container = run("buildah", ["from", "--arch", arch, "--os", "linux", "scratch"]).trim();
  try {
    // --chown: the state directory belongs to the user the server runs as.
    // A tar keeps the owners: the state directory belongs to the user the server runs as.
    const archive = `${tree}.tar`;
    run("tar", ["-C", tree, "--numeric-owner", "-cf", archive, "."]);
    run("buildah", ["add", container, archive, "/"]);
    rmSync(archive, { force: true });
    const created = new Date().toISOString();
    run("buildah", [
      "config",
      "--arch",
      arch,
      "--os",
      "linux",
      "--user",
      IMAGE_USER,
      "--workingdir",
      "/",
      "--port",
      "53053/udp",
      "--port",
      "53053/tcp",
      "--port",
      "9153/tcp",
      "--volume",
      STATE_DIR,
      "--entrypoint",
      JSON.stringify(["/usr/bin/healthy-dns"]),
      "--cmd",
      JSON.stringify(["serve", "--config", CONFIG_PATH, "--state-dir", STATE_DIR]),
      "--healthcheck",
      `CMD ${HEALTHCHECK.join(" ")}`,
      "--healthcheck-interval",
      "30s",
      "--healthcheck-timeout",
      "5s",
      "--healthcheck-start-period",
      "10s",
      "--healthcheck-retries",
      "3",
      "--label",
      `org.opencontainers.image.title=healthy-dns`,
      "--label",
      `org.opencontainers.image.description=Health-aware authoritative DNS server`,
      "--label",
      `org.opencontainers.image.version=${version}`,
      "--label",
      `org.opencontainers.image.revision=${commit}`,
      "--label",
      `org.opencontainers.image.source=${SOURCE}`,
      "--label",
      `org.opencontainers.image.licenses=MIT`,
      "--label",
      `org.opencontainers.image.created=${created}`,
      container,
    ]);
    // Docker format: an OCI image config has no field for HEALTHCHECK.
    run("buildah", ["commit", "--format", "docker", "--rm", container, name]);
  } catch (error) {
    spawnSync("buildah", ["rm", container], { stdio: "ignore" });
    throw error;
  }
  rmSync(tree, { recursive: true, force: true });
  console.log(`image: ${name}: ${libraries.length} libraries (${libraries.join(", ")})`);
  return name;
}

mkdirSync(outDir, { recursive: true });
const commit = gitCommit();
const names = [];
for (const [arch, platform] of Object.entries(IMAGE_PLATFORMS)) {
  const started = Date.now();
  const name = buildImage(arch, platform, commit);
  names.push(name);
  const docker = join(outDir, `healthy-dns-${version}-${arch}.docker.tar`);
  const oci = join(outDir, `healthy-dns-${version}-${arch}.oci.tar`);
  for (const file of [docker, oci]) rmSync(file, { force: true });
  run("podman", ["save", "--format", "docker-archive", "-o", docker, name]);
  run("podman", ["save", "--format", "oci-archive", "-o", oci, name]);
  const mib = (statSync(docker).size / 2 ** 20).toFixed(1);
  console.log(`image: ${docker}  ${mib} MiB  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
// One OCI archive with an index of both platforms: what a registry push sends.
const list = `localhost/healthy-dns:${version}`;
spawnSync("buildah", ["manifest", "rm", list], { stdio: "ignore" });
run("buildah", ["manifest", "create", list]);
for (const name of names) run("buildah", ["manifest", "add", list, `containers-storage:${name}`]);
const multi = join(outDir, `healthy-dns-${version}.oci.tar`);
rmSync(multi, { force: true });
run("buildah", ["manifest", "push", "--all", "--format", "oci", list, `oci-archive:${multi}`]);
console.log(`image: ${multi} (linux/amd64 and linux/arm64)`);
