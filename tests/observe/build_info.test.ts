import { describe, test } from "node:test";
import assert from "node:assert/strict";
import pkg from "../../package.json" with { type: "json" };
import { buildInfo, formatBuildInfo } from "../../src/observe/build_info.ts";

const BUN = { name: "bun", version: "1.4.5", platform: "linux-x64" } as const;

describe("buildInfo", () => {
  test("a compiled executable reports the stamped commit and target", () => {
    const info = buildInfo(BUN, { commit: "3f2a1c9", target: "linux-arm64-musl" });
    assert.deepEqual(info, {
      version: pkg.version,
      commit: "3f2a1c9",
      runtime: "bun",
      runtimeVersion: "1.4.5",
      target: "linux-arm64-musl",
    });
    assert.equal(
      formatBuildInfo(info),
      `healthy-dns ${pkg.version} (3f2a1c9, bun 1.4.5, linux-arm64-musl)`,
    );
  });

  test("from source: no commit, the runtime's own platform", () => {
    const info = buildInfo({ name: "deno", version: "2.9.6", platform: "darwin-arm64" }, null);
    assert.equal(info.commit, null);
    assert.equal(info.target, "darwin-arm64");
    assert.equal(
      formatBuildInfo(info),
      `healthy-dns ${pkg.version} (from source, deno 2.9.6, darwin-arm64)`,
    );
  });

  test("the test process itself runs from source, so it carries no stamp", () => {
    assert.equal(buildInfo(BUN).commit, null);
  });
});
