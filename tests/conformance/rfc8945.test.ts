// RFC 8945 (TSIG) on healthy-dns's transfer path: signed answers to signed
// queries, the error answers (BADKEY, BADSIG unsigned; BADTIME signed with
// the server's time), and a signed UDP answer that must still fit.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { ALL_HEALTHY } from "../../src/health/health_view.ts";
import {
  FUDGE,
  RCODE_NOTAUTH,
  readTsig,
  signMessage,
  TSIG_ERROR,
  verifyTsig,
} from "../../src/transfer/tsig.ts";
import { DNS } from "../../src/wire/dns_constants.ts";
import { startTestServer, type TestServer } from "../helpers/server_harness.ts";
import { tsigKey, zoneArgs } from "../helpers/xfr_client.ts";
import { decode, makeQuery } from "../helpers/zone_fixture.ts";

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
        transfer: {
          tsigKeys: [KEY],
          secondaries: [],
          allow: [{ address: "127.0.0.1", prefix: 32 }],
        },
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
        transfer: { tsigKeys: [KEY], secondaries: [], allow: [] },
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
      // 40 at once from one socket, then count the answers that came within a second.
      const socket = dgram.createSocket("udp4");
      let answered = 0;
      socket.on("message", () => answered++);
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
      for (let i = 0; i < 40; i++) socket.send(forged.message, limited.port, "127.0.0.1");
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      socket.close();
      assert.ok(answered > 0 && answered < 20, `${answered} of 40 BADKEY answers sent`);
      assert.match(limited.server.metrics.render(), /reason="rate_limited"\} [1-9]/);
    } finally {
      await limited.stop();
    }
  });
});
