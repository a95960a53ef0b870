// Name servers with addresses (docs/configuration.md "Name servers"): an
// in-zone name server's addresses are answered as its A and AAAA over UDP
// and TCP, in the hosted and the alias zone, and stay served while a
// health-checked name beside them has no healthy address (they are never probed).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import dnsPacket from "dns-packet";
import {
  freePort,
  startTestServer,
  type TestServer,
} from "../../scripts/bench/harness/server_harness.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

describe("an in-zone name server with addresses", () => {
  let dir: string;
  let s: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-ns-"));
    const config = join(dir, "zone.yaml");
    writeFileSync(
      config,
      [
        "zone: example.test",
        "alias_zones: [example.net]",
        "name_servers:",
        '  - {name: ns1.example.test, addresses: [192.0.2.53, "2001:db8::53"]}',
        "  - ns2.elsewhere.test",
        "health: {interval: 30s, timeout: 200ms}",
        "records:",
        // Nothing listens there: www has no healthy address.
        `  www: {addresses: [127.0.0.1], health_port: ${await freePort()}}`,
        "",
      ].join("\n"),
    );
    s = await startTestServer({ args: ["--config", config] });
  });
  after(async () => {
    await s?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const answer = async (name: string, type: string, transport: "udp" | "tcp") => {
    const response = await s.query(makeQuery(name, type), transport);
    assert.ok(response !== null, `${name} ${type} over ${transport}: a response`);
    const decoded = dnsPacket.decode(Buffer.from(response)) as dnsPacket.Packet & {
      rcode?: string;
    };
    return {
      rcode: decoded.rcode,
      aa: ((decoded.flags ?? 0) & dnsPacket.AUTHORITATIVE_ANSWER) !== 0,
      data: (decoded.answers ?? []).map((record) => String((record as { data: unknown }).data)),
    };
  };

  for (const transport of ["udp", "tcp"] as const) {
    test(`answers its A and AAAA, authoritatively, in every served zone (${transport})`, async () => {
      for (const zone of ["example.test", "example.net"]) {
        assert.deepEqual(await answer(`ns1.${zone}`, "A", transport), {
          rcode: "NOERROR",
          aa: true,
          data: ["192.0.2.53"],
        });
        assert.deepEqual(await answer(`NS1.${zone}`, "AAAA", transport), {
          rcode: "NOERROR",
          aa: true,
          data: ["2001:db8::53"],
        });
      }
    });
  }

  test("the apex NS lists both name servers; the health-checked name beside it is down", async () => {
    assert.deepEqual((await answer("example.test", "NS", "udp")).data, [
      "ns1.example.test",
      "ns2.elsewhere.test",
    ]);
    assert.deepEqual(await answer("www.example.test", "A", "udp"), {
      rcode: "NOERROR",
      aa: true,
      data: [],
    });
  });
});
