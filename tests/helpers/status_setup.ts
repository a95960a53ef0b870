import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";

/** A real server probing two real backends, with its HTTP side on an ephemeral port. */
export interface StatusSetup {
  readonly server: TestServer;
  /** http://127.0.0.1:PORT */
  readonly base: string;
  /** Health-checks www's first address, 127.0.0.1. */
  readonly first: TcpBackend;
  /** Health-checks www's second address, 127.0.0.2. */
  readonly second: TcpBackend;
  stop(): Promise<void>;
}

/**
 * Serves status.test in-process: `www` on 127.0.0.1 and 127.0.0.2, each
 * health-checked on its own backend, and `static` on 192.0.2.10. Probes run
 * every 100 ms with a 2 s timeout, so a stalled event loop on a loaded machine
 * cannot fail a loopback probe. Both backends are up at start. `stateDir`
 * (for operator overrides) is none unless given.
 */
export async function startStatusSetup(stateDir: string | null = null): Promise<StatusSetup> {
  const first = await openTcpBackend("127.0.0.1");
  // The second address's backend listens on the first one's port if it can, so one health port serves both.
  const second = await openTcpBackend("127.0.0.2", first.port).catch(async () => {
    await first.stop();
    throw new Error("127.0.0.2: the health port is taken; rerun");
  });
  const records = {
    www: { ips: ["127.0.0.1", "127.0.0.2"], health_port: first.port },
    static: ["192.0.2.10"],
  };
  const server = await startTestServer({
    args: [
      "--hosted-zone",
      "status.test",
      "--ns",
      '["ns1.status.test"]',
      "--zone-resolutions",
      JSON.stringify(records),
      "--test-min-interval",
      "100ms",
      "--test-timeout",
      "2s",
    ],
    overrides: { http: { hostname: "127.0.0.1", port: 0 }, stateDir },
  });
  const http = server.server.httpAddress;
  if (http === null) throw new Error("no HTTP listener");
  return {
    server,
    base: `http://127.0.0.1:${http.port}`,
    first,
    second,
    async stop() {
      await server.stop();
      await first.stop();
      await second.stop();
    },
  };
}
