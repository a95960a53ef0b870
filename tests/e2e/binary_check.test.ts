// `healthy-dns check` from the compiled binary: the CI smoke test users run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { ensureBinary } from "../helpers/binary.ts";
import { openTcpBackend, type TcpBackend } from "../helpers/tcp_backend.ts";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
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
      resolve({ code, stdout, stderr });
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
      parsed.rows.map((
        row: Record<string, unknown>,
      ) => [row.name, row.address, row.port, row.healthy, row.reason]),
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
});
