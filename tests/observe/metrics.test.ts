import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "../../src/observe/metrics.ts";

describe("createMetrics", () => {
  test("renders every family with HELP and TYPE, zeros included", () => {
    const text = createMetrics().render();
    for (
      const name of [
        "responses_total",
        "dropped_total",
        "tcp_closed_total",
        "snapshot_serial",
        "health_cycle_seconds",
        "endpoints",
      ]
    ) {
      assert.match(text, new RegExp(`^# TYPE healthy_dns_${name} (counter|gauge)$`, "m"));
    }
    assert.match(text, /^healthy_dns_snapshot_serial 0$/m);
    assert.ok(text.endsWith("\n"));
  });

  test("counts responses by transport and named RCODE", () => {
    const metrics = createMetrics();
    metrics.countResponse("udp", 0);
    metrics.countResponse("udp", 0);
    metrics.countResponse("tcp", 3);
    metrics.countResponse("udp", 9);
    metrics.countResponse("udp", 16);
    metrics.countResponse("tcp", 23);
    metrics.countResponse("tcp", 22);
    const text = metrics.render();
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NOERROR"\} 2$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="tcp",rcode="NXDOMAIN"\} 1$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="NOTAUTH"\} 1$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="udp",rcode="BADVERS"\} 1$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="tcp",rcode="BADCOOKIE"\} 1$/m);
    assert.match(text, /^healthy_dns_responses_total\{transport="tcp",rcode="22"\} 1$/m);
  });

  test("response and drop samples come in the order first counted, every RCODE named or numbered", () => {
    const metrics = createMetrics();
    metrics.countResponse("tcp", 15);
    metrics.countResponse("udp", 5);
    metrics.countResponse("tcp", 15);
    metrics.countResponse("udp", 2);
    metrics.countDropped("udp", "unanswerable");
    metrics.countDropped("tcp", "error");
    metrics.countDropped("udp", "unanswerable");
    const samples = (family: string) =>
      metrics.render().split("\n").filter((line) => line.startsWith(`healthy_dns_${family}{`));
    assert.deepEqual(samples("responses_total"), [
      'healthy_dns_responses_total{transport="tcp",rcode="15"} 2',
      'healthy_dns_responses_total{transport="udp",rcode="REFUSED"} 1',
      'healthy_dns_responses_total{transport="udp",rcode="SERVFAIL"} 1',
    ]);
    assert.deepEqual(samples("dropped_total"), [
      'healthy_dns_dropped_total{transport="udp",reason="unanswerable"} 2',
      'healthy_dns_dropped_total{transport="tcp",reason="error"} 1',
    ]);
  });

  test("gauges hold the last value set", () => {
    const metrics = createMetrics();
    metrics.setSnapshotSerial(2026112601);
    metrics.setHealthCycleMs(1500);
    metrics.setEndpoints(3, 1);
    metrics.countDropped("tcp", "not_ready");
    metrics.countReload(false);
    const text = metrics.render();
    assert.match(text, /^healthy_dns_snapshot_serial 2026112601$/m);
    assert.match(text, /^healthy_dns_health_cycle_seconds 1.5$/m);
    assert.match(text, /^healthy_dns_endpoints\{state="healthy"\} 3$/m);
    assert.match(text, /^healthy_dns_endpoints\{state="unhealthy"\} 1$/m);
    assert.match(text, /^healthy_dns_dropped_total\{transport="tcp",reason="not_ready"\} 1$/m);
    assert.match(text, /^healthy_dns_reloads_total\{outcome="failed"\} 1$/m);
  });

  test("probes: a duration histogram and a counter by result", () => {
    const metrics = createMetrics();
    metrics.observeProbe({ ok: true, ms: 0.3 });
    metrics.observeProbe({ ok: true, ms: 40 });
    metrics.observeProbe({ ok: false, reason: "refused", ms: 0.2, detail: "refused" });
    metrics.observeProbe({ ok: false, reason: "timeout", ms: 12_000, detail: "timed out" });
    const text = metrics.render();
    assert.match(text, /^# TYPE healthy_dns_probe_duration_seconds histogram$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_bucket\{le="0.0005"\} 2$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_bucket\{le="0.05"\} 3$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_bucket\{le="10"\} 3$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_bucket\{le="\+Inf"\} 4$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_count 4$/m);
    assert.match(text, /^healthy_dns_probe_duration_seconds_sum 12.0405$/m);
    assert.match(text, /^healthy_dns_probes_total\{result="ok"\} 2$/m);
    assert.match(text, /^healthy_dns_probes_total\{result="refused"\} 1$/m);
    assert.match(text, /^healthy_dns_probes_total\{result="timeout"\} 1$/m);
    assert.match(text, /^healthy_dns_probes_total\{result="unreachable"\} 0$/m);
  });

  test("state changes, zone builds, reload time and build info", () => {
    const metrics = createMetrics();
    metrics.countStateChange(false);
    metrics.countStateChange(false);
    metrics.countStateChange(true);
    metrics.observeZoneBuild(3);
    metrics.setConfigLoadedAt(1_764_658_800_500);
    metrics.countReload(false);
    metrics.setBuildInfo({
      version: "1.2.3",
      commit: "abc1234",
      runtime: 'bun "1.4.5"',
      target: "linux-x64",
    });
    const text = metrics.render();
    assert.match(text, /^healthy_dns_endpoint_state_changes_total\{to="unhealthy"\} 2$/m);
    assert.match(text, /^healthy_dns_endpoint_state_changes_total\{to="healthy"\} 1$/m);
    assert.match(text, /^healthy_dns_zone_build_duration_seconds_bucket\{le="0.001"\} 0$/m);
    assert.match(text, /^healthy_dns_zone_build_duration_seconds_bucket\{le="0.005"\} 1$/m);
    assert.match(text, /^healthy_dns_config_last_reload_success_timestamp_seconds 1764658800.5$/m);
    assert.match(text, /^healthy_dns_config_last_reload_successful 0$/m);
    assert.match(
      text,
      /^healthy_dns_build_info\{version="1.2.3",commit="abc1234",runtime="bun \\"1.4.5\\"",target="linux-x64"\} 1$/m,
    );
  });

  test("endpoint_up and process_* come from the scrape", () => {
    const metrics = createMetrics();
    const text = metrics.render({
      endpoints: [
        { name: "www.example.test", address: "192.0.2.1", port: 443, up: true },
        { name: "www.example.test", address: "2001:db8::1", port: 443, up: false },
      ],
      process: {
        residentBytes: 1000,
        virtualBytes: 5000,
        cpuSeconds: 1.5,
        startTimeSeconds: 1_764_658_800,
        openFds: 12,
        maxFds: null,
      },
    });
    assert.match(
      text,
      /^healthy_dns_endpoint_up\{name="www.example.test",address="192.0.2.1",port="443"\} 1$/m,
    );
    assert.match(
      text,
      /^healthy_dns_endpoint_up\{name="www.example.test",address="2001:db8::1",port="443"\} 0$/m,
    );
    assert.match(text, /^process_resident_memory_bytes 1000$/m);
    assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
    assert.match(text, /^process_cpu_seconds_total 1.5$/m);
    assert.match(text, /^process_start_time_seconds 1764658800$/m);
    assert.match(text, /^process_open_fds 12$/m);
    assert.doesNotMatch(text, /process_max_fds/, "unknown figures are left out");
  });

  test("every sample line is valid exposition text (one HELP and TYPE per family)", () => {
    const text = createMetrics().render({ endpoints: [], process: null });
    const families = text.split("\n").filter((line) => line.startsWith("# TYPE ")).map((line) =>
      line.split(" ")[2]
    );
    assert.equal(new Set(families).size, families.length, "no family twice");
    for (const line of text.split("\n").filter((l) => l !== "" && !l.startsWith("#"))) {
      assert.match(line, /^[a-z_:][a-z0-9_:]*(\{[^}]*\})? -?[0-9.e+]+$/i, line);
    }
  });
});
