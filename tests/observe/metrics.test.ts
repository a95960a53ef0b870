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
});
