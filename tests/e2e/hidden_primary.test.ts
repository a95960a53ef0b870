// healthy-dns as a hidden primary feeding real secondaries (Knot DNS, NSD,
// BIND) on loopback: TSIG-authenticated AXFR, then NOTIFY + IXFR on every
// health change, under flapping too; refusals without a valid key.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RCODE_NOTAUTH, TSIG_ERROR } from "../../src/transfer/tsig.ts";
import {
  needsSecondary,
  type Secondary,
  type SecondaryKind,
  startSecondary,
  transferYaml,
} from "../../scripts/bench/harness/secondary.ts";
import {
  freePort,
  startTestServer,
  type TestServer,
} from "../../scripts/bench/harness/server_harness.ts";
import { openBackends, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { recordText, transfer, tsigKey } from "../../scripts/bench/harness/xfr_client.ts";

/** The secondaries installed here: each missing one is its own skip (a failure under CI). */
const KINDS: readonly SecondaryKind[] = (["knot", "nsd", "bind"] as const).filter((kind) =>
  needsSecondary(kind) === false
);
const ZONES = ["example.test", "example.net"];
const KEY = { name: "xfr-key", algorithm: "hmac-sha256" as const, secret: "" };
const INTERVAL_MS = 500;
const REFUSED = 5;

function randomSecret(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
}

/**
 * What each daemon logs for an incremental transfer, and for a full one it must not
 * fall back to. NSD does not name the transfer type; it would log falling back to
 * AXFR, and the primary's log shows what it asked for.
 */
const TRANSFER_LOG: Readonly<Record<SecondaryKind, { ixfr: RegExp; axfr: RegExp }>> = {
  knot: { ixfr: /\[example\.test\.\] IXFR, incoming/, axfr: /AXFR, incoming/ },
  nsd: { ixfr: /received update to serial/, axfr: /starting AXFR|bad transfer/ },
  bind: { ixfr: /IXFR/, axfr: /requesting AXFR|AXFR started/ },
};

describe("hidden primary with Knot, NSD and BIND as secondaries", {
  skip: KINDS.length === 0 ? "no secondary is installed" : false,
}, () => {
  const key = { ...KEY, secret: randomSecret() };
  let dir: string;
  let backends: TcpBackend[];
  let primary: TestServer;
  const secondaries: Secondary[] = [];

  /** The primary's metric `name` for `secondary`, or null when it has none. */
  function value(name: string, secondary: Secondary): number | null {
    const line = primary.server.metrics.render().split("\n").find((l) =>
      l.startsWith(`${name}{secondary="${secondary.address}:${secondary.port}"}`)
    );
    return line === undefined ? null : Number(line.split(" ").at(-1));
  }

  /** Waits until every secondary holds `serial` for every zone. */
  async function allOn(serial: number, deadlineMs: number): Promise<void> {
    await waitFor(`every secondary on serial ${serial}`, async () => {
      for (const secondary of secondaries) {
        for (const zone of ZONES) if ((await secondary.serial(zone)) !== serial) return false;
      }
      return true;
    }, deadlineMs);
  }

  /** Waits until every secondary has acknowledged a NOTIFY of `serial`. */
  async function allAcked(serial: number, deadlineMs: number): Promise<void> {
    await waitFor(
      `every NOTIFY of serial ${serial} acknowledged`,
      () =>
        secondaries.every((s) => value("healthy_dns_secondary_notify_acked_serial", s) === serial),
      deadlineMs,
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-primary-"));
    backends = await openBackends(["127.0.0.2", "127.0.0.3"]);
    const ports = { knot: await freePort(), nsd: await freePort(), bind: await freePort() };
    const config = join(dir, "primary.yaml");
    writeFileSync(
      config,
      [
        "zone: example.test",
        "alias_zones: [example.net]",
        "name_servers: [ns1.example.test, ns2.example.test]",
        `state_dir: ${dir}`,
        `health: { interval: ${INTERVAL_MS}ms, timeout: 300ms }`,
        "records:",
        `  www: { addresses: [127.0.0.2, 127.0.0.3], health_port: ${backends[0].port} }`,
        "  static: [192.0.2.10, 2001:db8::10]",
        ...transferYaml(key, KINDS.map((kind) => ({ kind, port: ports[kind] })), ["127.0.0.1/32"]),
        "",
      ].join("\n"),
    );
    primary = await startTestServer({ args: ["--config", config] });
    for (const kind of KINDS) {
      secondaries.push(
        await startSecondary({
          kind,
          port: ports[kind],
          primaryPort: primary.port,
          zones: ZONES,
          key,
        }),
      );
    }
  }, { timeout: 60_000 });

  after(async () => {
    for (const secondary of secondaries) await secondary.stop();
    await primary?.stop();
    for (const backend of backends ?? []) await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(
    "each secondary transfers every zone; its AXFR equals the primary's",
    { timeout: 60_000 },
    async () => {
      await allOn(primary.server.serial, 10_000);
      for (const zone of ZONES) {
        const ours = await transfer(primary.port, zone, "AXFR", { key: tsigKey(key) });
        assert.equal(ours.rcode, 0);
        const expected = ours.records.slice(1).map(recordText).sort();
        assert.ok(expected.some((line) => line.includes('"127.0.0.2"')), "the zone has www");
        for (const secondary of secondaries) {
          const theirs = await transfer(secondary.port, zone, "AXFR", {
            key: tsigKey(key),
            host: secondary.address,
          });
          assert.equal(theirs.rcode, 0, `${secondary.kind} AXFR ${zone}`);
          assert.deepEqual(
            theirs.records.slice(1).map(recordText).sort(),
            expected,
            secondary.kind,
          );
        }
      }
    },
  );

  test(
    "no key: REFUSED; an unknown key: BADKEY; a wrong secret: BADSIG",
    { timeout: 60_000 },
    async () => {
      const none = await transfer(primary.port, "example.test", "AXFR");
      assert.equal(none.rcode, REFUSED);
      assert.equal(none.records.length, 0);
      const unknown = await transfer(primary.port, "example.test", "AXFR", {
        key: tsigKey({ ...key, name: "other-key" }),
      });
      assert.deepEqual([unknown.rcode, unknown.tsigError], [RCODE_NOTAUTH, TSIG_ERROR.BADKEY]);
      const wrong = await transfer(primary.port, "example.test", "AXFR", {
        key: tsigKey({ ...key, secret: randomSecret() }),
      });
      assert.deepEqual([wrong.rcode, wrong.tsigError], [RCODE_NOTAUTH, TSIG_ERROR.BADSIG]);
      const ixfr = await transfer(primary.port, "example.test", "IXFR", { serial: 1 });
      assert.equal(ixfr.rcode, REFUSED);
      assert.ok(
        primary.logs.some((line) =>
          /msg="zone transfer refused" .*reason="no TSIG key"/.test(line)
        ),
      );
      const metrics = primary.server.metrics.render();
      assert.match(
        metrics,
        /^healthy_dns_zone_transfers_total\{type="axfr",outcome="refused"\} 1$/m,
      );
      assert.match(metrics, /^healthy_dns_tsig_rejected_total\{error="badkey"\} 1$/m);
      assert.match(metrics, /^healthy_dns_tsig_rejected_total\{error="badsig"\} 1$/m);
    },
  );

  test("metrics per secondary: NOTIFY acknowledged, serial transferred, no lag", {
    timeout: 60_000,
  }, async () => {
    const serial = primary.server.serial;
    await allOn(serial, 10_000);
    await allAcked(serial, 10_000);
    for (const secondary of secondaries) {
      const name = secondary.kind;
      assert.equal(value("healthy_dns_secondary_transferred_serial", secondary), serial, name);
      assert.equal(value("healthy_dns_secondary_lag_seconds", secondary), 0, name);
      const acked = value("healthy_dns_secondary_notify_acked_timestamp_seconds", secondary)!;
      assert.ok(Math.abs(acked - Date.now() / 1000) < 600, `${name}: acked at ${acked}`);
    }
    assert.match(
      primary.server.metrics.render(),
      /^healthy_dns_zone_transfers_total\{type="axfr",outcome="ok"\} [1-9]/m,
    );
    // /status shows the same per secondary.
    const shown = primary.server.status().secondaries ?? [];
    assert.deepEqual(
      shown.map((
        row,
      ) => [row.secondary, row.notifyAckedSerial, row.transferredSerial, row.lagSeconds]),
      secondaries.map((s) => [`${s.address}:${s.port}`, serial, serial, 0]),
    );
    assert.ok(shown.every((row) => typeof row.notifyAckedAt === "string"));
  });

  test("a backend stops: every secondary drops it within the interval + 1 s, by IXFR", {
    timeout: 60_000,
  }, async () => {
    await allOn(primary.server.serial, 10_000);
    const marks = secondaries.map((secondary) => secondary.log().length);
    const logMark = primary.logs.length;
    const stoppedAt = performance.now();
    await backends[1].stop();
    try {
      await waitFor("every secondary to drop 127.0.0.3", async () => {
        for (const secondary of secondaries) {
          const served = await secondary.addresses("www.example.test", "A");
          if (served.includes("127.0.0.3")) return false;
          assert.deepEqual(served, ["127.0.0.2"]);
        }
        return true;
      }, 10_000);
      const took = performance.now() - stoppedAt;
      assert.ok(took <= INTERVAL_MS + 1_000, `propagation took ${Math.round(took)} ms`);
      const transfers = primary.logs.slice(logMark).filter((line) =>
        line.includes(`msg="zone transfer" to=`)
      );
      // BIND shares 127.0.0.1 with this test's own client; its log speaks for it below.
      for (const secondary of secondaries.filter((s) => s.kind !== "bind")) {
        const mine = transfers.filter((line) => line.includes(`to=${secondary.address} `));
        assert.ok(mine.some((line) => line.includes("type=ixfr ")), `${secondary.kind}: ${mine}`);
        assert.ok(!mine.some((line) => line.includes("type=axfr")), `${secondary.kind}: ${mine}`);
      }
      for (const [i, secondary] of secondaries.entries()) {
        const log = secondary.log().slice(marks[i]);
        assert.match(log, TRANSFER_LOG[secondary.kind].ixfr, secondary.kind);
        assert.doesNotMatch(log, TRANSFER_LOG[secondary.kind].axfr, secondary.kind);
      }
    } finally {
      await backends[1].start();
    }
  });

  test("50 health flaps in 10 s: every secondary ends on the final serial, no transfer errors", {
    timeout: 60_000,
  }, async () => {
    const marks = secondaries.map((secondary) => secondary.log().length);
    const logMark = primary.logs.length;
    const serialBefore = primary.server.serial;
    for (let flap = 0; flap < 50; flap++) {
      if (flap % 2 === 0) await backends[1].stop();
      else await backends[1].start();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // 50 flaps leave the backend up; wait for the primary to see it, then for the secondaries.
    await waitFor("the primary to serve 127.0.0.3 again", async () => {
      const ours = await transfer(primary.port, "example.test", "AXFR", { key: tsigKey(key) });
      return ours.records.some((record) => record.data === "127.0.0.3");
    }, 5_000);
    // The flaps changed the zone: the primary built new serials (the backend seen
    // down, then up again at least), so ending "on the final serial" means transfers.
    const built = primary.logs.slice(logMark).flatMap((line) =>
      line.includes(`msg="zone built"`) ? [line.match(/ serial=(\d+)/)![1]] : []
    );
    assert.ok(new Set(built).size >= 2, `serials built during the flaps: ${built}`);
    const serial = primary.server.serial;
    assert.notEqual(serial, serialBefore);
    await allOn(serial, 15_000);
    // Each secondary acknowledged a NOTIFY for the final serial (before: an older one).
    await allAcked(serial, 10_000);
    for (const [i, secondary] of secondaries.entries()) {
      const problems = secondary.log().slice(marks[i]).split("\n").filter((line) =>
        /\b(error|failed|failure|refused|bad|malformed)\b/i.test(line) &&
        // NSD's bookkeeping when two updates land in one reload, not a failed transfer:
        // the next line commits both (the serials below prove the final state).
        !/soa serial \d+ update failed, restarting transfer \(notified zone\)/.test(line)
      );
      assert.deepEqual(problems, [], `${secondary.kind} log`);
    }
    const ours = primary.logs.slice(logMark).filter((line) =>
      / (warning|error) /.test(line) && /transfer|TSIG|NOTIFY/.test(line)
    );
    assert.deepEqual(ours, [], "the primary logged no transfer, TSIG or NOTIFY problem");
    for (const secondary of secondaries) {
      assert.deepEqual(
        await secondary.addresses("www.example.net", "A"),
        ["127.0.0.2", "127.0.0.3"],
        secondary.kind,
      );
    }
  });

  test(
    "IXFR: from a recent serial the differences, from one older than the journal the whole zone",
    { timeout: 60_000 },
    async () => {
      const full = await transfer(primary.port, "example.test", "AXFR", { key: tsigKey(key) });
      const serial = primary.server.serial;
      const old = await transfer(primary.port, "example.test", "IXFR", {
        key: tsigKey(key),
        serial: (serial - 100_000) >>> 0,
      });
      assert.equal(old.rcode, 0);
      assert.deepEqual(old.records.map(recordText), full.records.map(recordText));
      const current = await transfer(primary.port, "example.test", "IXFR", {
        key: tsigKey(key),
        serial,
      });
      assert.deepEqual(current.records.map((r) => r.type), ["SOA"]);

      const logMark = primary.logs.length;
      await backends[1].stop();
      await waitFor("a new serial", () => primary.server.serial !== serial, 5_000);
      const diff = await transfer(primary.port, "example.test", "IXFR", {
        key: tsigKey(key),
        serial,
      });
      const texts = diff.records.map(recordText);
      // SOA(new), SOA(old), deleted www A 127.0.0.3, SOA(new), (nothing added), SOA(new)
      assert.deepEqual(diff.records.map((r) => r.type), ["SOA", "SOA", "A", "SOA", "SOA"]);
      assert.equal((diff.records[1].data as { serial: number }).serial, serial);
      assert.match(texts[2], /^www\.example\.test A \d+ "127\.0\.0\.3"$/);
      assert.ok(primary.logs.slice(logMark).some((line) => line.includes("type=ixfr ")));
      await backends[1].start();
    },
  );
});
