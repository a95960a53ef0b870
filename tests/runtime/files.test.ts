import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { mountTmpfs } from "../helpers/tmpfs.ts";

const runtime = await currentRuntime();

describe(`files (${runtime.name})`, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "healthy-dns-runtime-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("writeNewFile creates the file with mode 0600 and the given text", async () => {
    const path = join(dir, "key.pem");
    await runtime.writeNewFile(path, "secret\n", 0o600);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.equal(await runtime.readTextFile(path), "secret\n");
  });

  test("writeNewFile refuses to overwrite and leaves the file as it was", async () => {
    const path = join(dir, "existing.pem");
    await runtime.writeNewFile(path, "first", 0o600);
    await assert.rejects(runtime.writeNewFile(path, "second", 0o644));
    assert.equal(await runtime.readTextFile(path), "first");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  test("readTextFile rejects for a missing file", async () => {
    await assert.rejects(runtime.readTextFile(join(dir, "missing.yaml")));
  });

  test("statFile: modification time, size and permission bits; null for a missing file", async () => {
    const path = join(dir, "stat.yaml");
    await runtime.writeNewFile(path, "12345", 0o640);
    const info = await runtime.statFile(path);
    const expected = await stat(path);
    assert.deepEqual(info, { mtimeMs: expected.mtimeMs, size: 5, mode: 0o640 });
    assert.equal(await runtime.statFile(join(dir, "missing.yaml")), null);
  });

  test("replaceFile: creates or replaces the whole file with the mode, leaving no temporary file", async () => {
    const path = join(dir, "overrides.yaml");
    await runtime.replaceFile(path, "first\n", 0o644);
    await runtime.replaceFile(path, "second\n", 0o600);
    assert.equal(await runtime.readTextFile(path), "second\n");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(dir)).filter((name) => name.startsWith("overrides")), [
      "overrides.yaml",
    ]);
  });

  test("readStateFile: the text, or null when absent; a directory or a file above the cap is refused", async () => {
    const path = join(dir, "serial");
    assert.equal(await runtime.readStateFile(path, 64), null);
    await writeFile(path, "1764658831\n");
    assert.equal(await runtime.readStateFile(path, 64), "1764658831\n");
    await assert.rejects(runtime.readStateFile(path, 8), {
      message: `${path}: is 11 bytes, above the limit of 8`,
    });
    const sub = join(dir, "a-directory");
    await mkdir(sub);
    await assert.rejects(runtime.readStateFile(sub, 64), {
      message: `${sub}: is not a regular file`,
    });
  });

  test("readStateFile never follows a symbolic link, and never shows what it points at", async () => {
    const target = join(dir, "shadow");
    await writeFile(target, "root:*:20228:0:99999:7:::\n");
    const path = join(dir, "overrides.yaml");
    await rm(path, { force: true });
    await symlink(target, path);
    await assert.rejects(runtime.readStateFile(path, 1 << 20), (error: Error) => {
      assert.ok(
        error.message.startsWith(`${path}: is a symbolic link; state files are never followed`),
        error.message,
      );
      assert.ok(!error.message.includes("root:"), "nothing of the target shown");
      return true;
    });
    await rm(path);
  });

  test("replaceFile on a full or read-only disk: the reason in words, the old file untouched (root only)", async (t) => {
    const small = join(dir, "small");
    await mkdir(small);
    const unmount = mountTmpfs(small, "size=64k");
    if (unmount === null) return t.skip("needs root and mount -t tmpfs");
    try {
      const path = join(small, "serial");
      await runtime.replaceFile(path, "1\n", 0o644);
      for (let i = 0; i < 100; i++) {
        try {
          await writeFile(join(small, `filler${i}`), new Uint8Array(8192));
        } catch {
          break; // full
        }
      }
      await assert.rejects(runtime.replaceFile(path, "2\n", 0o644), {
        message: `${path}: no space left on device (ENOSPC)`,
      });
      assert.equal(await readFile(path, "utf8"), "1\n");
      assert.deepEqual((await readdir(small)).filter((name) => name.includes("tmp")), []);
    } finally {
      unmount();
    }
    const readOnly = mountTmpfs(small, "ro,size=64k");
    if (readOnly === null) return;
    try {
      await assert.rejects(runtime.replaceFile(join(small, "serial"), "2\n", 0o644), {
        message: `${join(small, "serial")}: read-only file system (EROFS)`,
      });
      await assert.rejects(runtime.writeNewFile(join(small, "cookie_secret"), "x\n", 0o600), {
        message: `${join(small, "cookie_secret")}: read-only file system (EROFS)`,
      });
    } finally {
      readOnly();
    }
  });
});
