import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectEndpoints } from "../../src/health/endpoints.ts";
import { probeEndpoints } from "../../src/health/probes.ts";
import { fakeDialer } from "./fixtures/fake_dialer.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";
import { systemClock } from "../../src/runtime/runtime.ts";

/** `count` distinct endpoints 10.0.x.y:80 under one name. */
function endpoints(count: number) {
  const addresses = Array.from({ length: count }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
  return collectEndpoints(healthConfig([{ name: "www", addresses, port: 80 }]));
}

describe("probeEndpoints", () => {
  test("never has more than `concurrency` dials in flight, and uses all of them", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 20 }));
    const signal = new AbortController().signal;
    const probes = await probeEndpoints(endpoints(40), dialer.dial, systemClock, {
      concurrency: 5,
      spreadMs: 0,
      signal,
    });
    assert.equal(probes.length, 40);
    assert.equal(dialer.calls.length, 40);
    assert.equal(dialer.maxInFlight, 5);
  });

  test("runs dead endpoints in parallel: 50 × 100 ms with concurrency 50 takes ≈ 100 ms", async () => {
    const dialer = fakeDialer(() => ({ ok: false, ms: 100 }));
    const signal = new AbortController().signal;
    const startedAt = performance.now();
    const probes = await probeEndpoints(endpoints(50), dialer.dial, systemClock, {
      concurrency: 50,
      spreadMs: 0,
      signal,
    });
    const took = performance.now() - startedAt;
    assert.ok(probes.every((p) => !p.result.ok));
    assert.ok(took < 400, `cycle took ${took} ms`);
  });

  test("spreads starts evenly over spreadMs and returns results in endpoint order", async () => {
    const dialer = fakeDialer((address) => ({ ok: address.endsWith(".1"), ms: 1 }));
    const signal = new AbortController().signal;
    const list = endpoints(10);
    const probes = await probeEndpoints(list, dialer.dial, systemClock, {
      concurrency: 10,
      spreadMs: 200,
      signal,
    });
    assert.deepEqual(probes.map((p) => p.endpoint), list);
    assert.deepEqual(probes.map((p) => p.result.ok), list.map((e) => e.address === "10.0.0.1"));
    const offsets = dialer.startedAt.map((t) => t - dialer.startedAt[0]);
    // Probe i starts no earlier than 200 * i / 10 ms; the last one near 180 ms.
    offsets.forEach((offset, i) =>
      assert.ok(offset >= 20 * i - 5, `probe ${i} started at +${offset} ms`)
    );
    assert.ok(offsets[9] < 400, `last probe started at +${offsets[9]} ms`);
  });

  test("abort skips probes not yet started", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 1 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const probes = await probeEndpoints(endpoints(10), dialer.dial, systemClock, {
      concurrency: 10,
      spreadMs: 1000,
      signal: controller.signal,
    });
    assert.ok(probes.length >= 1 && probes.length < 10, `${probes.length} probes ran`);
    assert.equal(dialer.calls.length, probes.length);
  });

  test("a dialer that throws counts as a failure with reason error", async () => {
    const signal = new AbortController().signal;
    const probes = await probeEndpoints(
      endpoints(1),
      () => Promise.reject(new Error("boom")),
      systemClock,
      {
        concurrency: 1,
        spreadMs: 0,
        signal,
      },
    );
    assert.equal(probes.length, 1);
    const result = probes[0].result;
    assert.ok(!result.ok && result.reason === "error" && result.detail === "boom");
  });
});
