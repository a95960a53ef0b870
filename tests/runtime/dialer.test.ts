import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { dialersUnderTest } from "../helpers/dialers.ts";
import { openProbeTargets, type ProbeTargets } from "../helpers/probe_targets.ts";

// The probe contract every Dialer must keep, on real loopback sockets.
for (const { name, dial } of await dialersUnderTest()) {
  describe(`probe contract: ${name}`, () => {
    let targets: ProbeTargets;
    before(async () => (targets = await openProbeTargets()));
    after(() => targets.close());

    test("a listening IPv4 and IPv6 port answers ok, quickly", async () => {
      for (const backend of [targets.v4, targets.v6]) {
        const result = await dial(backend.host, backend.port, 1000);
        assert.equal(result.ok, true, `${backend.host}: ${JSON.stringify(result)}`);
        assert.ok(result.ms >= 0 && result.ms < 500, `${backend.host} took ${result.ms} ms`);
      }
    });

    test("a closed port is refused, not timed out", async () => {
      const result = await dial("127.0.0.3", targets.v4.port, 1000);
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, "refused");
      assert.ok(result.ms < 500);
    });

    test("a black hole times out after the timeout", async () => {
      const result = await dial(targets.hole.host, targets.hole.ports[0], 300);
      assert.equal(!result.ok && result.reason, "timeout", JSON.stringify(result));
      assert.ok(result.ms >= 290 && result.ms < 1000, `took ${result.ms} ms`);
    });
  });
}
