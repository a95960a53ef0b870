// RFC 5936 (AXFR) and RFC 1995 (IXFR) as healthy-dns answers them to a
// client holding a valid key: message layout, the zone between two SOAs,
// and the answers for what is not a transfer it serves.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { RCODE_NOTAUTH } from "../../src/transfer/tsig.ts";
import { DNS } from "../../src/wire/constants.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import {
  loopbackTransfer,
  transfer,
  tsigKey,
  zoneArgs,
} from "../../scripts/bench/harness/xfr_client.ts";

const KEY = {
  name: "xfr-key",
  algorithm: "hmac-sha256" as const,
  secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
};
const NAMES = 1_500;

describe("RFC 5936 AXFR and RFC 1995 IXFR", () => {
  let server: TestServer;

  before(async () => {
    const records = Object.fromEntries(
      Array.from(
        { length: NAMES },
        (_, i) => [`host${i}`, [`192.0.2.${i % 250}`, `2001:db8::${i}`]],
      ),
    );
    server = await startTestServer({
      args: zoneArgs(records, ["example.net"]),
      overrides: {
        transfer: loopbackTransfer(KEY),
      },
      health: ALL_HEALTHY,
    });
  }, { timeout: 60_000 });

  after(() => server?.stop());

  test(
    "AXFR: SOA first and last, every record once, several messages each ≤ 64 KiB with the question and AA",
    {
      timeout: 30_000,
    },
    async () => {
      for (const zone of ["example.test", "example.net"]) {
        const result = await transfer(server.port, zone, "AXFR", { key: tsigKey(KEY) });
        assert.equal(result.rcode, 0);
        const types = result.records.map((r) => r.type);
        assert.equal(types[0], "SOA");
        assert.equal(types.at(-1), "SOA");
        assert.equal(types.filter((t) => t === "SOA").length, 2);
        assert.equal(result.records.length, 2 + 1 + 2 * NAMES, "SOA, NS, A + AAAA per name, SOA");
        const texts = new Set(
          result.records.slice(1, -1).map((r) => `${r.name} ${r.type} ${JSON.stringify(r.data)}`),
        );
        assert.equal(texts.size, result.records.length - 2, "no record twice");
        assert.ok(result.messages > 1, `${result.messages} message(s)`);
        for (const message of result.raw) {
          assert.ok(message.length <= 65_535);
          assert.ok(message[2] & DNS.FLAG_AA);
          assert.equal((message[4] << 8) | message[5], 1, "the question in every message");
        }
      }
    },
  );

  test(
    "IXFR from the current serial: the SOA alone; over UDP: the SOA alone",
    { timeout: 30_000 },
    async () => {
      const serial = server.server.serial;
      const tcp = await transfer(server.port, "example.test", "IXFR", {
        key: tsigKey(KEY),
        serial,
      });
      assert.deepEqual(tcp.records.map((r) => r.type), ["SOA"]);
      assert.equal((tcp.records[0].data as { serial: number }).serial, serial);
      const udp = await transfer(server.port, "example.test", "IXFR", {
        key: tsigKey(KEY),
        serial: (serial - 10) >>> 0,
        udp: true,
      });
      assert.equal(udp.rcode, 0);
      assert.deepEqual(udp.records.map((r) => r.type), ["SOA"], "an older serial over UDP");
    },
  );

  test(
    "not a transfer we serve: a name below the apex or another zone is NOTAUTH; AXFR over UDP is NOTIMP; class CH is REFUSED",
    {
      timeout: 30_000,
    },
    async () => {
      for (const zone of ["host1.example.test", "example.org"]) {
        const result = await transfer(server.port, zone, "AXFR", { key: tsigKey(KEY) });
        assert.equal(result.rcode, RCODE_NOTAUTH, zone);
        assert.equal(result.records.length, 0);
      }
      const udp = await transfer(server.port, "example.test", "AXFR", {
        key: tsigKey(KEY),
        udp: true,
      });
      assert.equal(udp.rcode, DNS.RCODE_NOTIMP);
      const chaos = await transfer(server.port, "example.test", "AXFR", {
        key: tsigKey(KEY),
        qclass: "CH",
      });
      assert.equal(chaos.rcode, DNS.RCODE_REFUSED, "class CH");
    },
  );

  test("without a key: REFUSED every time, logged once a minute per source, each counted", {
    timeout: 30_000,
  }, async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await transfer(server.port, "example.test", "AXFR")).rcode, DNS.RCODE_REFUSED);
    }
    // With the class CH refusal above: six refusals from 127.0.0.1 within a minute, one line.
    const logged = server.logs.filter((line) => line.includes("zone transfer refused"));
    assert.equal(logged.length, 1, logged.join("\n"));
    assert.match(
      server.server.metrics.render(),
      /^healthy_dns_zone_transfers_total\{type="axfr",outcome="refused"\} 6$/m,
    );
  });
});
