#!/usr/bin/env node
// `npm run release`: one self-contained executable per platform in dist/release/,
//   healthy-dns-<version>-<os>-<arch>[-musl][.exe]
// and SHA256SUMS in the format `sha256sum -c` reads. `bun build --compile
// --target=…` cross-compiles every platform on this machine (it fetches each
// target's Bun runtime from the npm registry once and caches it); see
// packaging/README.md for why the released files embed Bun.
// The host's file is run with --version as a check. Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compileWithBun, gitCommit, hostTarget } from "./compile.mjs";
import { hasRuntimes, root } from "./project.mjs";

/** Every released platform, in release words (bun's `--target` is `bun-` + these). */
const RELEASE_TARGETS = [
  "linux-x64",
  "linux-arm64",
  "linux-x64-musl",
  "linux-arm64-musl",
  "darwin-x64",
  "darwin-arm64",
  "windows-x64",
];

const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const outDir = join(root, "dist", "release");
const fileName = (target) =>
  `healthy-dns-${version}-${target}${target.startsWith("windows") ? ".exe" : ""}`;

if (!hasRuntimes()) {
  console.error("release: node_modules is missing; run `npm ci` first");
  process.exit(1);
}
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const commit = gitCommit();
console.log(`release: healthy-dns ${version} (${commit}) for ${RELEASE_TARGETS.length} platforms`);
const sums = [];
for (const target of RELEASE_TARGETS) {
  const name = fileName(target);
  const outfile = join(outDir, name);
  const started = Date.now();
  const built = compileWithBun({ outfile, target, quiet: true });
  if (!built.ok) {
    console.error(`release: ${name}: bun build --compile --target=bun-${target} failed:`);
    console.error(built.text.trim());
    process.exit(1);
  }
  const bytes = readFileSync(outfile);
  sums.push(`${createHash("sha256").update(bytes).digest("hex")}  ${name}\n`);
  const mib = (statSync(outfile).size / 2 ** 20).toFixed(1);
  console.log(`release: ${name}  ${mib} MiB  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
writeFileSync(join(outDir, "SHA256SUMS"), sums.join(""));

// The one file this machine can run must report what it was stamped with.
const host = hostTarget();
if (RELEASE_TARGETS.includes(host)) {
  const check = spawnSync(join(outDir, fileName(host)), ["--version"], { encoding: "utf8" });
  const expected = `(${commit}, bun `;
  if (check.status !== 0 || !check.stdout.includes(expected) || !check.stdout.includes(host)) {
    console.error(`release: ${fileName(host)} --version printed ${JSON.stringify(check.stdout)}`);
    process.exit(1);
  }
  console.log(`release: ${check.stdout.trim()}`);
}
console.log(
  `release: ${outDir}/SHA256SUMS (check with: cd dist/release && sha256sum -c SHA256SUMS)`,
);
