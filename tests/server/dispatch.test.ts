import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../src/observe/logger.ts";
import { createMetrics } from "../../src/observe/metrics.ts";
import { createDispatch, createQueryGuard } from "../../src/server/dispatch.ts";
import { answerQuery } from "../../src/answer/answer_query.ts";
import { fixtureSnapshot, makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

/** The client address a query came from. */
const from = (hostname: string) => ({ hostname, port: 53 });
const snapshot = Object.freeze({ serial: 7, refreshAt: null });
const QUERY = new Uint8Array(12);

describe("createDispatch", () => {
  test("drops queries before the first snapshot, counting them as not_ready", () => {
    const metrics = createMetrics();
    let called = false;
    const handle = createDispatch({
      current: () => null,
      answerQuery: () => {
        called = true;
        return QUERY;
      },
      metrics,
      logger: createLogger("critical", () => {}),
    });
    assert.equal(handle(QUERY, "udp", from("192.0.2.1")), null);
    assert.equal(called, false);
    assert.match(
      metrics.render(),
      /^healthy_dns_dropped_total\{transport="udp",reason="not_ready"\} 1$/m,
    );
  });

  test("answers from the snapshot current at the time of each query", () => {
    let current: typeof snapshot | { serial: number; refreshAt: null } = snapshot;
    const seen: number[] = [];
    const handle = createDispatch({
      current: () => current,
      answerQuery: (_q, s) => {
        seen.push(s.serial);
        return new Uint8Array([0, 0, 0x84, 3]);
      },
      metrics: createMetrics(),
      logger: createLogger("critical", () => {}),
    });
    handle(QUERY, "tcp", from("192.0.2.1"));
    current = { serial: 8, refreshAt: null };
    handle(QUERY, "tcp", from("192.0.2.1"));
    assert.deepEqual(seen, [7, 8]);
  });

  test("counts responses by RCODE and null answers as unanswerable", () => {
    const metrics = createMetrics();
    let reply: Uint8Array | null = new Uint8Array([0, 0, 0x84, 0x03]);
    const handle = createDispatch({
      current: () => snapshot,
      answerQuery: () => reply,
      metrics,
      logger: createLogger("critical", () => {}),
    });
    handle(QUERY, "udp", from("192.0.2.1"));
    reply = null;
    handle(QUERY, "udp", from("192.0.2.1"));
    const text = metrics.render();
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NXDOMAIN"\} 1$/m);
    assert.match(text, /^healthy_dns_dropped_total\{transport="udp",reason="unanswerable"\} 1$/m);
  });

  test("counts BADVERS (extended RCODE 16) as BADVERS, not NOERROR", async () => {
    const metrics = createMetrics();
    const snapshotOfZone = await fixtureSnapshot();
    const handle = createDispatch({
      current: () => ({ ...snapshotOfZone, refreshAt: null }),
      answerQuery,
      metrics,
      logger: createLogger("critical", () => {}),
    });
    handle(makeQuery("www.example.test", "A", { edns: { version: 1 } }), "udp", from("127.0.0.1"));
    handle(makeQuery("www.example.test", "A", { edns: {} }), "udp", from("127.0.0.1"));
    const text = metrics.render();
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="BADVERS"\} 1$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NOERROR"\} 1$/m);
  });

  test("never throws; logs an exception at the 1st, 10th and 100th occurrence only", () => {
    const lines: string[] = [];
    const metrics = createMetrics();
    const handle = createDispatch({
      current: () => snapshot,
      answerQuery: () => {
        throw new Error("bug");
      },
      metrics,
      logger: createLogger("debug", (line) => lines.push(line)),
    });
    for (let i = 0; i < 150; i++) assert.equal(handle(QUERY, "udp", from("192.0.2.1")), null);
    assert.deepEqual(lines.map((line) => line.match(/occurrences=(\d+)/)?.[1]), ["1", "10", "100"]);
    assert.match(
      metrics.render(),
      /^healthy_dns_dropped_total\{transport="udp",reason="error"\} 150$/m,
    );
  });

  describe("with the abuse guard (rate limit 2/s, slip 2, cookies)", () => {
    const clock = { now: () => 1_700_000_000_000, monotonic: () => 0 };
    const secret = new Uint8Array(16).fill(7);
    const RATE_LIMIT = {
      responsesPerSecond: 2,
      slip: 2,
      ipv4Prefix: 24,
      ipv6Prefix: 56,
      exempt: [],
    };
    /** A query for www.example.test A with EDNS and, when given, a COOKIE option (hex). */
    const query = (cookie: Uint8Array | null) => {
      const name = [
        3,
        119,
        119,
        119,
        7,
        101,
        120,
        97,
        109,
        112,
        108,
        101,
        4,
        116,
        101,
        115,
        116,
        0,
      ];
      const option = cookie === null ? [] : [0, 10, 0, cookie.length, ...cookie];
      return Uint8Array.from([
        0,
        9,
        1,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        1,
        ...name,
        0,
        1,
        0,
        1,
        0,
        0,
        41,
        4,
        208,
        0,
        0,
        0,
        0,
        option.length >> 8,
        option.length & 0xff,
        ...option,
      ]);
    };
    /** A fake answer path: echoes the question and OPT with the cookie it was handed, one answer counted. */
    const answer = (q: Uint8Array, _s: unknown, _t: unknown, cookie: Uint8Array | null) => {
      const opt = cookie === null ? [] : [0, 10, 0, cookie.length, ...cookie];
      return Uint8Array.from([
        q[0],
        q[1],
        0x84,
        0,
        0,
        1,
        0,
        1,
        0,
        0,
        0,
        1,
        ...q.subarray(12, 12 + 22),
        0,
        0,
        41,
        4,
        208,
        0,
        0,
        0,
        0,
        opt.length >> 8,
        opt.length & 0xff,
        ...opt,
      ]);
    };
    const setup = () => {
      const metrics = createMetrics();
      const guard = createQueryGuard(RATE_LIMIT, [secret], clock);
      const dispatch = createDispatch({
        current: () => snapshot,
        answerQuery: answer,
        metrics,
        logger: createLogger("critical", () => {}),
        guard: () => guard,
      });
      // Answer-path replies only: never a transfer stream here.
      const handle = (...args: Parameters<typeof dispatch>) =>
        dispatch(...args) as Uint8Array | null;
      return { metrics, handle };
    };

    test("UDP past the limit: dropped, every 2nd slipped with TC=1 and no records; TCP never limited", () => {
      const { metrics, handle } = setup();
      const results = Array.from(
        { length: 6 },
        () => handle(query(null), "udp", from("192.0.2.1")),
      );
      assert.equal(results.filter((r) => r !== null && (r[2] & 0x02) === 0).length, 2);
      const slipped = results.filter((r) => r !== null && (r[2] & 0x02) !== 0);
      assert.equal(slipped.length, 2);
      assert.equal(slipped[0]![7], 0, "no answer in a slipped response");
      assert.equal(results.filter((r) => r === null).length, 2);
      for (let i = 0; i < 10; i++) {
        assert.notEqual(handle(query(null), "tcp", from("192.0.2.1")), null);
      }
      const text = metrics.render();
      assert.match(text, /^healthy_dns_rrl_limited_total 4$/m);
      assert.match(text, /^healthy_dns_rrl_slipped_total 2$/m);
      assert.match(text, /^healthy_dns_dropped_total\{transport="udp",reason="rate_limited"\} 2$/m);
    });

    test("a client cookie gets a server cookie; with it the client is never limited", () => {
      const { metrics, handle } = setup();
      const client = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
      const first = handle(query(client), "udp", from("192.0.2.1"))!;
      const cookie = first.subarray(first.length - 24);
      assert.deepEqual(Array.from(cookie.subarray(0, 8)), Array.from(client));
      assert.equal(cookie[8], 1, "RFC 9018 version 1");
      for (let i = 0; i < 50; i++) {
        const r = handle(query(cookie), "udp", from("192.0.2.1"));
        assert.ok(r !== null && (r[2] & 0x02) === 0, `query ${i} answered in full`);
      }
      // From another address the same cookie is invalid, so that client is limited.
      const elsewhere = Array.from(
        { length: 6 },
        () => handle(query(cookie), "udp", from("198.51.100.1")),
      );
      assert.ok(elsewhere.some((r) => r === null));
      assert.match(metrics.render(), /^healthy_dns_cookies_total\{result="valid"\} 50$/m);
    });

    test("the transfer path goes through the same UDP rate limit (never slipped); a stream counts as NOERROR", () => {
      const metrics = createMetrics();
      // slip 1: every limited answer-path response would be slipped; the transfer path drops them.
      const guard = createQueryGuard({ ...RATE_LIMIT, slip: 1 }, [secret], clock);
      const signed = answer(query(null), null, null, null);
      const stream = { next: () => null, close: () => {} };
      let answered = 0;
      const handle = createDispatch({
        current: () => snapshot,
        answerQuery: () => {
          throw new Error("the answer path must not see a transfer query");
        },
        transfer: {
          wants: () => true,
          answer: (_q, transport) => (answered++, transport === "tcp" ? stream : signed),
        },
        guard: () => guard,
        metrics,
        logger: createLogger("critical", () => {}),
      });
      const results = Array.from(
        { length: 5 },
        () => handle(query(null), "udp", from("192.0.2.1")),
      );
      assert.equal(answered, 5);
      assert.equal(results.filter((r) => r === signed).length, 2);
      assert.equal(
        results.filter((r) => r === null).length,
        3,
        "over the limit: dropped, not slipped",
      );
      assert.equal(handle(query(null), "tcp", from("192.0.2.1")), stream);
      const text = metrics.render();
      assert.match(text, /^healthy_dns_rrl_limited_total 3$/m);
      assert.match(text, /^healthy_dns_rrl_slipped_total 0$/m);
      assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NOERROR"\} 2$/m);
      assert.match(text, /^healthy_dns_responses_total\{transport="tcp",rcode="NOERROR"\} 1$/m);
    });

    test("a limited client that sent only a client cookie is slipped as BADCOOKIE with a fresh cookie", () => {
      const { handle } = setup();
      const client = Uint8Array.from([9, 9, 9, 9, 9, 9, 9, 9]);
      const results = Array.from(
        { length: 4 },
        () => handle(query(client), "udp", from("192.0.2.1")),
      );
      const slip = results[3]!;
      assert.equal(slip[3] & 0x0f, 23 & 0x0f, "header RCODE of BADCOOKIE");
      const opt = slip.length - 11 - 28;
      assert.equal(slip[opt + 5], 23 >> 4, "OPT extended RCODE of BADCOOKIE");
      assert.equal(slip[2] & 0x02, 0, "BADCOOKIE, not TC");
      assert.equal(slip[slip.length - 24 + 8], 1, "a fresh server cookie");
    });
  });
});
