import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";

/** Where `npm run build` puts the single executable. */
export const BINARY: string = join(REPO_ROOT, "dist", "healthy-dns");

/**
 * Returns the path of dist/healthy-dns, building it first when it is missing
 * (`npm test` builds it once before both runners; a file run alone builds it
 * here). Throws with the build output when the build fails.
 */
export function ensureBinary(): string {
  if (existsSync(BINARY)) return BINARY;
  const build = spawnSync("node", [join(REPO_ROOT, "scripts", "build.mjs")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  if (build.status !== 0 || !existsSync(BINARY)) {
    const output = build.error?.message ?? `${build.stdout}${build.stderr}`.trim().slice(-2000);
    throw new Error(`dist/healthy-dns is missing and \`npm run build\` failed: ${output}`);
  }
  return BINARY;
}
