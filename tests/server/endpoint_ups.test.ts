import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { endpointUps } from "../../src/server/endpoint_ups.ts";
import { healthConfig } from "../helpers/health_config.ts";

describe("endpointUps", () => {
  test("one sample per address of each health-checked name, up as the view says; static names none", () => {
    const config = healthConfig(
      [
        { name: "www", addresses: ["192.0.2.1", "2001:db8::1"], port: 443 },
        { name: "api", addresses: ["192.0.2.1"], port: 8443 },
      ],
      {},
      [{ name: "static", addresses: ["192.0.2.10"], check: null, whenAllDown: { kind: "none" } }],
    );
    const view = {
      isHealthy: (address: string, port: number) => address === "192.0.2.1" && port === 443,
    };
    assert.deepEqual(endpointUps(config, view), [
      { name: "www.example.test", address: "192.0.2.1", port: 443, up: true },
      { name: "www.example.test", address: "2001:db8::1", port: 443, up: false },
      { name: "api.example.test", address: "192.0.2.1", port: 8443, up: false },
    ]);
  });
});
