// Shared by the npm scripts (start, test, build): where the project is, where its
// runtime binaries live, and installing the npm dependencies when they are missing.
// Node.js built-ins only.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The path of an npm-installed executable (deno, bun). */
export const bin = (name) => join(root, "node_modules", ".bin", name);

/** True when both runtimes (npm dev dependencies) are installed. */
export const hasRuntimes = () => existsSync(bin("deno")) && existsSync(bin("bun"));

/**
 * Runs `npm ci` (or `npm install` without a lock file) when the runtimes are missing;
 * exits with npm's status if that fails. `label` prefixes the progress line.
 */
export function installDependencies(label) {
  if (hasRuntimes()) return;
  const command = existsSync(join(root, "package-lock.json")) ? "ci" : "install";
  console.log(`${label}: installing dependencies (npm ${command})…`);
  const install = spawnSync("npm", [command], { cwd: root, stdio: "inherit" });
  if (install.status !== 0) process.exit(install.status ?? 1);
}
