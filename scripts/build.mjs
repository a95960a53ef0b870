#!/usr/bin/env node
// `npm run build`: compiles healthy-dns into one self-contained executable,
// dist/healthy-dns, then checks that it runs `--version`.
//
// `deno compile` needs Deno's runtime base (denort): from DENORT_BIN, Deno's
// cache, or a download. Without it (no network), `bun build --compile`
// embeds the Bun runtime instead; both binaries behave the same.
// HEALTHY_DNS_COMPILER=deno|bun forces one of them. Executables for every
// platform come from `npm run release` (scripts/release.mjs).
// Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { compileWithBun, compileWithDeno } from "./compile.mjs";
import { hasRuntimes, root } from "./project.mjs";

const output = join(root, "dist", "healthy-dns");

if (!hasRuntimes()) {
  console.error("build: node_modules is missing; run `npm ci` first");
  process.exit(1);
}

const forced = process.env.HEALTHY_DNS_COMPILER;
let compiler = forced === "bun" ? "bun" : "deno";
if (compiler === "deno") {
  const deno = compileWithDeno({ outfile: output });
  if (!deno.ok) {
    // deno-lint-ignore no-control-regex -- strips the ANSI colours of deno's output
    const plain = deno.text.replace(/\x1b\[[0-9;]*m/g, "");
    const reason = /Setting up base binary|dl\.deno\.land/.test(plain)
      ? "cannot get Deno's runtime base denort; set DENORT_BIN to a local copy"
      : plain.split("\n").find((line) => /error/i.test(line))?.trim();
    if (forced === "deno") {
      console.error(deno.text);
      process.exit(1);
    }
    console.log(
      `build: deno compile unavailable (${reason ?? "failed"}); using bun build --compile`,
    );
    compiler = "bun";
  }
}
if (compiler === "bun" && !compileWithBun({ outfile: output }).ok) {
  console.error("build: bun build --compile failed");
  process.exit(1);
}

const check = spawnSync(output, ["--version"], { encoding: "utf8" });
if (check.status !== 0 || !check.stdout.startsWith("healthy-dns ")) {
  console.error(
    `build: ${output} --version failed (exit ${check.status}): ${check.stderr || check.stdout}`,
  );
  process.exit(1);
}
console.log(`build: ${output} (${compiler} compile): ${check.stdout.trim()}`);
