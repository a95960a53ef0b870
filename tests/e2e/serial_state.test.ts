// The SOA serial across reloads and restarts with --state-dir: it moves only
// when served data changes, and a restart never lowers it, even when earlier
// serials ran ahead of the clock.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestServer } from "../helpers/server_harness.ts";
import { zoneArgs } from "../helpers/xfr_client.ts";

const dir = mkdtempSync(join(tmpdir(), "healthy-dns-state-"));
const ARGS = [...zoneArgs({ www: ["192.0.2.1"] }), "--state-dir", dir];
const stored = () => Number(readFileSync(join(dir, "serial"), "utf8"));

describe("serial state", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("reloads that change nothing keep the serial; it is stored in <state_dir>/serial", async () => {
    const s = await startTestServer({ args: ARGS });
    try {
      const serial = s.server.serial;
      assert.equal(stored(), serial);
      for (let i = 0; i < 20; i++) assert.equal(await s.reload(), true);
      assert.equal(s.server.serial, serial, "20 reloads of the same config: same serial");
    } finally {
      await s.stop();
    }
  });

  test("a restart exceeds the stored serial, also one far ahead of the clock", async () => {
    const ahead = Math.floor(Date.now() / 1000) + 100_000;
    writeFileSync(join(dir, "serial"), `${ahead}\n`);
    const s = await startTestServer({ args: ARGS });
    try {
      assert.equal(s.server.serial, ahead + 1);
      assert.equal(stored(), ahead + 1);
    } finally {
      await s.stop();
    }
    const again = await startTestServer({ args: ARGS });
    try {
      assert.equal(again.server.serial, ahead + 2, "never lower, never equal after a restart");
    } finally {
      await again.stop();
    }
  });

  test("across the 2^32 wrap and with a damaged file", async () => {
    writeFileSync(join(dir, "serial"), "4294967295\n");
    const before = Math.floor(Date.now() / 1000);
    const s = await startTestServer({ args: ARGS });
    try {
      // 2^32 - 1 is behind today's clock in RFC 1982 arithmetic, so the clock wins.
      const serial = s.server.serial;
      assert.ok(serial >= before && serial <= Math.floor(Date.now() / 1000), String(serial));
    } finally {
      await s.stop();
    }
    writeFileSync(join(dir, "serial"), "garbage\n");
    const damaged = await startTestServer({ args: ARGS });
    try {
      assert.ok(damaged.logs.some((line) => line.includes("not a serial; ignored")));
      assert.equal(stored(), damaged.server.serial);
    } finally {
      await damaged.stop();
    }
  });
});
