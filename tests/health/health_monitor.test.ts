import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { HealthMonitor } from "../../src/health/health_monitor.ts";
import type { HealthState } from "../../src/health/health_state.ts";
import { createLogger, SILENT_LOGGER } from "../../src/observe/logger.ts";
import { type BlackHoles, openBlackHoles } from "../../scripts/bench/harness/black_hole.ts";
import { dialersUnderTest } from "../helpers/dialers.ts";
import { fakeDialer } from "./fixtures/fake_dialer.ts";
import { healthConfig } from "../../scripts/bench/harness/health_config.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { systemClock } from "../../src/runtime/runtime.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

/** Log lines about state changes for one address. */
function changesFor(lines: string[], address: string): string[] {
  return lines.filter((line) =>
    line.includes("health state changed") && line.includes(` address=${address} `)
  );
}

const dialers = await dialersUnderTest();

for (const { name, dial } of dialers) {
  describe(`HealthMonitor on real sockets: ${name}`, () => {
    let v4: TcpBackend;
    let v6: TcpBackend;
    before(async () => {
      v4 = await openTcpBackend("127.0.0.2");
      v6 = await openTcpBackend("::1");
    });
    after(async () => {
      await v4.stop();
      await v6.stop();
    });

    test("a stopped backend turns unhealthy within a cycle and healthy again when it returns", async () => {
      const config = healthConfig([
        { name: "www", addresses: ["127.0.0.2"], port: v4.port },
        { name: "v6", addresses: ["::1"], port: v6.port },
      ]);
      const lines: string[] = [];
      const changes: HealthState[] = [];
      const monitor = new HealthMonitor(
        config,
        dial,
        systemClock,
        createLogger("debug", (l) => lines.push(l)),
        (s) => changes.push(s),
      );
      try {
        const first = await monitor.start();
        assert.equal(first.isHealthy("127.0.0.2", v4.port), true);
        assert.equal(first.isHealthy("::1", v6.port), true);
        assert.equal(monitor.state, first);
        assert.equal(changes.length, 0, "the first cycle is start()'s result, not a change");
        assert.ok(monitor.cycleDurationMs !== null && monitor.cycleDurationMs < 1000);

        await v4.stop();
        const down = await waitFor(
          "127.0.0.2 unhealthy",
          () => !monitor.state.isHealthy("127.0.0.2", v4.port),
          2000,
        );
        assert.ok(down < 1000, `detected after ${down} ms with a 100 ms interval`);
        assert.equal(monitor.state.isHealthy("::1", v6.port), true);
        assert.equal(changes.at(-1), monitor.state);

        await v4.start();
        await waitFor(
          "127.0.0.2 healthy again",
          () => monitor.state.isHealthy("127.0.0.2", v4.port),
          2000,
        );
        assert.equal(changes.length, 2, "one change down, one change up");
      } finally {
        await monitor.stop();
      }
      const logged = changesFor(lines, "127.0.0.2");
      assert.equal(logged.length, 3, logged.join("\n"));
      assert.match(
        logged[0],
        / level=info msg="health state changed" names=www address=127\.0\.0\.2 port=\d+ old=unknown new=healthy /,
      );
      assert.match(
        logged[1],
        / level=warning msg="health state changed" names=www .* old=healthy new=unhealthy reason=refused detail=/,
      );
      assert.match(logged[2], / level=info .* old=unhealthy new=healthy /);
      assert.equal(changesFor(lines, "::1").length, 1, "the IPv6 backend changed once, at start");
    });
  });
}

describe("HealthMonitor scheduling and state (scripted dialer)", () => {
  test("rise 2 / fall 2: state flips only after two consecutive contrary results", async () => {
    const script = [true, false, true, false, false, true, false, true, true];
    const seen: boolean[] = [];
    const dialer = fakeDialer(() => {
      // The state as it stands when probe k+1 starts is the result of probes 1..k.
      seen.push(monitor.state.isHealthy("192.0.2.1", 80));
      return { ok: script[seen.length - 1] ?? true, ms: 1 };
    });
    const config = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }], {
      intervalMs: 20,
      rise: 2,
      fall: 2,
    });
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    try {
      await monitor.start();
      await waitFor("10 probes", () => seen.length >= 10);
    } finally {
      await monitor.stop();
    }
    // seen[0] is before any result; seen[k] is after results 1..k.
    assert.deepEqual(seen.slice(1, 10), [true, true, true, true, false, false, false, false, true]);
  });

  test("endpointStatus: unknown until probed, then state, since, last probe and consecutive counts; the observer sees every probe and flip", async () => {
    let up = true;
    const dialer = fakeDialer((address) => ({ ok: address === "192.0.2.1" ? up : false, ms: 1 }));
    const config = healthConfig([
      { name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 80 },
    ], { intervalMs: 20, fall: 2 });
    const seen = { probes: 0, failed: 0, toHealthy: 0, toUnhealthy: 0 };
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, () => {}, {
      observeProbe(result) {
        seen.probes++;
        if (!result.ok) seen.failed++;
      },
      countStateChange(healthy) {
        if (healthy) seen.toHealthy++;
        else seen.toUnhealthy++;
      },
    });
    const before = Date.now();
    assert.deepEqual(monitor.endpointStatus().map((e) => [e.address, e.state, e.lastProbe]), [
      ["192.0.2.1", "unknown", null],
      ["192.0.2.2", "unknown", null],
    ]);
    try {
      await monitor.start();
      const [a, b] = monitor.endpointStatus();
      assert.deepEqual([a.state, a.successes, a.failures, a.lastProbe?.ok], [
        "healthy",
        1,
        0,
        true,
      ]);
      assert.deepEqual([b.state, b.successes, b.failures], ["unhealthy", 0, 1]);
      assert.equal(b.lastProbe?.ok === false && b.lastProbe.reason, "refused");
      assert.ok(a.since >= before && a.lastProbeAt !== null && a.lastProbeAt >= a.since);
      assert.equal(seen.toUnhealthy + seen.toHealthy, 0, "first results are not flips");

      up = false;
      await waitFor("two failures of 192.0.2.1", () => monitor.endpointStatus()[0].failures >= 2);
      const down = monitor.endpointStatus()[0];
      assert.equal(down.state, "unhealthy", "fall 2 reached");
      assert.ok(down.since > a.since);
      await waitFor("the flip counted", () => seen.toUnhealthy === 1);
      assert.equal(seen.toHealthy, 0);
      assert.ok(seen.probes >= 4 && seen.failed >= 3, JSON.stringify(seen));
    } finally {
      await monitor.stop();
    }
  });

  test("probes an address+port shared by names once per cycle, cycles never overlap and respect the interval", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 60 }));
    const config = healthConfig(
      [
        { name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 80, timeoutMs: 100 },
        { name: "api", addresses: ["192.0.2.1"], port: 80, timeoutMs: 900 },
      ],
      { intervalMs: 40 },
    );
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    try {
      await monitor.start();
      assert.deepEqual(dialer.calls.toSorted(), ["192.0.2.1 80", "192.0.2.2 80"]);
      await waitFor("4 cycles", () => dialer.calls.length >= 8);
    } finally {
      await monitor.stop();
    }
    const starts = dialer.calls.flatMap((
      call,
      i,
    ) => (call === "192.0.2.1 80" ? [dialer.startedAt[i]] : []));
    // Each probe takes 60 ms > the 40 ms interval: the next cycle waits for the previous one.
    for (let i = 1; i < starts.length; i++) {
      assert.ok(starts[i] - starts[i - 1] >= 59, `gap ${starts[i] - starts[i - 1]}`);
    }
    assert.ok(dialer.maxInFlight <= 2);
  });

  test("onChange fires only when some endpoint's health changes; unchanged cycles keep the same state object", async () => {
    let up = true;
    const dialer = fakeDialer(() => ({ ok: up, ms: 1 }));
    const config = healthConfig(
      [{ name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 80 }],
      {
        intervalMs: 10,
      },
    );
    const changes: HealthState[] = [];
    const monitor = new HealthMonitor(
      config,
      dialer.dial,
      systemClock,
      SILENT_LOGGER,
      (s) => changes.push(s),
    );
    try {
      const first = await monitor.start();
      await waitFor("5 more cycles", () => dialer.calls.length >= 12);
      assert.equal(changes.length, 0);
      assert.equal(monitor.state, first);
      up = false;
      await waitFor("a change", () => changes.length > 0);
      await waitFor("all down", () => monitor.state.healthyCount === 0);
      const down = monitor.state;
      const calls = dialer.calls.length;
      await waitFor("3 more cycles", () => dialer.calls.length >= calls + 6);
      assert.equal(monitor.state, down);
      assert.ok(
        changes.length >= 1 && changes.length <= 2,
        `${changes.length} changes for two flips`,
      );
      assert.equal(changes.at(-1), down);
    } finally {
      await monitor.stop();
    }
  });

  test("updateConfig: removed endpoints stop being probed and leave the state; kept ones keep theirs", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 1 }));
    const both = healthConfig([{ name: "www", addresses: ["192.0.2.1", "192.0.2.2"], port: 80 }], {
      intervalMs: 10,
      rise: 5,
    });
    const monitor = new HealthMonitor(both, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    try {
      await monitor.start();
      const kept = monitor.updateConfig(
        healthConfig([{ name: "www", addresses: ["192.0.2.1", "192.0.2.3"], port: 80 }], {
          intervalMs: 10,
          rise: 5,
        }),
      );
      assert.equal(monitor.state, kept);
      assert.equal(
        kept.isHealthy("192.0.2.1", 80),
        true,
        "kept endpoint keeps its health despite rise 5",
      );
      assert.equal(kept.isHealthy("192.0.2.2", 80), false, "removed endpoint left the state");
      assert.equal(kept.isHealthy("192.0.2.3", 80), false, "new endpoint unhealthy until probed");
      const removedSoFar = dialer.calls.filter((c) => c === "192.0.2.2 80").length;
      await waitFor("192.0.2.3 probed and healthy", () => monitor.state.isHealthy("192.0.2.3", 80));
      const calls = dialer.calls.length;
      await waitFor("3 more cycles", () => dialer.calls.length >= calls + 6);
      // A cycle already running when the config changed may still finish its probe.
      assert.ok(dialer.calls.filter((c) => c === "192.0.2.2 80").length <= removedSoFar + 1);
      assert.equal(monitor.state.isHealthy("192.0.2.2", 80), false);
      assert.equal(monitor.endpointCount, 2);
    } finally {
      await monitor.stop();
    }
  });

  test("updateConfig adding endpoints runs the next cycle at once, not after the interval", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 1 }));
    const one = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }], {
      intervalMs: 60_000,
    });
    const two = healthConfig([{ name: "www", addresses: ["192.0.2.1", "192.0.2.3"], port: 80 }], {
      intervalMs: 60_000,
    });
    const monitor = new HealthMonitor(one, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    try {
      await monitor.start();
      assert.equal(monitor.updateConfig(one).isHealthy("192.0.2.1", 80), true);
      assert.equal(monitor.updateConfig(two).isHealthy("192.0.2.3", 80), false);
      await waitFor(
        "192.0.2.3 probed and healthy",
        () => monitor.state.isHealthy("192.0.2.3", 80),
        2000,
      );
      assert.deepEqual(dialer.calls, ["192.0.2.1 80", "192.0.2.1 80", "192.0.2.3 80"]);
    } finally {
      await monitor.stop();
    }
  });

  test("stop cancels the next cycle and waits for probes in flight", async () => {
    const dialer = fakeDialer(() => ({ ok: true, ms: 50 }));
    const config = healthConfig([{ name: "www", addresses: ["192.0.2.1"], port: 80 }], {
      intervalMs: 10,
    });
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    await monitor.start();
    await waitFor("a probe in flight", () => dialer.inFlight > 0);
    await monitor.stop();
    assert.equal(dialer.inFlight, 0);
    const calls = dialer.calls.length;
    // Showing that nothing happens needs a fixed window: ten intervals.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(dialer.calls.length, calls, "no probe after stop");
  });

  test("a failure is published as soon as its probe returns, while slower probes of the cycle still run", async () => {
    let up = true;
    const dialer = fakeDialer((address) =>
      address === "192.0.2.1" ? { ok: up, ms: 1 } : { ok: true, ms: 300 }
    );
    // The slow endpoint is listed first, so it is already in flight when the fast one fails.
    const config = healthConfig(
      [{ name: "www", addresses: ["192.0.2.2", "192.0.2.1"], port: 80 }],
      {
        intervalMs: 10,
      },
    );
    const inFlightAtChange: number[] = [];
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, (state) => {
      if (!state.isHealthy("192.0.2.1", 80)) inFlightAtChange.push(dialer.inFlight);
    });
    try {
      await monitor.start();
      up = false;
      await waitFor("192.0.2.1 unhealthy", () => inFlightAtChange.length > 0, 3000);
      assert.equal(inFlightAtChange[0], 1, "the 300 ms probe of 192.0.2.2 is still in flight");
    } finally {
      await monitor.stop();
    }
  });

  test("many endpoints going down together make a few new states, not one per endpoint", async () => {
    let up = true;
    const dialer = fakeDialer(() => ({ ok: up, ms: 5 }));
    const addresses = Array.from({ length: 300 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const config = healthConfig([{ name: "www", addresses, port: 80 }], {
      intervalMs: 10,
      concurrency: 1000,
    });
    const changes: HealthState[] = [];
    const monitor = new HealthMonitor(
      config,
      dialer.dial,
      systemClock,
      SILENT_LOGGER,
      (s) => changes.push(s),
    );
    try {
      assert.equal((await monitor.start()).healthyCount, 300);
      up = false;
      await waitFor("all 300 down", () => monitor.state.healthyCount === 0);
    } finally {
      await monitor.stop();
    }
    assert.ok(
      changes.length >= 1 && changes.length <= 30,
      `${changes.length} states for 300 flips`,
    );
    assert.equal(changes.at(-1)!.healthyCount, 0);
  });

  test("healthy endpoints are probed before the others", async () => {
    const dialer = fakeDialer((address) => ({ ok: address === "192.0.2.9", ms: 1 }));
    const addresses = ["192.0.2.1", "192.0.2.2", "192.0.2.9"];
    const config = healthConfig([{ name: "www", addresses, port: 80 }], {
      intervalMs: 10,
      concurrency: 1,
    });
    const monitor = new HealthMonitor(config, dialer.dial, systemClock, SILENT_LOGGER, () => {});
    try {
      await monitor.start();
      await waitFor("second cycle", () => dialer.calls.length >= 6);
    } finally {
      await monitor.stop();
    }
    assert.deepEqual(dialer.calls.slice(0, 6), [
      "192.0.2.1 80",
      "192.0.2.2 80",
      "192.0.2.9 80",
      "192.0.2.9 80",
      "192.0.2.1 80",
      "192.0.2.2 80",
    ]);
  });
});

describe("HealthMonitor with black holes", () => {
  let holes: BlackHoles;
  before(async () => {
    holes = await openBlackHoles("127.0.0.3", 40);
  });
  after(async () => {
    await holes.close();
  });

  for (const { name, dial } of dialers) {
    test(`40 endpoints that hang until the timeout: a cycle takes about one timeout, reason timeout (${name})`, async () => {
      {
        const records = holes.ports.map((port, i) => ({
          name: `bh${i}`,
          addresses: [holes.host],
          port,
        }));
        const config = healthConfig(records, {
          intervalMs: 1000,
          timeoutMs: 300,
          concurrency: 1000,
        });
        const lines: string[] = [];
        const monitor = new HealthMonitor(
          config,
          dial,
          systemClock,
          createLogger("info", (l) => lines.push(l)),
          () => {},
        );
        try {
          const state = await monitor.start();
          assert.equal(state.healthyCount, 0, name);
          const took = monitor.cycleDurationMs!;
          // 300 ms timeout + up to 100 ms spread (10% of the interval), with room for a loaded
          // machine: all 40 waited out their timeout together (serially it would take 12 s).
          assert.ok(took >= 290 && took < 700, `${name}: cycle took ${took} ms`);
        } finally {
          await monitor.stop();
        }
        const logged = changesFor(lines, holes.host);
        assert.equal(logged.length, 40, name);
        assert.ok(
          logged.every((line) => / old=unknown new=unhealthy reason=timeout /.test(line)),
          logged[0],
        );
      }
    });
  }
});
