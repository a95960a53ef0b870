import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { DEFAULTS } from "../../src/config/config.ts";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { startTestServer, type TestServer } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";
import { messageEnd } from "../../scripts/bench/harness/dns_fuzz.ts";

const BURST = 2_000;
const LIMIT = 20;

/** The value of one sample in the Prometheus text, 0 when absent. */
function sample(text: string, line: RegExp): number {
  const match = text.match(line);
  return match === null ? 0 : Number(match[1]);
}

/** What the server says it did with UDP queries: responses sent and queries dropped for the rate limit. */
function udpOutcomes(s: TestServer) {
  const text = s.server.metrics.render();
  const sent = [...text.matchAll(/^healthy_dns_responses_total\{transport="udp",[^}]*\} (\d+)$/gm)]
    .reduce((sum, m) => sum + Number(m[1]), 0);
  return {
    sent,
    dropped: sample(
      text,
      /^healthy_dns_dropped_total\{transport="udp",reason="rate_limited"\} (\d+)$/m,
    ),
    limited: sample(text, /^healthy_dns_rrl_limited_total (\d+)$/m),
    slipped: sample(text, /^healthy_dns_rrl_slipped_total (\d+)$/m),
  };
}

/**
 * Sends `count` queries (IDs 0..count-1) from one UDP socket, in batches of
 * 50 sent back to back (a batch waits until the server has handled the one
 * before, so the kernel's socket buffers never drop any: the server runs in
 * this process), and collects every reply the server sent.
 */
async function burst(s: TestServer, count: number, query: (id: number) => Uint8Array) {
  const socket = dgram.createSocket("udp4");
  const replies: Buffer[] = [];
  socket.on("message", (message) => replies.push(message));
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const start = udpOutcomes(s);
  const handled = () => {
    const now = udpOutcomes(s);
    return now.sent - start.sent + now.dropped - start.dropped;
  };
  const startedAt = performance.now();
  try {
    for (let id = 0; id < count;) {
      const end = Math.min(count, id + 50);
      for (; id < end; id++) {
        await new Promise<void>((resolve, reject) =>
          socket.send(
            query(id),
            s.port,
            "127.0.0.1",
            (error) => (error ? reject(error) : resolve()),
          )
        );
      }
      await waitFor(`the server to handle ${end} queries`, () => handled() >= end, 10_000);
    }
    const seconds = (performance.now() - startedAt) / 1000;
    const sent = udpOutcomes(s).sent - start.sent;
    await waitFor("every reply to arrive", () => replies.length >= sent, 10_000);
    return { replies, seconds };
  } finally {
    socket.close();
  }
}

describe("response rate limiting (contract §4), over real sockets", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      args: ["--demo"],
      health: ALL_HEALTHY,
      // Loopback is exempt by default: these tests send from 127.0.0.1, so nothing is.
      overrides: {
        rateLimit: { ...DEFAULTS.rateLimit, responsesPerSecond: LIMIT, slip: 2, exempt: [] },
      },
    });
  });
  after(() => s.stop());

  test("a 2,000-query burst from one source is mostly dropped or truncated; TCP still answers", {
    timeout: 60_000,
  }, async () => {
    const { replies, seconds } = await burst(
      s,
      BURST,
      (id) => makeQuery("www.example.test", "A", { id }),
    );
    const full = replies.filter((r) => (r[2] & 0x02) === 0 && ((r[6] << 8) | r[7]) > 0);
    const truncated = replies.filter((r) => (r[2] & 0x02) !== 0);
    // One second's worth at once, then the refill over the burst's duration.
    assert.ok(
      full.length <= LIMIT + Math.ceil(LIMIT * seconds) + 1,
      `${full.length} full answers in ${seconds} s`,
    );
    assert.ok(full.length >= LIMIT, `the first ${LIMIT} answered, got ${full.length}`);
    // Every 2nd limited response slips: truncated, question only, no answer.
    const limited = BURST - full.length;
    assert.ok(
      Math.abs(truncated.length - limited / 2) <= 1,
      `${truncated.length} of ${limited} slipped`,
    );
    for (const r of truncated) {
      assert.equal((r[6] << 8) | r[7], 0, "a slipped reply carries no answer");
    }
    assert.ok(BURST - full.length >= 0.9 * BURST, "mostly limited");
    const outcomes = udpOutcomes(s);
    assert.equal(outcomes.limited, limited);
    assert.equal(outcomes.slipped, truncated.length);
    // TCP is never limited.
    for (let i = 0; i < 30; i++) {
      const response = await s.query(makeQuery("www.example.test", "A", { id: 9000 + i }), "tcp");
      assert.ok(response !== null && ((response[6] << 8) | response[7]) === 1, `TCP answer ${i}`);
    }
  });

  test("rotating the query type (DO=1) does not escape the limit: NODATA is grouped per name", {
    timeout: 60_000,
  }, async () => {
    // Issue 21: qtype 1..60000 at one name got 9,994 of 9,996 full NODATA answers.
    const { replies, seconds } = await burst(s, 1_000, (id) => {
      const bytes = makeQuery("static.example.test", "A", { id, edns: { dnssecOk: true } });
      const at = bytes.length - 11 - 4; // QTYPE, before the 11-octet OPT record
      const qtype = 1000 + id * 59; // none of them has records at the name
      bytes[at] = qtype >> 8;
      bytes[at + 1] = qtype & 0xff;
      return bytes;
    });
    const nodata = replies.filter((r) =>
      (r[2] & 0x02) === 0 && (r[3] & 0x0f) === 0 && ((r[6] << 8) | r[7]) === 0
    );
    assert.ok(
      nodata.length <= LIMIT + Math.ceil(LIMIT * seconds) + 1,
      `${nodata.length} full NODATA answers of 1,000 in ${seconds} s`,
    );
    assert.ok(nodata.length >= 1, "the first ones are answered");
  });

  test(
    "slipped error replies without a question parse to their last octet",
    { timeout: 60_000 },
    async () => {
      // Opcode 8 with QDCOUNT 0 and an OPT: NOTIMP, no question to echo (issue 16).
      const query = (id: number) => {
        const bytes = Buffer.from(
          "bdbf46be0001000000000001047a6f6e6506616363657074047465737400000600010000290200000080000000",
          "hex",
        );
        bytes.writeUInt16BE(id, 0);
        return new Uint8Array(bytes);
      };
      const { replies } = await burst(s, 200, query);
      const slipped = replies.filter((r) => (r[2] & 0x02) !== 0);
      assert.ok(slipped.length >= 50, `${slipped.length} of ${replies.length} replies slipped`);
      for (const r of replies) {
        assert.equal(
          messageEnd(r),
          r.length,
          `reply ${r.toString("hex")} parses to its last octet`,
        );
        assert.equal(r[3] & 0x0f, 4, "NOTIMP");
      }
      for (const r of slipped) assert.equal(r[11], 1, "the OPT is kept and counted");
    },
  );

  test("another kind of response from the same source has its own bucket", async () => {
    const response = await s.query(makeQuery("static.example.test", "A", { id: 1 }), "udp");
    assert.ok(response !== null && ((response[6] << 8) | response[7]) > 0);
  });
});

describe("loopback is exempt by default", () => {
  test("--rate-limit 20 without an exempt list answers every query of a burst from 127.0.0.1", {
    timeout: 60_000,
  }, async () => {
    const s = await startTestServer({
      args: ["--demo", "--rate-limit", "20"],
      health: ALL_HEALTHY,
    });
    try {
      const { replies } = await burst(s, 500, (id) => makeQuery("www.example.test", "A", { id }));
      assert.equal(replies.length, 500);
      const full = replies.filter((r) => (r[2] & 0x02) === 0 && ((r[6] << 8) | r[7]) > 0);
      assert.equal(full.length, 500, `${full.length} of 500 answered in full`);
      assert.equal(udpOutcomes(s).limited, 0);
    } finally {
      await s.stop();
    }
  });
});

describe("rate limiting configured off", () => {
  test("responses_per_second 0 answers every query of a burst", { timeout: 60_000 }, async () => {
    const s = await startTestServer({
      args: ["--demo", "--rate-limit", "0"],
      health: ALL_HEALTHY,
    });
    try {
      const { replies } = await burst(s, 500, (id) => makeQuery("www.example.test", "A", { id }));
      assert.equal(replies.length, 500);
      assert.ok(replies.every((r) => (r[2] & 0x02) === 0));
    } finally {
      await s.stop();
    }
  });
});
