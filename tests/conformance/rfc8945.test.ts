// RFC 8945 (TSIG) on healthy-dns's transfer path: signed answers to signed
// queries, the error answers (BADKEY, BADSIG unsigned; BADTIME signed with
// the server's time), and a signed UDP answer that must still fit. Without a
// transfer config no key is known: every signed query gets BADKEY.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import {
  FUDGE,
  RCODE_NOTAUTH,
  readTsig,
  signMessage,
  TSIG_ERROR,
  verifyTsig,
} from "../../src/transfer/tsig.ts";
import { DNS } from "../../src/wire/constants.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { loopbackTransfer, tsigKey, zoneArgs } from "../../scripts/bench/harness/xfr_client.ts";
import { decode, makeQuery, testConfig } from "../../scripts/bench/harness/zone_fixture.ts";
import { type OpenExchange, openExchange } from "../../scripts/bench/harness/exchange.ts";
import { appendRecord, aRecord, tsigRecord } from "../helpers/raw_records.ts";

const KEY = {
  name: "xfr-key",
  algorithm: "hmac-sha512" as const,
  secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0",
};
const MANY = Array.from({ length: 28 }, (_, i) => `192.0.2.${i + 1}`);
const now = () => Math.floor(Date.now() / 1000);

/** `query` signed with KEY at `timeSigned`; returns the bytes and the request MAC. */
function signed(query: Uint8Array, timeSigned = now(), key = tsigKey(KEY)) {
  const id = (query[0] << 8) | query[1];
  return signMessage(query, key, null, {
    timeSigned,
    fudge: FUDGE,
    originalId: id,
    error: 0,
    other: new Uint8Array(0),
  });
}

describe("RFC 8945 TSIG", () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      args: zoneArgs({ www: ["192.0.2.1"], many: MANY }),
      overrides: {
        transfer: loopbackTransfer(KEY),
      },
      health: ALL_HEALTHY,
    });
  });

  after(() => server?.stop());

  test("a signed SOA query gets the usual answer, signed over the request's MAC (§5.3)", async () => {
    for (const transport of ["udp", "tcp"] as const) {
      const request = signed(makeQuery("example.test", "SOA"));
      const response = (await server.query(request.message, transport))!;
      assert.equal(decode(response).answers[0].type, "SOA", transport);
      const tsig = readTsig(response);
      assert.ok(tsig !== null && tsig !== "formerr", transport);
      assert.equal(tsig.error, 0);
      assert.equal(verifyTsig(response, tsig, tsigKey(KEY), request.mac, now()), "ok", transport);
    }
  });

  test("the time outside ±300 s: NOTAUTH, BADTIME, signed, the server's time in Other Data (§5.2.3)", async () => {
    const sent = now() - 1_000;
    const request = signed(makeQuery("example.test", "SOA"), sent);
    const response = (await server.query(request.message, "udp"))!;
    assert.equal(response[3] & 0x0f, RCODE_NOTAUTH);
    const tsig = readTsig(response);
    assert.ok(tsig !== null && tsig !== "formerr");
    assert.equal(tsig.error, TSIG_ERROR.BADTIME);
    assert.equal(tsig.timeSigned, sent, "Time Signed is the request's");
    assert.equal(tsig.other.length, 6);
    const serverTime = tsig.other[0] * 2 ** 40 + tsig.other[1] * 2 ** 32 +
      new DataView(tsig.other.buffer, tsig.other.byteOffset + 2, 4).getUint32(0);
    assert.ok(Math.abs(serverTime - now()) <= 2, `server time ${serverTime}`);
    // Verified with the request's MAC, at the request's time (the MAC is good; only the clock differs).
    assert.equal(verifyTsig(response, tsig, tsigKey(KEY), request.mac, sent), "ok");
  });

  test("an unknown key: BADKEY; a wrong MAC: BADSIG; both unsigned (§5.2.1, §5.2.2)", async () => {
    const other = tsigKey({ ...KEY, name: "other-key" });
    const badkey =
      (await server.query(signed(makeQuery("example.test", "SOA"), now(), other).message, "udp"))!;
    const wrong = tsigKey({ ...KEY, secret: "d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZ3dyb25n" });
    const badsig =
      (await server.query(signed(makeQuery("example.test", "SOA"), now(), wrong).message, "udp"))!;
    for (
      const [response, error] of [[badkey, TSIG_ERROR.BADKEY], [badsig, TSIG_ERROR.BADSIG]] as const
    ) {
      assert.equal(response[3] & 0x0f, RCODE_NOTAUTH);
      const tsig = readTsig(response);
      assert.ok(tsig !== null && tsig !== "formerr");
      assert.deepEqual([tsig.error, tsig.mac.length], [error, 0]);
      assert.equal(decode(response).answers.length, 0);
    }
  });

  test("a signed UDP answer that would not fit 512 bytes with its TSIG is truncated (TC), still signed", async () => {
    const plain = (await server.query(makeQuery("many.example.test", "A"), "udp"))!;
    assert.equal(plain[2] & DNS.FLAG_TC, 0, "unsigned it fits");
    const request = signed(makeQuery("many.example.test", "A"));
    const response = (await server.query(request.message, "udp"))!;
    assert.ok(response.length <= 512, `${response.length} bytes`);
    assert.ok(response[2] & DNS.FLAG_TC, "TC set: retry over TCP");
    const tsig = readTsig(response);
    assert.ok(tsig !== null && tsig !== "formerr");
    assert.equal(verifyTsig(response, tsig, tsigKey(KEY), request.mac, now()), "ok");
    const overTcp =
      (await server.query(signed(makeQuery("many.example.test", "A")).message, "tcp"))!;
    assert.equal(decode(overTcp).answers.length, MANY.length);
  });

  test("forged TSIG records over UDP are rate-limited like any answer (no unlimited reflection)", {
    timeout: 30_000,
  }, async () => {
    const limited = await startTestServer({
      args: zoneArgs({ www: ["192.0.2.1"] }),
      overrides: {
        transfer: loopbackTransfer(KEY, { allow: [] }),
        rateLimit: { responsesPerSecond: 5, slip: 0, ipv4Prefix: 24, ipv6Prefix: 56, exempt: [] },
      },
      health: ALL_HEALTHY,
    });
    try {
      const forged = signed(
        makeQuery("example.test", "SOA"),
        now(),
        tsigKey({ ...KEY, name: "forged" }),
      );
      // 40 at once from one socket; wait until the server has answered or dropped
      // every one and every answer it sent has arrived.
      const socket = dgram.createSocket("udp4");
      let answered = 0;
      socket.on("message", () => answered++);
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
      /** The sum of the UDP samples of counter `name` (optionally of one reason). */
      const udpCount = (name: string, reason = "") =>
        limited.server.metrics.render().split("\n")
          .filter((line) =>
            line.startsWith(`${name}{transport="udp"`) &&
            (reason === "" || line.includes(`reason="${reason}"`))
          )
          .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
      try {
        for (let i = 0; i < 40; i++) socket.send(forged.message, limited.port, "127.0.0.1");
        await waitFor(
          "all 40 answered or dropped",
          () =>
            udpCount("healthy_dns_responses_total") +
                udpCount("healthy_dns_dropped_total", "rate_limited") === 40,
          10_000,
        );
        const sent = udpCount("healthy_dns_responses_total");
        await waitFor(`the ${sent} answers sent to arrive`, () => answered === sent, 5_000);
      } finally {
        socket.close();
      }
      assert.ok(answered > 0 && answered < 20, `${answered} of 40 BADKEY answers sent`);
      assert.match(limited.server.metrics.render(), /reason="rate_limited"\} [1-9]/);
    } finally {
      await limited.stop();
    }
  });
});

describe("RFC 8945 without a transfer config: no key is known", () => {
  let open: OpenExchange;
  before(async () => {
    open = await openExchange({ config: testConfig(), key: null });
  });
  after(() => open.close());

  test("§5.2: an unknown key gets NOTAUTH with an unsigned TSIG, error BADKEY, on UDP and TCP", async () => {
    const q = makeQuery("www.example.test", "A", { id: 0x2468 });
    const signed = appendRecord(q, "additional", tsigRecord("transfer.key", 0x2468));
    for (const transport of ["udp", "tcp"] as const) {
      const out = (await open.exchange(signed, transport))!;
      assert.equal(out[3] & 0x0f, 9, "NOTAUTH");
      assert.equal(out[2] & 0x04, 0, "AA clear");
      assert.equal((out[6] << 8) | out[7], 0, "no answer");
      assert.equal((out[10] << 8) | out[11], 1, "the TSIG only");
      const tsig = out.subarray(q.length);
      const owner = 14; // 8 transfer 3 key 0
      assert.deepEqual([...tsig.subarray(owner, owner + 4)], [0, 250, 0, 255], "TSIG, class ANY");
      const rdata = tsig.subarray(owner + 10);
      const macSizeAt = 13 + 8; // algorithm name hmac-sha256 (13), time signed, fudge
      assert.equal((rdata[macSizeAt] << 8) | rdata[macSizeAt + 1], 0, "MAC size 0: unsigned");
      assert.equal((rdata[macSizeAt + 2] << 8) | rdata[macSizeAt + 3], 0x2468, "original ID");
      assert.equal((rdata[macSizeAt + 4] << 8) | rdata[macSizeAt + 5], 17, "BADKEY");
      assert.ok(out.length < signed.length, "smaller than the request");
    }
  });
  test("§5.2: a TSIG that is not the last record is FORMERR", async () => {
    const q = makeQuery("www.example.test", "A", { id: 4 });
    const first = appendRecord(q, "additional", tsigRecord("k", 4));
    const notLast = appendRecord(first, "additional", aRecord([0xc0, 12]));
    assert.equal((await open.exchange(notLast, "udp"))![3] & 0x0f, 1);
  });
});
