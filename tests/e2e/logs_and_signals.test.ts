import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLogfmt } from "../helpers/logfmt.ts";
import {
  type CliProcess,
  freePort,
  spawnServer,
  tcpExchange,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** A config file with one health-checked name on `backendPort`, checked every 100 ms. */
function writeConfig(dir: string, dnsPort: number, httpPort: number, backendPort: number): string {
  const file = join(dir, "zone.yaml");
  writeFileSync(
    file,
    [
      "zone: logs.test",
      "name_servers: [ns1.logs.test]",
      `listen: ["127.0.0.1:${dnsPort}"]`,
      `http: { listen: "127.0.0.1:${httpPort}" }`,
      "health: { interval: 100ms, timeout: 500ms }",
      "records:",
      `  www: { addresses: [127.0.0.1], health_port: ${backendPort} }`,
      "  static: [192.0.2.10]",
      "",
    ].join("\n"),
  );
  return file;
}

/** stderr lines, without the empty one after the last newline. */
const lines = (cli: CliProcess) => cli.stderr().split("\n").filter((line) => line !== "");

/** A server run through the CLI on a fresh config file, with a backend for its one checked name. */
interface Run {
  readonly server: CliProcess;
  readonly file: string;
  readonly port: number;
  readonly httpPort: number;
  readonly backend: TcpBackend;
}

/**
 * Starts `healthy-dns --config FILE ...extra`, runs `body`, then ends the
 * server (SIGTERM, and SIGKILL if it is still there), the backend and the
 * files. Returns every line the server logged.
 */
async function withServer(
  extra: readonly string[],
  body: (run: Run) => Promise<void>,
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "healthy-dns-logs-"));
  const backend = await openTcpBackend("127.0.0.1");
  const port = await freePort();
  const httpPort = await freePort();
  const file = writeConfig(dir, port, httpPort, backend.port);
  try {
    const server = await spawnServer(["--config", file, ...extra]);
    try {
      await body({ server, file, port, httpPort, backend });
    } finally {
      server.kill("SIGTERM");
      const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
      await server.exited;
      clearTimeout(timer);
    }
    return lines(server);
  } finally {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a server through start-up, a backend going down, a reload and SIGTERM,
 * and returns every line it logged.
 */
function runAndCollect(extra: readonly string[]): Promise<string[]> {
  return withServer(["--log-level", "debug", ...extra], async ({ server, port, backend }) => {
    await backend.stop();
    // logfmt `new=unhealthy` or JSON `"new":"unhealthy"`.
    await server.waitForLine(/health state changed.*new"?[=:]"?unhealthy/);
    server.kill("SIGHUP");
    await server.waitForLine(/configuration reloaded/);
    // A query, so that nothing but the log is left to check.
    assert.notEqual(await udpExchange(port, makeQuery("static.logs.test", "A")), null);
  });
}

describe("log lines of a real server run", () => {
  test("every line is logfmt with ts, level and msg (the default)", async () => {
    const logged = await runAndCollect([]);
    const parsed = logged.map((line) => ({ line, fields: parseLogfmt(line) }));
    for (const { line, fields } of parsed) {
      assert.ok(fields !== null, `not logfmt: ${line}`);
      assert.ok(!Number.isNaN(Date.parse(fields.ts)), `ts: ${line}`);
      assert.match(fields.level, /^(debug|info|warning|error|critical)$/, line);
      assert.ok(fields.msg, line);
    }
    const messages = parsed.map(({ fields }) => fields?.msg);
    for (const expected of ["ready", "health state changed", "configuration reloaded", "stopped"]) {
      assert.ok(messages.includes(expected), `a "${expected}" line in:\n${logged.join("\n")}`);
    }
    // debug: a summary per check cycle, and why each zone build ran.
    const cycle = parsed.find(({ fields }) => fields?.msg === "health check cycle")?.fields;
    assert.ok(cycle, `a cycle summary in:\n${logged.join("\n")}`);
    for (const key of ["ms", "probed", "healthy", "changed"]) assert.ok(key in cycle, key);
    const reasons = parsed.filter(({ fields }) => fields?.msg === "zone build").map(({ fields }) =>
      fields?.reason
    );
    for (const reason of ["start", "health", "reload"]) {
      assert.ok(
        reasons.some((r) => r?.split(",").includes(reason)),
        `a build for ${reason}: ${reasons}`,
      );
    }
  });

  test("--log-format json: every line is one JSON object with ts, level and msg", async () => {
    const logged = await runAndCollect(["--log-format", "json"]);
    const objects = logged.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.fail(`not JSON: ${line}`);
      }
    });
    for (const [i, object] of objects.entries()) {
      assert.equal(typeof object.ts, "string", logged[i]);
      assert.equal(typeof object.level, "string", logged[i]);
      assert.equal(typeof object.msg, "string", logged[i]);
    }
    const changed = objects.find((object) =>
      object.msg === "health state changed" && object.new === "unhealthy"
    );
    assert.equal(changed?.old, "healthy");
    assert.equal(typeof changed?.port, "number", "numbers stay numbers");
    assert.ok(objects.some((object) => object.msg === "ready"));
  });
});

describe("signals", () => {
  test("SIGHUP applies a new log_level without a restart", async () => {
    await withServer([], async ({ server, file }) => {
      const debugLines = () => lines(server).filter((line) => / level=debug /.test(line));
      assert.deepEqual(debugLines(), []);
      writeFileSync(file, `log_level: debug\n${readFileSync(file, "utf8")}`);
      server.kill("SIGHUP");
      await server.waitForLine(/msg="log level changed" from=info to=debug/);
      // Cycles run every 100 ms: their debug summaries now appear.
      await waitFor("a debug line", () => debugLines().length > 0, 10_000);
    });
  });

  test("SIGTERM with --lame-duck: DNS still answers while /healthz says 503, then exit 0", async () => {
    await withServer(["--lame-duck", "30s"], async ({ server, port, httpPort }) => {
      const healthz = async () => (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status;
      assert.equal(await healthz(), 200);
      server.kill("SIGTERM");
      await server.waitForLine(/msg="lame duck/);
      assert.equal(await healthz(), 503);
      assert.notEqual(await udpExchange(port, makeQuery("static.logs.test", "A")), null);
      // A second signal cuts the 30 s delay short.
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
      assert.match(server.stderr(), /msg="stopping now" signal=SIGTERM/);
      assert.equal(await udpExchange(port, makeQuery("static.logs.test", "A"), 300), null);
    });
  });

  test("SIGINT during the lame-duck delay stops at once, exit 0", async () => {
    await withServer(["--lame-duck", "30s"], async ({ server, port }) => {
      server.kill("SIGTERM");
      await server.waitForLine(/msg="lame duck/);
      const signalledAt = performance.now();
      server.kill("SIGINT");
      assert.equal(await server.exited, 0);
      const took = performance.now() - signalledAt;
      assert.ok(took < 10_000, `stopped ${Math.round(took)} ms after SIGINT, not after the 30 s`);
      assert.match(server.stderr(), /msg="stopping now" signal=SIGINT/);
      assert.equal(await udpExchange(port, makeQuery("static.logs.test", "A"), 300), null);
    });
  });

  test("SIGHUP applies new TCP limits to the next connection", async () => {
    await withServer([], async ({ server, file, port, httpPort }) => {
      const query = makeQuery("static.logs.test", "A");
      const refusedBySource = async () => {
        const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
        return Number(
          /^healthy_dns_tcp_closed_total\{reason="source_limit"\} (\d+)$/m.exec(text)?.[1] ?? 0,
        );
      };
      // One connection held open from 127.0.0.1 (idle timeout 10 s).
      const held = net.connect(port, "127.0.0.1");
      await new Promise<void>((resolve, reject) =>
        held.once("connect", resolve).once("error", reject)
      );
      try {
        assert.notEqual(await tcpExchange(port, query), null, "a second connection (cap 100)");
        writeFileSync(
          file,
          `tcp: { max_connections_per_source: 1 }\n${readFileSync(file, "utf8")}`,
        );
        server.kill("SIGHUP");
        await server.waitForLine(/msg="configuration reloaded"/);
        assert.equal(await tcpExchange(port, query).catch(() => null), null, "refused (cap 1)");
        assert.equal(await refusedBySource(), 1);
        assert.equal(held.destroyed, false, "the held connection stays");
      } finally {
        held.destroy();
      }
    });
  });

  test("SIGHUP: --http and --log-format changes wait for a restart, with a warning each", async () => {
    await withServer([], async ({ server, file, httpPort }) => {
      const newHttpPort = await freePort();
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(`127.0.0.1:${httpPort}`, `127.0.0.1:${newHttpPort}`) +
          "log_format: json\n",
      );
      server.kill("SIGHUP");
      await server.waitForLine(/msg="configuration reloaded"/);
      const logged = lines(server);
      assert.ok(
        logged.some((line) =>
          / level=warning msg="reload: an --http change takes effect only after a restart"/.test(
            line,
          )
        ),
        logged.join("\n"),
      );
      assert.ok(
        logged.some((line) =>
          / level=warning msg="reload: a --log-format change takes effect only after a restart"/
            .test(line)
        ),
        logged.join("\n"),
      );
      // Still logfmt (the reload line itself), still served on the old HTTP address only.
      assert.ok(logged.every((line) => parseLogfmt(line) !== null && !line.startsWith("{")));
      assert.equal((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status, 200);
      await assert.rejects(fetch(`http://127.0.0.1:${newHttpPort}/healthz`));
    });
  });

  test("SIGTERM with a short --lame-duck stops by itself once the delay is over", async () => {
    await withServer(["--lame-duck", "300ms"], async ({ server }) => {
      server.kill("SIGTERM");
      assert.equal(await server.exited, 0);
      const logged = lines(server).map((line) => parseLogfmt(line)?.msg);
      assert.ok(logged.indexOf("lame duck: still answering DNS, /healthz answers 503") >= 0);
      assert.equal(logged.at(-1), "stopped");
    });
  });
});
