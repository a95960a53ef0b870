// The Debian tools the project drives, in one list: which command (or file) each
// use needs and the Debian package that provides it. `npm test` (scripts/test.mjs)
// installs the missing ones of its use before it runs anything, the tests name the
// package when they skip (scripts/bench/harness/prerequisite.ts), and other scripts ensure
// their own use:
//   node scripts/debian_tools.mjs USE…   ensure every tool of those uses (exit 1 if one is missing)
// To add a tool: one line in DEBIAN_TOOLS. Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * @typedef {object} DebianTool
 * @property {string} command  run by name (looked up on PATH) or by absolute path
 *   (a file that must exist, executable or not) exactly as its users run it
 * @property {string} package  the Debian package that provides it
 * @property {readonly string[]} uses  who needs it: "test" (`npm test`), "bench" (scripts/bench/all), "image" (`npm run image`), …
 * @property {string} [service] the package's system service, which must not keep running:
 *   the tests start their own instances on loopback ports
 */

/** @type {readonly DebianTool[]} */
export const DEBIAN_TOOLS = Object.freeze([
  { command: "dig", package: "bind9-dnsutils", uses: ["test"] },
  { command: "delv", package: "bind9-dnsutils", uses: ["test"] },
  { command: "kdig", package: "knot-dnsutils", uses: ["test"] },
  { command: "/usr/sbin/knotd", package: "knot", uses: ["test"], service: "knot" },
  { command: "/usr/sbin/knotc", package: "knot", uses: ["test"] },
  { command: "/usr/sbin/nsd", package: "nsd", uses: ["test"], service: "nsd" },
  { command: "/usr/sbin/nsd-checkconf", package: "nsd", uses: ["test"] },
  { command: "/usr/sbin/named", package: "bind9", uses: ["test"], service: "named" },
  { command: "/usr/bin/named-checkconf", package: "bind9-utils", uses: ["test"] },
  { command: "/usr/sbin/unbound", package: "unbound", uses: ["test"], service: "unbound" },
  { command: "/usr/bin/ldns-verify-zone", package: "ldnsutils", uses: ["test"] },
  { command: "xmllint", package: "libxml2-utils", uses: ["test"] },
  { command: "/usr/bin/chromium", package: "chromium", uses: ["test"] },
  { command: "systemd-analyze", package: "systemd", uses: ["test"] },
  { command: "perl", package: "perl", uses: ["test", "bench"] },
  { command: "lintian", package: "lintian", uses: ["test"] },
  { command: "readelf", package: "binutils", uses: ["test"] },
  { command: "podman", package: "podman", uses: ["test"] },
  { command: "buildah", package: "buildah", uses: ["test", "image"] },
  { command: "qemu-aarch64", package: "qemu-user", uses: ["test"] },
  { command: "/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1", package: "libc6-arm64-cross", uses: ["test", "image"] },
  { command: "dnsperf", package: "dnsperf", uses: ["bench"] },
  { command: "gdnsd", package: "gdnsd", uses: ["bench"], service: "gdnsd" },
]);

/** Whether `command` is there: an absolute path exists, a bare name is executable on PATH. */
export function hasCommand(command) {
  if (command.includes("/")) return existsSync(command);
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    if (dir === "") return false;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The tools of `uses` that are missing here. */
export function missingTools(uses) {
  return DEBIAN_TOOLS.filter((t) => t.uses.some((u) => uses.includes(u)) && !hasCommand(t.command));
}

/** The packages providing `tools`, each once, in list order. */
export const packagesOf = (tools) => [...new Set(tools.map((t) => t.package))];

/** The command that installs `packages`, as a user would type it. */
export const installCommand = (packages) =>
  `sudo apt-get install -y --no-install-recommends ${packages.join(" ")}`;

/**
 * Makes sure the tools of `uses` are installed before anything runs. When some are
 * missing and this runs as root on a system with apt-get, installs their packages
 * (apt-get update once, then one install), saying so in one line, and stops the
 * services they bring; otherwise prints one line naming the missing packages and
 * the command that installs them, and exits 1. `label` prefixes the lines.
 */
export function ensureDebianTools(label, uses) {
  const missing = missingTools(uses);
  if (missing.length === 0) return;
  const packages = packagesOf(missing);
  const commands = missing.map((t) => t.command.replace(/^.*\//, "")).join(", ");
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !hasCommand("apt-get")) {
    console.error(
      `${label}: missing ${commands} (Debian ${packages.join(" ")}); install with: ` +
        installCommand(packages),
    );
    process.exit(1);
  }
  console.log(`${label}: installing ${packages.join(" ")} with apt-get (for ${commands})`);
  installPackages(label, packages);
  stopServices(missing.filter((t) => t.service).map((t) => t.service));
  const still = missingTools(uses);
  if (still.length > 0) {
    console.error(
      `${label}: still missing after apt-get: ${still.map((t) => t.command).join(", ")}`,
    );
    process.exit(1);
  }
}

/** Where Debian's maintainer scripts ask whether they may start a service (invoke-rc.d). */
const POLICY_RC_D = "/usr/sbin/policy-rc.d";

/**
 * apt-get update, then one install; its output is shown only when it fails. While it
 * runs, a policy-rc.d that answers 101 ("not allowed") keeps the packages' daemons from
 * being started, unless the system already has its own policy.
 */
function installPackages(label, packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const ownPolicy = !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    for (const args of [["update"], ["install", "-y", "--no-install-recommends", ...packages]]) {
      const run = spawnSync("apt-get", args, { env, encoding: "utf8" });
      if (run.status !== 0) {
        process.stderr.write(run.stdout + run.stderr);
        console.error(`${label}: apt-get ${args[0]} failed (exit ${run.status ?? run.signal})`);
        process.exit(1);
      }
    }
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
}

/**
 * The packaged daemons must not keep running as system services (they would hold
 * port 53 and restart at boot): disable and stop each where systemd manages them.
 */
function stopServices(services) {
  if (services.length === 0 || !hasCommand("systemctl")) return;
  for (const service of services) {
    spawnSync("systemctl", ["disable", "--now", service], { stdio: "ignore" });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const uses = process.argv.slice(2);
  const known = new Set(DEBIAN_TOOLS.flatMap((t) => t.uses));
  const unknown = uses.filter((u) => !known.has(u));
  if (uses.length === 0 || unknown.length > 0) {
    console.error(
      `usage: node scripts/debian_tools.mjs USE… (known: ${[...known].join(", ")})` +
        (unknown.length > 0 ? `; unknown: ${unknown.join(", ")}` : ""),
    );
    process.exit(2);
  }
  ensureDebianTools("debian_tools", uses);
}
