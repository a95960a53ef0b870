import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { loadCookieSecrets, randomCookieSecret } from "../../src/server/preflight.ts";
import { mountTmpfs } from "../helpers/tmpfs.ts";

const SECRET = new Uint8Array(16).fill(9);
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

describe("loadCookieSecrets", () => {
  test("configured secrets win, in order", async () => {
    const runtime = await currentRuntime();
    const loaded = await loadCookieSecrets(
      { secrets: ["00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"] },
      "/nonexistent",
      runtime,
      SECRET,
    );
    assert.equal(loaded.source, "config");
    assert.deepEqual(loaded.secrets.map(hex), [
      "00112233445566778899aabbccddeeff",
      "ffeeddccbbaa99887766554433221100",
    ]);
  });

  test("without state_dir: the process's random secret, the same on every reload", async () => {
    const runtime = await currentRuntime();
    const mine = randomCookieSecret();
    const a = await loadCookieSecrets({ secrets: [] }, null, runtime, mine);
    const b = await loadCookieSecrets({ secrets: [] }, null, runtime, mine);
    assert.equal(a.source, "random");
    assert.equal(a.secrets[0].length, 16);
    // A reload keeps the process's secret, so cookies stay valid until the process exits.
    assert.equal(hex(b.secrets[0]), hex(a.secrets[0]));
    assert.notEqual(hex(randomCookieSecret()), hex(mine));
  });

  test("state_dir: created once (mode 0600), then the same secret after a restart", async () => {
    const runtime = await currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "hdns-cookie-"));
    try {
      const first = await loadCookieSecrets({ secrets: [] }, dir, runtime, SECRET);
      assert.equal(first.source, "state_dir");
      const file = join(dir, "cookie_secret");
      assert.equal(readFileSync(file, "utf8"), `${hex(first.secrets[0])}\n`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const again = await loadCookieSecrets({ secrets: [] }, `${dir}/`, runtime, SECRET);
      assert.deepEqual(again.secrets.map(hex), first.secrets.map(hex));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("state_dir file: several secrets (rollover) and comments; garbage names the line", async () => {
    const runtime = await currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "hdns-cookie-"));
    try {
      const file = join(dir, "cookie_secret");
      writeFileSync(
        file,
        "# new first\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n\nbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
      );
      const loaded = await loadCookieSecrets({ secrets: [] }, dir, runtime, SECRET);
      assert.deepEqual(loaded.secrets.map(hex), ["a".repeat(32), "b".repeat(32)]);
      writeFileSync(file, "a".repeat(32) + "\nnot a secret\n");
      await assert.rejects(
        loadCookieSecrets({ secrets: [] }, dir, runtime, SECRET),
        { name: "ConfigError", message: `${file}:2: is not a secret of 32 hex digits` },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a state_dir that cannot hold the file is a clear error", async () => {
    const runtime = await currentRuntime();
    await assert.rejects(
      loadCookieSecrets({ secrets: [] }, "/nonexistent/healthy-dns", runtime, SECRET),
      (error: Error) =>
        error.name === "ConfigError" &&
        error.message.startsWith(
          "/nonexistent/healthy-dns/cookie_secret: cannot create the cookie secret: ",
        ),
    );
  });

  test("a read-only state_dir says so, not ENOENT", async () => {
    const runtime = await currentRuntime();
    const dir = mkdtempSync(join(tmpdir(), "hdns-cookie-"));
    // Root ignores permissions: a read-only tmpfs then; elsewhere a directory without write permission.
    const unmount = mountTmpfs(dir, "ro,size=64k");
    if (unmount === null) chmodSync(dir, 0o555);
    try {
      await assert.rejects(
        loadCookieSecrets({ secrets: [] }, dir, runtime, SECRET),
        {
          name: "ConfigError",
          message: `${join(dir, "cookie_secret")}: cannot create the cookie secret: ${
            unmount === null ? "permission denied (EACCES)" : "read-only file system (EROFS)"
          }`,
        },
      );
    } finally {
      unmount?.();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
