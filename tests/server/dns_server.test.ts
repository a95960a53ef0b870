import { describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import net from "node:net";
import { type Config, ConfigError } from "../../src/config/config.ts";
import type { HealthView } from "../../src/health/health_state.ts";
import { createLogger } from "../../src/observe/logger.ts";
import { parseLogfmt } from "../helpers/logfmt.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import { startDnsServer } from "../../src/server/dns_server.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { fakeConfig, fakeDeps } from "./fake_deps.ts";

const QUERY = new Uint8Array([0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);

async function start(
  config: Config,
  fake = fakeDeps(),
  reloadConfig = () => Promise.resolve(config),
) {
  const lines: string[] = [];
  const logger = createLogger("debug", (line) => lines.push(line));
  const runtime = await currentRuntime();
  const server = await startDnsServer({ config, runtime, logger, deps: fake.deps, reloadConfig });
  return { server, lines, state: fake.state };
}

function udpQuery(port: number, query: Uint8Array, timeoutMs = 1_000): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.on("error", (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on("message", (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(new Uint8Array(message));
    });
    socket.send(query, port, "127.0.0.1");
  });
}

/**
 * Starts a server on a port another server just released: a runtime may free
 * a closed socket's port only on a later event-loop turn (Deno does).
 */
async function startOnReleasedPort(config: Config, fake = fakeDeps()) {
  const deadline = Date.now() + 2_000;
  for (;;) {
    try {
      return await start(config, fake);
    } catch (error) {
      if (!String(error).includes("address already in use") || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Serial the fake answer put in bytes 4-5. */
const servedSerial = (
  response: Uint8Array | null,
) => (response === null ? null : (response[4] << 8) | response[5]);

describe("startDnsServer", () => {
  test("logs ready with the bound address and answers UDP from the first snapshot", async () => {
    const { server, lines } = await start(fakeConfig());
    try {
      const [address] = server.addresses;
      assert.equal(address.hostname, "127.0.0.1");
      assert.ok(address.port > 0);
      const ready = lines.filter((line) => / level=info msg=ready /.test(line));
      assert.equal(ready.length, 1);
      assert.match(ready[0], new RegExp(`listen=127\\.0\\.0\\.1:${address.port}`));
      const response = await udpQuery(address.port, QUERY);
      assert.deepEqual([...(response ?? [])].slice(0, 2), [0x12, 0x34]);
      assert.equal(servedSerial(response), 1);
    } finally {
      await server.stop();
    }
  });

  test("answers TCP on the same port", async () => {
    const { server } = await start(fakeConfig());
    try {
      const { port } = server.addresses[0];
      const reply = await new Promise<Uint8Array>((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.on("error", reject);
        socket.on("data", (data) => {
          socket.destroy();
          resolve(new Uint8Array(data));
        });
        socket.write(new Uint8Array([0, QUERY.length, ...QUERY]));
      });
      assert.deepEqual([...reply], [0, 6, 0x12, 0x34, 0x84, 0, 0, 1]);
    } finally {
      await server.stop();
    }
  });

  test("an exception in answerQuery drops that query and is counted; the server keeps answering", async () => {
    const { server, lines } = await start(fakeConfig());
    try {
      const { port } = server.addresses[0];
      const bad = new Uint8Array([0xde, 0xad, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
      assert.equal(await udpQuery(port, bad, 300), null);
      assert.equal(servedSerial(await udpQuery(port, QUERY)), 1);
      assert.match(
        server.metrics.render(),
        /^healthy_dns_dropped_total\{transport="udp",reason="error"\} 1$/m,
      );
      assert.equal(lines.filter((line) => line.includes("query handler failed")).length, 1);
    } finally {
      await server.stop();
    }
  });

  test("a health change rebuilds the zone and the new snapshot serves", async () => {
    const { server, state } = await start(fakeConfig());
    try {
      const down: HealthView = { isHealthy: () => false };
      state.onChange?.(down);
      await waitFor("rebuild after health change", () => server.serial === 2, 2_000);
      assert.equal(servedSerial(await udpQuery(server.addresses[0].port, QUERY)), 2);
      assert.match(server.metrics.render(), /^healthy_dns_endpoints\{state="unhealthy"\} 1$/m);
    } finally {
      await server.stop();
    }
  });

  test("rebuilds at refreshAt, but a refreshAt already due waits 1 s instead of spinning", async () => {
    const { server } = await start(fakeConfig(), fakeDeps({ refreshInMs: -5_000 }));
    const started = Date.now();
    try {
      await waitFor("a refresh rebuild", () => server.serial >= 2, 5_000);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900, `refreshed after ${elapsed} ms`);
      assert.equal(server.serial, 2, "one rebuild, not a loop");
    } finally {
      await server.stop();
    }
  });

  test("a failed rebuild keeps the previous zone serving", async () => {
    const { server, state, lines } = await start(fakeConfig());
    try {
      state.failNextBuild = true;
      state.onChange?.({ isHealthy: () => false });
      await waitFor(
        "build failure logged",
        () => lines.some((line) => line.includes("zone build failed")),
        2_000,
      );
      assert.equal(servedSerial(await udpQuery(server.addresses[0].port, QUERY)), 1);
      assert.match(
        server.metrics.render(),
        /^healthy_dns_snapshot_builds_total\{outcome="failed"\} 1$/m,
      );
    } finally {
      await server.stop();
    }
  });

  test("reload: an error keeps the old config, a good config is applied", async () => {
    let next: () => Promise<Config> = () =>
      Promise.reject(new ConfigError("--hosted-zone", `"" is not a domain name`));
    const fake = fakeDeps();
    const { server, lines } = await start(fakeConfig(), fake, () => next());
    try {
      assert.equal(await server.reload(), false);
      const failure = lines.filter((line) => line.includes("reload failed"));
      assert.equal(failure.length, 1);
      assert.equal(parseLogfmt(failure[0])?.error, '--hosted-zone: "" is not a domain name');
      assert.equal(servedSerial(await udpQuery(server.addresses[0].port, QUERY)), 1);

      next = () => Promise.resolve(fakeConfig({ hostedZone: "other.test" }));
      assert.equal(await server.reload(), true);
      assert.equal(server.serial, 2);
      assert.equal(servedSerial(await udpQuery(server.addresses[0].port, QUERY)), 2);
    } finally {
      await server.stop();
    }
  });

  test("collects garbage before and after the first build and after a good reload, never per query", async () => {
    let collections = 0;
    const runtime = { ...await currentRuntime(), collectGarbage: () => void collections++ };
    let next: () => Promise<Config> = () =>
      Promise.reject(new ConfigError("--hosted-zone", `"" is not a domain name`));
    const server = await startDnsServer({
      config: fakeConfig(),
      runtime,
      logger: createLogger("error", () => {}),
      deps: fakeDeps().deps,
      reloadConfig: () => next(),
    });
    try {
      assert.equal(collections, 2, "before and after the first build");
      const port = server.addresses[0].port;
      for (let i = 0; i < 3; i++) assert.equal(servedSerial(await udpQuery(port, QUERY)), 1);
      assert.equal(collections, 2, "queries do not collect");
      assert.equal(await server.reload(), false);
      assert.equal(collections, 2, "a failed reload changes nothing");
      next = () => Promise.resolve(fakeConfig({ hostedZone: "other.test" }));
      assert.equal(await server.reload(), true);
      assert.equal(collections, 3, "once after a good reload");
    } finally {
      await server.stop();
    }
  });

  test("reload rebinds a changed listen address, all or nothing", async () => {
    const { server: blocker } = await start(fakeConfig());
    let listen = [{ hostname: "127.0.0.1", port: 0 }];
    const { server } = await start(
      fakeConfig(),
      fakeDeps(),
      () => Promise.resolve(fakeConfig({ listen })),
    );
    try {
      const oldPort = server.addresses[0].port;
      listen = [{ hostname: "127.0.0.1", port: 0 }, {
        hostname: "127.0.0.1",
        port: blocker.addresses[0].port,
      }];
      assert.equal(await server.reload(), false, "the taken port fails the reload");
      assert.deepEqual(server.addresses.map((a) => a.port), [oldPort]);
      await blocker.stop();
      await waitFor("reload once the blocker's port is released", () => server.reload(), 2_000);
      assert.equal(server.addresses.length, 2);
      assert.equal(servedSerial(await udpQuery(server.addresses[1].port, QUERY)), 2);
      listen = [{ hostname: "127.0.0.1", port: server.addresses[1].port }];
      assert.equal(await server.reload(), true);
      assert.equal(server.addresses.length, 1);
      assert.equal(
        await udpQuery(oldPort, QUERY, 300),
        null,
        "the dropped address no longer answers",
      );
    } finally {
      await server.stop();
      await blocker.stop();
    }
  });

  test("a port in use fails with one ConfigError line naming --listen", async () => {
    const { server: first } = await start(fakeConfig());
    const port = first.addresses[0].port;
    const fake = fakeDeps();
    try {
      await assert.rejects(
        start(fakeConfig({ listen: [{ hostname: "127.0.0.1", port }] }), fake),
        (error) => {
          assert.ok(error instanceof ConfigError);
          assert.equal(error.message, `--listen 127.0.0.1:${port}: address already in use`);
          return true;
        },
      );
      assert.equal(fake.state.builds, 0, "nothing is built before the listeners are bound");
    } finally {
      await first.stop();
    }
  });

  test("a port in use set in YAML names the YAML path, not --listen", async () => {
    const { server: first } = await start(fakeConfig());
    const port = first.addresses[0].port;
    const origins = { ...fakeConfig().origins, listen: "listen (in /etc/hdns.yaml)" };
    try {
      await assert.rejects(
        start(fakeConfig({ listen: [{ hostname: "127.0.0.1", port }], origins })),
        { message: `listen (in /etc/hdns.yaml): 127.0.0.1:${port}: address already in use` },
      );
    } finally {
      await first.stop();
    }
  });

  test("a bad key set in YAML names dnssec.key, not --priv-key-path", async () => {
    const origins = { ...fakeConfig().origins, dnssecKey: "dnssec.key (in /etc/hdns.yaml)" };
    const dnssec = { keyPath: "/nonexistent/key.pem", algorithm: null };
    await assert.rejects(start(fakeConfig({ dnssec, origins })), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(
        error.message,
        /^dnssec\.key \(in \/etc\/hdns\.yaml\): \/nonexistent\/key\.pem: /,
      );
      return true;
    });
  });

  test("a bad key fails with a ConfigError naming --priv-key-path, and frees the port", async () => {
    const dnssec = { keyPath: "/nonexistent/key.pem", algorithm: "ED25519" as const };
    const probe = await start(fakeConfig());
    const port = probe.server.addresses[0].port;
    await probe.server.stop();
    const config = fakeConfig({ dnssec, listen: [{ hostname: "127.0.0.1", port }] });
    await assert.rejects(startOnReleasedPort(config), (error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /^--priv-key-path: \/nonexistent\/key\.pem: /);
      assert.equal(error.message.includes("\n"), false);
      return true;
    });
    const again = await startOnReleasedPort(
      fakeConfig({ listen: [{ hostname: "127.0.0.1", port }] }),
    );
    await again.server.stop();
  });

  test("stop closes listeners and stops the monitor", async () => {
    const { server, state } = await start(fakeConfig());
    const { port } = server.addresses[0];
    await server.stop();
    assert.equal(state.monitorStopped, true);
    assert.equal(await udpQuery(port, QUERY, 300), null);
    await server.stop(); // idempotent
  });
});
