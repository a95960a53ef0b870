// "Skip unless CI", once for every test that needs something installed or built:
// a Debian tool (the list is scripts/debian_tools.mjs, which `npm test` installs),
// chromium, the release files, the compiled binary.
import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { DEBIAN_TOOLS, hasCommand } from "../../debian_tools.mjs";

/** Under CI=true everything is installed first, so a missing prerequisite is a failure. */
const required = (): boolean => process.env.CI === "true";

/**
 * The `skip` option for tests that need something: false when `missing` is false
 * (run them), else `missing`, the reason. Each missing prerequisite also registers one
 * test of its own, `prerequisite: <missing>`, so that every runner counts it (Bun does
 * not count the tests of a skipped describe): it is skipped, or, when `mustHave` (by
 * default under CI=true), it fails with the reason.
 */
export function prerequisite(missing: string | false, mustHave = required()): string | false {
  if (missing === false) return false;
  const name = `prerequisite: ${missing}`;
  if (mustHave) test(name, () => assert.fail(`${missing} (a failure, not a skip, under CI)`));
  else test(name, { skip: missing }, () => {});
  return missing;
}

/**
 * The `skip` option for tests that drive `commands` (each as scripts/debian_tools.mjs
 * lists it: a name looked up on PATH, or an absolute path): see `prerequisite`. The
 * reason names each missing command and its Debian package.
 */
export function needsTools(...commands: string[]): string | false {
  const missing = commands.filter((command) => !hasCommand(command)).map((command) => {
    const tool = DEBIAN_TOOLS.find((t) => t.command === command);
    return tool === undefined ? command : `${command} (Debian ${tool.package})`;
  });
  return prerequisite(
    missing.length === 0 ? false : `not installed: ${missing.join(", ")}; npm test installs it`,
  );
}

/**
 * For a prerequisite found missing only while a test runs (a failed build): skips
 * the test, or fails it under CI=true, with `reason`.
 */
export function skipOrFail(t: TestContext, reason: string): void {
  if (required()) assert.fail(`${reason} (a failure, not a skip, under CI)`);
  t.skip(reason);
}
