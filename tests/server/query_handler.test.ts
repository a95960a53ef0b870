import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../src/observe/logger.ts";
import { createMetrics } from "../../src/observe/metrics.ts";
import { createQueryHandler } from "../../src/server/query_handler.ts";

const snapshot = Object.freeze({ serial: 7, refreshAt: null });
const QUERY = new Uint8Array(12);

describe("createQueryHandler", () => {
  test("drops queries before the first snapshot, counting them as not_ready", () => {
    const metrics = createMetrics();
    let called = false;
    const handle = createQueryHandler(
      () => null,
      () => {
        called = true;
        return QUERY;
      },
      metrics,
      createLogger("critical", () => {}),
    );
    assert.equal(handle(QUERY, "udp", "192.0.2.1"), null);
    assert.equal(called, false);
    assert.match(
      metrics.render(),
      /^healthy_dns_dropped_total\{transport="udp",reason="not_ready"\} 1$/m,
    );
  });

  test("answers from the snapshot current at the time of each query", () => {
    let current: typeof snapshot | { serial: number; refreshAt: null } = snapshot;
    const seen: number[] = [];
    const handle = createQueryHandler(
      () => current,
      (_q, s) => {
        seen.push(s.serial);
        return new Uint8Array([0, 0, 0x84, 3]);
      },
      createMetrics(),
      createLogger("critical", () => {}),
    );
    handle(QUERY, "tcp", "192.0.2.1");
    current = { serial: 8, refreshAt: null };
    handle(QUERY, "tcp", "192.0.2.1");
    assert.deepEqual(seen, [7, 8]);
  });

  test("counts responses by RCODE and null answers as unanswerable", () => {
    const metrics = createMetrics();
    let reply: Uint8Array | null = new Uint8Array([0, 0, 0x84, 0x03]);
    const handle = createQueryHandler(
      () => snapshot,
      () => reply,
      metrics,
      createLogger("critical", () => {}),
    );
    handle(QUERY, "udp", "192.0.2.1");
    reply = null;
    handle(QUERY, "udp", "192.0.2.1");
    const text = metrics.render();
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NXDOMAIN"\} 1$/m);
    assert.match(text, /^healthy_dns_dropped_total\{transport="udp",reason="unanswerable"\} 1$/m);
  });

  test("never throws; logs an exception at the 1st, 10th and 100th occurrence only", () => {
    const lines: string[] = [];
    const metrics = createMetrics();
    const handle = createQueryHandler(
      () => snapshot,
      () => {
        throw new Error("bug");
      },
      metrics,
      createLogger("debug", (line) => lines.push(line)),
    );
    for (let i = 0; i < 150; i++) assert.equal(handle(QUERY, "udp", "192.0.2.1"), null);
    assert.deepEqual(lines.map((line) => line.match(/occurrences=(\d+)/)?.[1]), ["1", "10", "100"]);
    assert.match(
      metrics.render(),
      /^healthy_dns_dropped_total\{transport="udp",reason="error"\} 150$/m,
    );
  });
});
