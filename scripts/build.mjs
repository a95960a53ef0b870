#!/usr/bin/env node
// `npm run build`: compiles healthy-dns into one self-contained executable,
// dist/healthy-dns, then checks that it runs `--version`.
//
// `deno compile` needs Deno's runtime base (denort): from DENORT_BIN, Deno's
// cache, or a download. Without it (no network), `bun build --compile`
// embeds the Bun runtime instead; both binaries behave the same.
// HEALTHY_DNS_COMPILER=deno|bun forces one of them.
// Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { bin, hasRuntimes, root } from "./project.mjs";

const output = join(root, "dist", "healthy-dns");

function run(command, args, { quiet = false } = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: quiet ? "pipe" : "inherit",
    encoding: "utf8",
  });
  if (result.error) return { ok: false, text: String(result.error.message) };
  return { ok: result.status === 0, text: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

function compileWithDeno() {
  // --no-check: `npm test` type-checks; the build only has to bundle.
  return run(bin("deno"), ["compile", "-A", "--no-check", "--output", output, "main.ts"], {
    quiet: true,
  });
}

function compileWithBun() {
  return run(bin("bun"), ["build", "--compile", "main.ts", "--outfile", output]);
}

if (!hasRuntimes()) {
  console.error("build: node_modules is missing; run `npm ci` first");
  process.exit(1);
}
mkdirSync(dirname(output), { recursive: true });
rmSync(output, { force: true });

const forced = process.env.HEALTHY_DNS_COMPILER;
let compiler = forced === "bun" ? "bun" : "deno";
if (compiler === "deno") {
  const deno = compileWithDeno();
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
if (compiler === "bun" && !compileWithBun().ok) {
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
