#!/usr/bin/env node
// Release executables: size and start-up per `bun build` flag set, to decide
// which flags `npm run release` uses (BENCHMARKS.md, "Release files").
//
// For each variant (plain, --minify, --bytecode, both; bytecode as ESM) it
// compiles the host's executable into a scratch directory, then measures, over
// --runs N runs (default 15) alternating between variants:
//   - `--version`: process start to exit (the runtime and the bundle loading);
//   - `--demo`: process start to the first DNS answer on loopback (start-up,
//     the first health cycle, the first zone build), and the resident memory
//     (VmRSS) at that moment.
// Prints one markdown table (median and range), plus the size of every file in
// dist/release when it exists. Run it under the bench lock:
//   flock /tmp/hdns-bench.lock node scripts/bench/bench_release.mjs
// Node.js built-ins only; loopback only.
import { spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compileWithBun } from "../compile.mjs";
import { root } from "../project.mjs";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 15;
const VARIANTS = [
  { label: "plain", flags: [] },
  { label: "--minify", flags: ["--minify"] },
  // --bytecode alone switches to CommonJS, which has no top-level await (main.ts uses it).
  { label: "--bytecode --format=esm", flags: ["--bytecode", "--format=esm"] },
  { label: "--minify --bytecode --format=esm", flags: ["--minify", "--bytecode", "--format=esm"] },
];
/** A DNS query for www.example.test A (ID 0x4242). */
const QUERY = Buffer.from(
  "424201000001000000000000" + "03777777" + "076578616d706c65" + "0474657374" + "00" + "00010001",
  "hex",
);
const DEADLINE_MS = 20_000;
const PORT = 35353; // fixed: benchmarks run one at a time under the bench lock

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

/** Milliseconds from spawning `file --version` to its exit (fails on a non-zero exit). */
function timeVersion(file) {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, ["--version"], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} --version: exit ${result.status}`);
  return ms;
}

/** VmRSS of a process in MiB (Linux /proc), or NaN when it cannot be read. */
function rssMib(pid) {
  try {
    const kib = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB$/m)?.[1];
    return kib === undefined ? NaN : Number(kib) / 1024;
  } catch {
    return NaN;
  }
}

/** `{ ms, rss }` from spawning `file --demo` to its first answer; then stops it. */
function timeFirstAnswer(file) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(file, ["--demo", "--listen", `127.0.0.1:${PORT}`], { stdio: "ignore" });
    const socket = dgram.createSocket("udp4");
    let done = false;
    const finish = (error, result) => {
      if (done) return; // later answers to the queries still in flight
      done = true;
      clearInterval(timer);
      clearTimeout(deadline);
      socket.close();
      child.kill("SIGKILL");
      child.once("exit", () => (error ? reject(error) : resolve(result)));
    };
    socket.on("message", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      finish(null, { ms, rss: rssMib(child.pid) });
    });
    socket.on("error", () => {}); // ICMP port unreachable before the server binds
    const timer = setInterval(() => socket.send(QUERY, PORT, "127.0.0.1"), 2);
    const deadline = setTimeout(() => finish(new Error(`${file}: no answer`)), DEADLINE_MS);
  });
}

const scratch = mkdtempSync(join(tmpdir(), "healthy-dns-bench-release-"));
try {
  const built = VARIANTS.map((variant, i) => {
    const outfile = join(scratch, `variant-${i}`);
    const result = compileWithBun({ outfile, flags: variant.flags, quiet: true });
    if (!result.ok) throw new Error(`${variant.label}: ${result.text}`);
    return { ...variant, outfile, size: statSync(outfile).size, version: [], answer: [], rss: [] };
  });
  for (let run = 0; run < RUNS; run++) {
    for (const variant of built) {
      variant.version.push(timeVersion(variant.outfile));
      const { ms, rss } = await timeFirstAnswer(variant.outfile);
      variant.answer.push(ms);
      variant.rss.push(rss);
    }
  }
  console.log(
    `### Release executables (${new Date().toISOString().slice(0, 16)} UTC, ${cpus().length} × ${
      cpus()[0]?.model.trim()
    }, load ${loadavg().map((l) => l.toFixed(1)).join(" ")})\n`,
  );
  console.log(`Host target, ${RUNS} runs per variant, interleaved; ms median (range).\n`);
  console.log(
    "| bun build flags | size MiB | `--version` ms | `--demo` to first answer ms | RSS then MiB |",
  );
  console.log("|---|---|---|---|---|");
  for (const v of built) {
    console.log(
      `| ${v.label} | ${mib(v.size)} | ${median(v.version).toFixed(0)} (${range(v.version)}) | ${
        median(v.answer).toFixed(0)
      } (${range(v.answer)}) | ${median(v.rss).toFixed(1)} |`,
    );
  }
  const releaseDir = join(root, "dist", "release");
  if (existsSync(releaseDir)) {
    console.log("\n| dist/release file | size MiB |\n|---|---|");
    for (const name of readdirSync(releaseDir).filter((n) => n !== "SHA256SUMS").sort()) {
      console.log(`| ${name} | ${mib(statSync(join(releaseDir, name)).size)} |`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
