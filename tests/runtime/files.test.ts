import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";

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
});
