import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type DialResult, type TcpListener } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { type BlackHoles, openBlackHoles } from "../../scripts/bench/harness/black_hole.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { openFds } from "./fixtures/open_fds.ts";
import { dialersUnderTest } from "../helpers/dialers.ts";
import { openProbeTargets, type ProbeTargets } from "../helpers/probe_targets.ts";
import { classifyDialError } from "../../src/runtime/adapter_common.ts";

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

// The probe contract every Dialer must keep, on real loopback sockets.
for (const { name, dial } of await dialersUnderTest()) {
  describe(`probe contract: ${name}`, () => {
    let targets: ProbeTargets;
    before(async () => (targets = await openProbeTargets()));
    after(() => targets.close());

    test("a listening IPv4 and IPv6 port answers ok, quickly", async () => {
      for (const backend of [targets.v4, targets.v6]) {
        const result = await dial(backend.host, backend.port, 1000);
        assert.equal(result.ok, true, `${backend.host}: ${JSON.stringify(result)}`);
        assert.ok(result.ms >= 0 && result.ms < 500, `${backend.host} took ${result.ms} ms`);
      }
    });

    test("a closed port is refused, not timed out", async () => {
      const result = await dial("127.0.0.3", targets.v4.port, 1000);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, "refused");
      assert.ok(result.ms < 500);
    });

    test("a black hole times out after the timeout", async () => {
      const result = await dial(targets.hole.host, targets.hole.ports[0], 300);
      assert.equal(!result.ok && result.reason, "timeout", JSON.stringify(result));
      assert.ok(result.ms >= 290 && result.ms < 1000, `took ${result.ms} ms`);
    });
  });
}

function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe("classifyDialError", () => {
  test("errno codes map to reasons, with the code in the detail", () => {
    const cases: [string, string][] = [
      ["ECONNREFUSED", "refused"],
      ["ETIMEDOUT", "timeout"],
      ["EHOSTUNREACH", "unreachable"],
      ["ENETUNREACH", "unreachable"],
      ["EADDRNOTAVAIL", "unreachable"],
      ["ENETDOWN", "unreachable"],
      ["EHOSTDOWN", "unreachable"],
      ["ECONNRESET", "error"],
      ["EACCES", "error"],
    ];
    for (const [code, reason] of cases) {
      const result = classifyDialError(errnoError(code, "connect failed"));
      assert.deepEqual(result, { reason, detail: `${code}: connect failed` }, code);
    }
  });

  test("Deno error classes without a code are recognised by name", () => {
    assert.equal(classifyDialError(namedError("ConnectionRefused", "x")).reason, "refused");
    assert.equal(classifyDialError(namedError("TimedOut", "x")).reason, "timeout");
    assert.equal(classifyDialError(namedError("NetworkUnreachable", "x")).reason, "unreachable");
    assert.equal(classifyDialError(namedError("AddrNotAvailable", "x")).reason, "unreachable");
  });

  test("anything else is an error whose detail is the message", () => {
    assert.deepEqual(classifyDialError(new Error("failed to lookup address")), {
      reason: "error",
      detail: "failed to lookup address",
    });
    assert.deepEqual(classifyDialError("boom"), { reason: "error", detail: "boom" });
  });
});
