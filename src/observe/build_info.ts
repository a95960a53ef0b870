import pkg from "../../package.json" with { type: "json" };
import type { Runtime } from "../runtime/runtime.ts";

/**
 * What a compiled executable is stamped with at build time: scripts/compile.mjs
 * sets `globalThis.HEALTHY_DNS_BUILD` in a module that runs before main.ts.
 */
export interface BuildStamp {
  /** `git rev-parse --short HEAD`, with `-dirty` when tracked files differed from it. */
  readonly commit: string;
  /** The release target, e.g. `linux-arm64-musl` (the same words as the file names). */
  readonly target: string;
}

/** Version, commit, runtime and target of the running program. */
export interface BuildInfo {
  /** package.json's version. */
  readonly version: string;
  /** The commit a compiled executable was built from; null when run from source. */
  readonly commit: string | null;
  readonly runtime: "deno" | "bun";
  readonly runtimeVersion: string;
  /** The release target when compiled; the runtime's `os-arch` from source. */
  readonly target: string;
}

/** The stamp of a compiled executable, or null from source (or when malformed). */
function readStamp(): BuildStamp | null {
  const stamp = (globalThis as { HEALTHY_DNS_BUILD?: unknown }).HEALTHY_DNS_BUILD;
  if (typeof stamp !== "object" || stamp === null) return null;
  const { commit, target } = stamp as Record<string, unknown>;
  return typeof commit === "string" && typeof target === "string"
    ? Object.freeze({ commit, target })
    : null;
}

/**
 * The build information of this process: `--version`, the start-up line, the
 * `healthy_dns_build_info` metric and `check --json` all report it.
 *
 * @param runtime the adapter in use (its name, version and platform).
 * @param stamp what the build baked in; defaults to the executable's own stamp.
 */
export function buildInfo(
  runtime: Pick<Runtime, "name" | "version" | "platform">,
  stamp: BuildStamp | null = readStamp(),
): BuildInfo {
  return Object.freeze({
    version: pkg.version,
    commit: stamp?.commit ?? null,
    runtime: runtime.name,
    runtimeVersion: runtime.version,
    target: stamp?.target ?? runtime.platform,
  });
}

/**
 * One line for `--version`: `healthy-dns 0.2.0 (3f2a1c9, bun 1.4.5, linux-arm64)`;
 * `from source` stands in for the commit when nothing was baked in.
 */
export function formatBuildInfo(info: BuildInfo): string {
  const commit = info.commit ?? "from source";
  return `healthy-dns ${info.version} (${commit}, ${info.runtime} ${info.runtimeVersion}, ${info.target})`;
}
