// `healthy-dns check` from the compiled binary: the CI smoke test users run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { ensureBinary } from "../helpers/binary.ts";
import { openLateBackend } from "../helpers/late_backend.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** performance.now() when the process ended. */
  endedAt: number;
}

/** Runs the binary to completion (killed after 20 s). */
function run(binary: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(binary, [...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, endedAt: performance.now() });
    });
  });
}

describe("healthy-dns check (compiled binary)", () => {
  let binary: string;
  let up: TcpBackend;
  let down: TcpBackend;
  const flags = (resolutions: object) => [
    "check",
    "--hosted-zone",
    "example.test",
    "--ns",
    '["ns1.example.test"]',
    "--test-timeout",
    "1",
    "--zone-resolutions",
    JSON.stringify(resolutions),
  ];

  before(async () => {
    binary = ensureBinary();
    up = await openTcpBackend("127.0.0.2");
    // Bound once to learn a free port, then stopped: probes to it are refused.
    down = await openTcpBackend("127.0.0.3");
    await down.stop();
  });
  after(async () => {
    await up.stop();
  });

  test("exit 0 and a table row per address when every checked name has a healthy address", async () => {
    const result = await run(
      binary,
      flags({
        www: { ips: ["127.0.0.2", "127.0.0.3"], health_port: up.port },
        static: ["192.0.2.10"],
      }),
    );
    assert.equal(result.code, 0, result.stderr);
    const rows = result.stdout.trim().split("\n");
    const www2 = rows.find((row) => row.includes("127.0.0.2"));
    const www3 = rows.find((row) => row.includes("127.0.0.3"));
    assert.match(
      www2 ?? "",
      new RegExp(`^www\\.example\\.test\\s+127\\.0\\.0\\.2\\s+${up.port}\\s+healthy\\b`),
    );
    // 127.0.0.3 has nothing on that port: refused.
    assert.match(www3 ?? "", /\bunhealthy\b.*refused/);
  });

  test("exit 1 when a checked name has no healthy address; --json gives the same as JSON", async () => {
    const result = await run(binary, [
      ...flags({ api: { ips: ["127.0.0.3"], health_port: down.port } }),
      "--json",
    ]);
    assert.equal(result.code, 1, result.stderr);
    const parsed = JSON.parse(result.stdout);
    assert.equal(parsed.ok, false);
    assert.deepEqual(
      parsed.names.flatMap((name: { name: string; addresses: Record<string, unknown>[] }) =>
        name.addresses.map((a) => [name.name, a.address, a.port, a.healthy, a.result])
      ),
      [["api.example.test", "127.0.0.3", down.port, false, "refused"]],
    );
  });

  test("exit 2 and one line naming the flag on a config error", async () => {
    const result = await run(binary, flags({ www: { ips: ["300.1.1.1"], health_port: up.port } }));
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
    assert.match(result.stderr, /^--zone-resolutions: .*"300\.1\.1\.1" is not an IP address/);
    assert.equal(result.stdout, "");
  });

  /** Bun's default per-test limit is 5 s; these wait for seconds on purpose. */
  const waiting = { timeout: 30_000 };

  test(
    "--wait 10s exits 0 shortly after a listener that opens 1 s late comes up",
    waiting,
    async () => {
      const late = await openLateBackend("127.0.0.2", 1_000);
      try {
        const startedAt = performance.now();
        const result = await run(binary, [
          ...flags({ late: { ips: ["127.0.0.2"], health_port: late.port } }),
          "--test-min-interval",
          "200ms",
          "--wait",
          "10s",
        ]);
        assert.equal(result.code, 0, result.stderr);
        assert.ok(
          result.endedAt - startedAt >= 1_000,
          `exited after ${result.endedAt - startedAt} ms`,
        );
        assert.ok(
          result.endedAt - late.openedAt < 1_500,
          `exited ${result.endedAt - late.openedAt} ms after the listener opened`,
        );
        // Not a terminal: one progress line per round on stderr, the last one passing.
        const rounds = result.stderr.trimEnd().split("\n");
        assert.ok(rounds.length >= 2, result.stderr);
        assert.ok(rounds.every((line, i) => line.includes(`: round ${i + 1}: `)), result.stderr);
        assert.match(rounds.at(-1)!, /: 1 of 1 names pass$/);
        assert.match(result.stdout, /^late\.example\.test +127\.0\.0\.2 +\d+ +healthy /m);
      } finally {
        await late.close();
      }
    },
  );

  test(
    "--wait 10s exits 1 at the deadline when the listener never comes; github format names it",
    waiting,
    async () => {
      const startedAt = performance.now();
      const result = await run(binary, [
        ...flags({ never: { ips: ["127.0.0.3"], health_port: down.port } }),
        "--wait",
        "10s",
        "--every",
        "1s",
        "--format",
        "github",
      ]);
      const ms = result.endedAt - startedAt;
      assert.equal(result.code, 1, result.stderr);
      assert.ok(ms >= 10_000 && ms < 13_000, `exited after ${ms} ms`);
      assert.match(result.stderr.trimEnd().split("\n").at(-1)!, /; deadline reached$/);
      assert.match(
        result.stdout,
        /^::error title=healthy-dns check::never\.example\.test fails: no healthy address%0A127\.0\.0\.3 port \d+ unhealthy: refused /m,
      );
    },
  );

  test("exit 2 and one line naming the flag for a bad check option", async () => {
    const result = await run(binary, [
      ...flags({ www: { ips: ["127.0.0.2"], health_port: up.port } }),
      "--require",
      "most",
    ]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), `--require: "most" is not one of any, all`);
    assert.equal(result.stdout, "");
  });
});
