// A real small or read-only file system for state-file tests: a tmpfs mount,
// which needs root. Elsewhere the caller skips, except under CI=true, where
// the real file system must be tried.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import process from "node:process";

/**
 * Mounts a tmpfs with `options` (e.g. "size=64k", "ro,size=64k") on the
 * existing directory `dir`; returns an unmount function, or null when mounting
 * is not possible here (not root), which fails the test under CI=true.
 */
export function mountTmpfs(dir: string, options: string): (() => void) | null {
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status === 0;
  if (!mounted) {
    assert.notEqual(process.env.CI, "true", `mount -t tmpfs -o ${options} failed under CI=true`);
    return null;
  }
  return () => {
    spawnSync("umount", [dir]);
  };
}
