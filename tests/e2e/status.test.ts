import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerStatus } from "../../src/server/status.ts";
import { startStatusSetup } from "../helpers/status_setup.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { decode, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

async function getStatus(base: string): Promise<ServerStatus> {
  const response = await fetch(`${base}/status`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  return await response.json() as ServerStatus;
}

/** The state of each table row of the HTML page, by address. */
async function pageStates(base: string): Promise<Record<string, string>> {
  const response = await fetch(`${base}/`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  const page = await response.text();
  return Object.fromEntries(
    [...page.matchAll(/data-address="([^"]+)" data-state="([^"]+)"/g)].map((m) => [m[1], m[2]]),
  );
}

/** `healthy_dns_endpoint_up` samples, by address. */
async function endpointUp(base: string): Promise<Record<string, string>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Object.fromEntries(
    [...text.matchAll(
      /^healthy_dns_endpoint_up\{name="www\.status\.test",address="([^"]+)",port="\d+"\} (\d)$/gm,
    )]
      .map((m) => [m[1], m[2]]),
  );
}

describe("/status, / and /metrics over real sockets", () => {
  test("match the health state before and after a backend stops, and what DNS answers", async () => {
    const setup = await startStatusSetup();
    const { base, server } = setup;
    const answersA = async () =>
      decode(await server.query(makeQuery("www.status.test", "A"), "udp")).answers.map((a) =>
        String(a.data)
      ).sort();
    try {
      // Before: both addresses healthy and served.
      const before = await getStatus(base);
      assert.equal(before.phase, "serving");
      assert.deepEqual(before.zones, ["status.test"]);
      assert.equal(before.serial, server.server.serial);
      assert.ok(before.builtAt !== null && Date.parse(before.builtAt) <= Date.now());
      const www = before.names.find((n) => n.fqdn === "www.status.test");
      assert.ok(www);
      assert.deepEqual(www.check, { port: setup.first.port, timeoutMs: 2000 });
      assert.deepEqual(www.serving, ["127.0.0.1", "127.0.0.2"]);
      assert.deepEqual(www.serving, await answersA());
      for (const address of www.addresses) {
        assert.equal(address.state, "healthy", address.address);
        assert.equal(address.served, true);
        assert.equal(address.lastProbe?.ok, true);
        assert.ok(address.lastProbe.ms >= 0 && address.lastProbe.ms < 2000);
        assert.equal(address.override, null);
      }
      const staticName = before.names.find((n) => n.fqdn === "static.status.test");
      assert.deepEqual(staticName?.addresses.map((a) => [a.state, a.served]), [["static", true]]);
      assert.deepEqual(await pageStates(base), {
        "127.0.0.1": "healthy",
        "127.0.0.2": "healthy",
        "192.0.2.10": "static",
      });
      assert.deepEqual(await endpointUp(base), { "127.0.0.1": "1", "127.0.0.2": "1" });

      // The second backend stops: its address turns unhealthy and leaves the answers.
      await setup.second.stop();
      const stoppedAt = Date.now();
      await waitFor("127.0.0.2 unhealthy on /status", async () => {
        const now = await getStatus(base);
        const www = now.names.find((n) => n.fqdn === "www.status.test");
        return www?.serving.length === 1;
      }, 10_000);
      const after = await getStatus(base);
      const wwwAfter = after.names.find((n) => n.fqdn === "www.status.test");
      assert.ok(wwwAfter);
      assert.deepEqual(wwwAfter.serving, ["127.0.0.1"]);
      assert.deepEqual(wwwAfter.serving, await answersA());
      const [up, down] = wwwAfter.addresses;
      assert.deepEqual([up.address, up.state, up.served], ["127.0.0.1", "healthy", true]);
      assert.deepEqual([down.address, down.state, down.served], ["127.0.0.2", "unhealthy", false]);
      assert.equal(down.lastProbe?.ok, false);
      // A stopped listener refuses; the exact reason is the dialer's (a crowded test process may see another).
      const reason = down.lastProbe?.reason;
      assert.match(reason ?? "", /^(refused|timeout|unreachable|error)$/);
      assert.ok(down.failures >= 1);
      assert.ok(down.since !== null && Date.parse(down.since) >= stoppedAt - 5);
      assert.ok(after.serial !== null && before.serial !== null && after.serial > before.serial);
      assert.deepEqual(await pageStates(base), {
        "127.0.0.1": "healthy",
        "127.0.0.2": "unhealthy",
        "192.0.2.10": "static",
      });
      assert.deepEqual(await endpointUp(base), { "127.0.0.1": "1", "127.0.0.2": "0" });

      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /^healthy_dns_endpoint_state_changes_total\{to="unhealthy"\} 1$/m);
      assert.match(
        metrics,
        new RegExp(`^healthy_dns_probes_total\\{result="${reason}"\\} [1-9]\\d*$`, "m"),
      );
      assert.match(metrics, /^healthy_dns_probe_duration_seconds_count [1-9]\d*$/m);
      assert.match(metrics, /^healthy_dns_zone_build_duration_seconds_count [2-9]\d*$/m);
      assert.match(
        metrics,
        /^healthy_dns_build_info\{version="[^"]+",commit="[^"]+",runtime="(deno|bun) [^"]+",target="[a-z0-9-]+"\} 1$/m,
      );
      assert.match(metrics, /^process_resident_memory_bytes [1-9]\d*$/m);
      assert.match(metrics, /^process_cpu_seconds_total [0-9.e-]+$/m);
      assert.match(metrics, /^process_open_fds [1-9]\d*$/m);
      const start = Number(metrics.match(/^process_start_time_seconds ([0-9.]+)$/m)?.[1]);
      assert.ok(start > Date.now() / 1000 - 3600 && start <= Date.now() / 1000, String(start));
    } finally {
      await setup.stop();
    }
  });

  test("only GET and HEAD are served: other methods get 405 with Allow", async () => {
    const setup = await startStatusSetup();
    try {
      for (const path of ["/", "/status", "/metrics", "/healthz"]) {
        const head = await fetch(`${setup.base}${path}`, { method: "HEAD" });
        assert.equal(head.status, 200, `HEAD ${path}`);
        assert.equal(await head.text(), "");
        for (const method of ["POST", "PUT", "DELETE"]) {
          const response = await fetch(`${setup.base}${path}`, { method, body: "x" });
          assert.equal(response.status, 405, `${method} ${path}`);
          assert.equal(response.headers.get("allow"), "GET, HEAD");
          await response.text();
        }
      }
    } finally {
      await setup.stop();
    }
  });

  test("an operator override shows on /status and / with its effect, the probe state underneath", async () => {
    const dir = mkdtempSync(join(tmpdir(), "healthy-dns-status-overrides-"));
    const setup = await startStatusSetup(dir);
    const www = async () => (await getStatus(setup.base)).names.find((n) => n.name === "www");
    try {
      assert.deepEqual((await www())?.addresses.map((a) => a.override), [null, null]);
      writeFileSync(
        join(dir, "overrides.yaml"),
        "- {address: 127.0.0.2, state: down, until: 2999-01-01T00:00:00Z, reason: disk swap}\n",
      );
      await waitFor("127.0.0.2 drained", async () => (await www())?.serving.length === 1, 10_000);
      const drained = (await www())?.addresses[1];
      assert.deepEqual(drained?.override, {
        state: "down",
        name: null,
        until: "2999-01-01T00:00:00.000Z",
        reason: "disk swap",
      });
      assert.equal(drained?.state, "healthy", "the probe still passes underneath");
      assert.equal(drained?.served, false);
      const page = await (await fetch(`${setup.base}/`)).text();
      assert.match(
        page,
        /data-address="127\.0\.0\.2"[^>]*>.*<td class="override">down for every name until 2999-01-01T00:00:00\.000Z \(disk swap\)<\/td>/,
      );
    } finally {
      await setup.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
