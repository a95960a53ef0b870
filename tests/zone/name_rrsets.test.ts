import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RecordConfig } from "../../src/config/config.ts";
import { type OperatorOverride, overrideLookup } from "../../src/config/overrides.ts";
import { HealthState } from "../../src/health/health_state.ts";
import { endpointKey } from "../../src/health/endpoints.ts";
import { servedAddresses } from "../../src/zone/name_rrsets.ts";

const checked = (name: string, whenAllDown: RecordConfig["whenAllDown"]): RecordConfig => ({
  name,
  addresses: ["192.0.2.1", "192.0.2.2"],
  check: { port: 443, timeoutMs: 1000 },
  whenAllDown,
});
const www = checked("www", { kind: "none" });
const failOpen = checked("api", { kind: "all" });
const fixed: RecordConfig = {
  name: "static",
  addresses: ["192.0.2.1", "192.0.2.3"],
  check: null,
  whenAllDown: { kind: "none" },
};
/** 192.0.2.1 healthy, 192.0.2.2 down. */
const health = HealthState.EMPTY.with([[endpointKey("192.0.2.1", 443), true]]);
const override = (
  address: string,
  state: "up" | "down",
  name: string | null = null,
): OperatorOverride => ({ address, state, name, until: null, reason: null });
const lookup = (...list: OperatorOverride[]) => overrideLookup(list, 0);

describe("servedAddresses with operator overrides", () => {
  test("without overrides: the healthy addresses", () => {
    assert.deepEqual(servedAddresses(www, health), ["192.0.2.1"]);
  });

  test("down drains a healthy address, in every record that lists it, static ones too", () => {
    const drained = lookup(override("192.0.2.1", "down"));
    assert.deepEqual(servedAddresses(www, health, drained), []);
    assert.deepEqual(servedAddresses(fixed, health, drained), ["192.0.2.3"]);
  });

  test("up serves an address whose probe fails", () => {
    assert.deepEqual(servedAddresses(www, health, lookup(override("192.0.2.2", "up"))), [
      "192.0.2.1",
      "192.0.2.2",
    ]);
  });

  test("an override limited to one name leaves the others alone", () => {
    const only = lookup(override("192.0.2.1", "down", "static"));
    assert.deepEqual(servedAddresses(www, health, only), ["192.0.2.1"]);
    assert.deepEqual(servedAddresses(fixed, health, only), ["192.0.2.3"]);
  });

  test("all down with policy all: fail open serves every address not drained", () => {
    const drained = lookup(override("192.0.2.1", "down"));
    assert.deepEqual(servedAddresses(failOpen, health, drained), ["192.0.2.2"]);
  });
});
