import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import type { DialResult, TcpListener } from "../../src/runtime/runtime.ts";
import { type BlackHoles, openBlackHoles } from "../helpers/black_hole.ts";
import { waitFor } from "../helpers/wait_for.ts";
import { openFds } from "./fixtures/open_fds.ts";

const runtime = await currentRuntime();
const noop = () => {};

function reasonOf(result: DialResult): string {
  return result.ok ? "ok" : result.reason;
}

describe(`dial (${runtime.name})`, () => {
  let v4: TcpListener;
  let v6: TcpListener;
  let hole: BlackHoles;
  before(async () => {
    v4 = await runtime.listenTcp("127.0.0.1", 0, {
      open: (conn) => conn.close(),
      data: noop,
      drain: noop,
      end: (conn) => conn.close(),
      close: noop,
    });
    v6 = await runtime.listenTcp("::1", 0, {
      open: (conn) => conn.close(),
      data: noop,
      drain: noop,
      end: (conn) => conn.close(),
      close: noop,
    });
    hole = await openBlackHoles("127.0.0.4");
  });
  after(async () => {
    v4.close();
    v6.close();
    await hole.close();
  });

  test("an open port answers ok on IPv4 and IPv6, quickly", async () => {
    for (const listener of [v4, v6]) {
      const result = await runtime.dial(listener.local.hostname, listener.local.port, 1000);
      assert.equal(reasonOf(result), "ok", `${listener.local.hostname}: ${JSON.stringify(result)}`);
      assert.ok(result.ms >= 0 && result.ms < 500, `took ${result.ms} ms`);
    }
  });

  test("a closed port is refused on IPv4 and IPv6, with the errno in the detail", async () => {
    // Port 1 (tcpmux) is closed on any sane test machine. A just-closed listener is not
    // used: Deno releases a listener with a pending accept only on the next tick.
    for (const hostname of ["127.0.0.1", "::1"]) {
      const result = await runtime.dial(hostname, 1, 1000);
      assert.equal(reasonOf(result), "refused", JSON.stringify(result));
      assert.ok(!result.ok && result.detail.includes("ECONNREFUSED"), JSON.stringify(result));
      assert.ok(result.ms < 500, `took ${result.ms} ms`);
    }
  });

  test("a black hole (full accept queue, SYNs dropped) times out after timeoutMs", async () => {
    const result = await runtime.dial(hole.host, hole.ports[0], 300);
    assert.equal(reasonOf(result), "timeout", JSON.stringify(result));
    assert.ok(result.ms >= 295 && result.ms < 1000, `took ${result.ms} ms`);
    assert.ok(!result.ok && result.detail.includes(`${hole.ports[0]}`), JSON.stringify(result));
  });

  test("a name that does not resolve is an error with a detail", async () => {
    const result = await runtime.dial("no-such-host.invalid", 53, 2000);
    assert.equal(reasonOf(result), "error", JSON.stringify(result));
    assert.ok(!result.ok && result.detail.length > 0);
  });

  test("2000 timed-out and 500 refused dials leak no file descriptor", async () => {
    await runtime.dial(hole.host, hole.ports[0], 20); // warm up lazily created runtime resources
    const before = openFds();
    const reasons = new Map<string, number>();
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all([
        ...Array.from({ length: 100 }, () => runtime.dial(hole.host, hole.ports[0], 10)),
        ...Array.from({ length: 25 }, () => runtime.dial("127.0.0.1", 1, 1000)),
      ]);
      for (const result of results) {
        reasons.set(reasonOf(result), (reasons.get(reasonOf(result)) ?? 0) + 1);
      }
    }
    assert.deepEqual(Object.fromEntries(reasons), { timeout: 2000, refused: 500 });
    // Descriptors are released asynchronously on some runtimes: poll, bounded.
    await waitFor(
      `open fds back to ${before} (now ${openFds()})`,
      () => openFds() <= before + 2,
      3000,
    );
  });
});
