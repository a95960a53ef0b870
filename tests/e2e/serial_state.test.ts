// The SOA serial across reloads and restarts with --state-dir: it moves only
// when served data changes, and a restart never lowers it, even when earlier
// serials ran ahead of the clock.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import type { Runtime } from "../../src/runtime/runtime.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { mountTmpfs } from "../helpers/tmpfs.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { zoneArgs } from "../../scripts/bench/harness/xfr_client.ts";
import { decode, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

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
      assert.ok(damaged.logs.some((line) => line.includes("does not hold a serial")));
      assert.equal(stored(), damaged.server.serial);
    } finally {
      await damaged.stop();
    }
  });
});

/** The served A addresses of www.example.test (the demo zone). */
async function wwwAddresses(s: TestServer): Promise<string[]> {
  const response = await s.query(makeQuery("www.example.test", "A"), "udp");
  assert.ok(response !== null, "www.example.test answered");
  return (decode(response).answers ?? []).filter((a) => a.type === "A").map((a) =>
    String((a as { data: unknown }).data)
  );
}

/** GET /healthz of a server with an HTTP side. */
async function healthz(s: TestServer): Promise<{ status: number; body: string }> {
  const at = s.server.httpAddress;
  assert.ok(at !== null);
  const response = await fetch(`http://127.0.0.1:${at.port}/healthz`);
  return { status: response.status, body: await response.text() };
}

/**
 * Issue 21: with state_dir on a full disk, data-changing builds logged
 * "cannot keep the serial" and served the new serial anyway, so a restart
 * (which reads the last kept one) went below a serial already served.
 * `fill` makes the disk full, `free` makes room again.
 */
async function fullDiskKeepsTheLastDurableZone(
  dir: string,
  fill: () => void,
  free: () => void,
  runtime?: (real: Runtime) => Runtime,
) {
  const s = await startTestServer({
    args: ["--demo", "--state-dir", dir],
    overrides: { http: { hostname: "127.0.0.1", port: 0 } },
    health: ALL_HEALTHY,
    runtime,
  });
  try {
    const durable = s.server.serial;
    assert.equal(Number(readFileSync(join(dir, "serial"), "utf8")), durable);
    assert.deepEqual(await wwwAddresses(s), ["127.0.0.1"]);
    fill();
    let failures = 0;
    for (let i = 0; i < 5; i++) {
      s.setHealth({ isHealthy: (a) => a !== "127.0.0.1" }); // differs from the zone served
      await waitFor(
        "the build's serial write to fail",
        () => s.logs.filter((line) => line.includes("cannot keep the serial")).length > failures,
        5_000,
      );
      failures++;
      // Never served: the serial a restart would start above is still the highest served.
      assert.equal(s.server.serial, durable, "a serial that could not be kept is not served");
      assert.equal(Number(readFileSync(join(dir, "serial"), "utf8")), durable);
    }
    assert.deepEqual(await wwwAddresses(s), ["127.0.0.1"], "the last durable zone serves on");
    const stale = s.server.status().stale;
    assert.ok(stale !== null && stale.includes("no space left on device (ENOSPC)"), String(stale));
    const health = await healthz(s);
    assert.equal(health.status, 200);
    assert.match(health.body, /^ok\nstale: cannot keep the serial \d+: .*ENOSPC/);
    free();
    s.setHealth({ isHealthy: (a) => a !== "127.0.0.1" });
    await waitFor(
      "the change to be served once the disk has room",
      () => s.server.serial !== durable,
      5_000,
    );
    assert.equal(Number(readFileSync(join(dir, "serial"), "utf8")), s.server.serial);
    assert.deepEqual(await wwwAddresses(s), []);
    assert.equal(s.server.status().stale, null);
    assert.equal((await healthz(s)).body, "ok\n");
  } finally {
    await s.stop();
  }
}

describe("serial state on a full disk", () => {
  test("a fake full disk: the new serial is never served, the old zone serves on", {
    timeout: 60_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-state-"));
    let full = false;
    try {
      await fullDiskKeepsTheLastDurableZone(
        dir,
        () => (full = true),
        () => (full = false),
        (real) => ({
          ...real,
          replaceFile: (path, data, mode) =>
            full
              ? Promise.reject(new Error(`${path}: no space left on device (ENOSPC)`))
              : real.replaceFile(path, data, mode),
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a real full 64 KiB tmpfs (root only)", { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-tmpfs-"));
    const unmount = mountTmpfs(dir, "size=64k");
    try {
      if (unmount === null) {
        t.skip("needs root and mount -t tmpfs");
        return;
      }
      const filler = join(dir, "filler");
      await fullDiskKeepsTheLastDurableZone(
        dir,
        () => {
          for (let i = 0; i < 1_000; i++) {
            try {
              appendFileSync(filler, Buffer.alloc(4096));
            } catch (error) {
              if ((error as { code?: string }).code === "ENOSPC") return;
              throw error;
            }
          }
          assert.fail("a 64 KiB tmpfs did not fill up");
        },
        () => rmSync(filler),
      );
    } finally {
      unmount?.();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
