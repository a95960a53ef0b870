import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { RecordConfig } from "../../src/config/config.ts";
import { type OperatorOverride, overrideLookup } from "../../src/config/overrides.ts";
import { HealthState } from "../../src/health/health_state.ts";
import { endpointKey } from "../../src/health/endpoints.ts";
import { caaRdata, servedAddresses, txtRdata } from "../../src/zone/name_rrsets.ts";

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

describe("static RDATA encoding", () => {
  test("TXT: one character-string up to 255 octets, then 255-octet pieces; empty text is one empty string", () => {
    assert.deepEqual([...txtRdata("ab")], [2, 97, 98]);
    assert.deepEqual([...txtRdata("")], [0]);
    const long = txtRdata("x".repeat(255 + 255 + 3));
    assert.equal(long.length, 513 + 3);
    assert.deepEqual([long[0], long[256], long[512]], [255, 255, 3]);
    // Octets, not characters: "é" is two octets in UTF-8.
    assert.deepEqual([...txtRdata("é")], [2, 0xc3, 0xa9]);
  });

  test("CAA: flags, tag length, tag, value with no length (RFC 8659 §4.1)", () => {
    const enc = (text: string) => [...new TextEncoder().encode(text)];
    assert.deepEqual([...caaRdata(128, "issue", "ca.example")], [
      128,
      5,
      ...enc("issue"),
      ...enc("ca.example"),
    ]);
  });
});
