#!/usr/bin/env node
// `npm start`: runs healthy-dns from source on the embedded demo config
// (example.test and its alias example.net on 127.0.0.1 and ::1, port 53053),
// installing the npm dependencies first when node_modules is missing.
// Uses Bun (fast start); HEALTHY_DNS_RUNTIME=deno runs it on Deno instead.
// Extra arguments are passed on: `npm start -- --log-level debug`.
// Node.js built-ins only.
import { spawn } from "node:child_process";
import { bin, installDependencies, root } from "./project.mjs";

installDependencies("start");

const useDeno = process.env.HEALTHY_DNS_RUNTIME === "deno";
const command = useDeno ? [bin("deno"), "run", "-A", "main.ts"] : [bin("bun"), "main.ts"];
const args = [...command.slice(1), "serve", "--demo", ...process.argv.slice(2)];
console.log(
  `start: ${useDeno ? "deno" : "bun"} main.ts serve --demo ${process.argv.slice(2).join(" ")}`
    .trimEnd(),
);

/**
 * What to try, with what each answers: the README shows these lines as printed on
 * port 53053 (tests/e2e/start_script.test.ts checks both, and the answers).
 */
const EXAMPLES = [
  ["@127.0.0.1", "www.example.test A", "127.0.0.1: healthy (it probes the server itself)"],
  ["@127.0.0.1", "api.example.test A", "NODATA: nothing listens on its health port"],
  ["@::1", "static.example.net A +tcp", "127.0.0.10: static, via the alias zone, over TCP"],
];

const child = spawn(command[0], args, { cwd: root, stdio: ["inherit", "inherit", "pipe"] });
// Logs go to stderr: pass them through, and show what to try once the server is ready.
let pending = "";
let hinted = false;
child.stderr.on("data", (chunk) => {
  process.stderr.write(chunk);
  if (hinted) return;
  pending += chunk.toString("utf8");
  if (!/ msg=ready |"msg":"ready"/.test(pending)) return;
  hinted = true;
  // The port the demo listens on (`npm start -- --port N` moves it), from the ready line.
  const port = /127\.0\.0\.1:(\d+)/.exec(pending)?.[1] ?? "53053";
  console.log("\nhealthy-dns is serving the demo zone. Try (Ctrl-C stops it):");
  for (const [server, question, answer] of EXAMPLES) {
    console.log(`  ${`dig ${server} -p ${port} ${question}`.padEnd(47)}# ${answer}`);
  }
  console.log("");
});
// The child gets Ctrl-C from the terminal itself; a kill of this script is passed on.
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
process.on("SIGINT", () => {});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
