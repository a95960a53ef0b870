// RFC 1996 (NOTIFY), as healthy-dns sends it to configured secondaries: a
// fake secondary (a UDP socket of this test) receives the NOTIFY messages.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { decode, healthWithDown } from "../../scripts/bench/harness/zone_fixture.ts";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { DNS } from "../../src/wire/constants.ts";
import { FUDGE, readTsig, signMessage, verifyTsig } from "../../src/transfer/tsig.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { loopbackTransfer, tsigKey, zoneArgs } from "../../scripts/bench/harness/xfr_client.ts";

const KEY = {
  name: "xfr-key",
  algorithm: "hmac-sha256" as const,
  secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
};
const OPCODE_NOTIFY = 4;

interface Received {
  readonly at: number;
  readonly bytes: Uint8Array;
  readonly from: dgram.RemoteInfo;
}

describe("RFC 1996 NOTIFY to a secondary", () => {
  let socket: dgram.Socket;
  const received: Received[] = [];
  let server: TestServer;
  /** Whether the fake secondary acknowledges what it receives. */
  let acknowledge = false;
  /** The RCODE it answers with. */
  let rcode = 0;

  const notifies = (zone: string) =>
    received.filter((r) => decode(r.bytes).questions?.[0]?.name === zone);

  before(async () => {
    socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    socket.on("message", (message, from) => {
      const bytes = new Uint8Array(message);
      received.push({ at: performance.now(), bytes, from });
      if (!acknowledge) return;
      const tsig = readTsig(bytes);
      if (tsig === null || tsig === "formerr") return;
      // The answer: header and question only, QR set, signed over the request's MAC.
      let end = 12;
      while (bytes[end] !== 0) end += bytes[end] + 1;
      const reply = bytes.slice(0, end + 5);
      reply[2] |= DNS.FLAG_QR;
      reply[3] = rcode;
      reply.fill(0, 6, 12);
      const signed = signMessage(reply, tsigKey(KEY), tsig.mac, {
        timeSigned: Math.floor(Date.now() / 1000),
        fudge: FUDGE,
        originalId: tsig.originalId,
        error: 0,
        other: new Uint8Array(0),
      });
      socket.send(signed.message, from.port, from.address);
    });
    const port = (socket.address() as { port: number }).port;
    server = await startTestServer({
      args: zoneArgs({ www: { ips: ["192.0.2.1", "192.0.2.2"], health_port: 80 } }, [
        "example.net",
      ]),
      overrides: {
        transfer: loopbackTransfer(KEY, {
          secondaries: [{ address: "127.0.0.1", port, key: KEY.name }],
          allow: [],
        }),
      },
      health: ALL_HEALTHY,
    });
  });

  after(async () => {
    await server?.stop();
    socket?.close();
  });

  test(
    "at start-up: one NOTIFY per served zone, opcode NOTIFY, AA, SOA question, SOA hint, signed",
    { timeout: 30_000 },
    async () => {
      await waitFor(
        "a NOTIFY for each zone",
        () => notifies("example.test").length > 0 && notifies("example.net").length > 0,
        5_000,
      );
      for (const zone of ["example.test", "example.net"]) {
        const { bytes } = notifies(zone)[0];
        assert.equal((bytes[2] >> 3) & 0x0f, OPCODE_NOTIFY);
        assert.equal(bytes[2] & DNS.FLAG_QR, 0, "a request");
        assert.ok(bytes[2] & DNS.FLAG_AA, "AA set (RFC 1996 §3.7)");
        const message = decode(bytes);
        assert.equal(message.questions?.[0]?.type, "SOA");
        const soa = message.answers.find((r) => r.type === "SOA");
        assert.equal((soa?.data as { serial: number }).serial, server.server.serial);
        const tsig = readTsig(bytes);
        assert.ok(tsig !== null && tsig !== "formerr");
        assert.equal(
          verifyTsig(bytes, tsig, tsigKey(KEY), null, Math.floor(Date.now() / 1000)),
          "ok",
        );
      }
    },
  );

  test("unacknowledged: retried after about 1 s, then 2 s; acknowledged: no more", {
    timeout: 30_000,
  }, async () => {
    const zone = "example.test";
    await waitFor("a retry", () => notifies(zone).length >= 2, 5_000);
    const [first, second] = notifies(zone);
    const gap = second.at - first.at;
    assert.ok(gap >= 900 && gap < 2_000, `first retry after ${Math.round(gap)} ms`);
    assert.deepEqual(second.bytes.slice(0, 2), first.bytes.slice(0, 2), "the same query ID");
    acknowledge = true;
    const ackedFrom = performance.now();
    // Both zones retry on the same schedule: wait until each has had a send acknowledged
    // before counting, or the other zone's may land just after the count.
    await waitFor(
      "an acknowledged send for each zone (example.test's third, at +2 s)",
      () =>
        notifies(zone).length >= 3 &&
        notifies("example.net").some((r) => r.at >= ackedFrom),
      5_000,
    );
    const third = notifies(zone)[2];
    assert.ok(
      third.at - second.at >= 1_800,
      `second retry after ${Math.round(third.at - second.at)} ms`,
    );
    const count = received.length;
    await new Promise((resolve) => setTimeout(resolve, 4_500)); // the next retry would come at +4 s
    assert.equal(received.length, count, "nothing resent once acknowledged");
  });

  test("changes within a few ms share one NOTIFY per zone, for the final serial", {
    timeout: 30_000,
  }, async () => {
    const count = notifies("example.test").length;
    server.setHealth(healthWithDown("192.0.2.1"));
    server.setHealth(healthWithDown("192.0.2.1", "192.0.2.2"));
    server.setHealth(healthWithDown("192.0.2.2"));
    await waitFor("a NOTIFY for the change", () => notifies("example.test").length > count, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const fresh = notifies("example.test").slice(count);
    assert.equal(fresh.length, 1, "one NOTIFY for the three changes");
    const soa = decode(fresh[0].bytes).answers.find((r) => r.type === "SOA");
    assert.equal((soa?.data as { serial: number }).serial, server.server.serial);
  });

  test(
    "a secondary refusing the NOTIFY (REFUSED) gets no retries, and one warning per zone, not one per change",
    {
      timeout: 30_000,
    },
    async () => {
      rcode = 5; // REFUSED
      const warnings = () =>
        server.logs.filter((l) => l.includes("NOTIFY refused by the secondary"));
      for (const [round, down] of [["192.0.2.1"], ["192.0.2.2"]].entries()) {
        const count = notifies("example.test").length;
        server.setHealth(healthWithDown(...down));
        await waitFor(
          `round ${round}: a NOTIFY`,
          () => notifies("example.test").length > count,
          5_000,
        );
        await new Promise((resolve) => setTimeout(resolve, 1_500)); // a retry would come at +1 s
        assert.equal(notifies("example.test").length, count + 1, `round ${round}: no retry`);
      }
      assert.equal(
        warnings().filter((l) => / warning /.test(l) || /level=warning/.test(l)).length,
        2,
      );
    },
  );
});
