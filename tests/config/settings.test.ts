import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../../src/config/config.ts";
import { Place } from "../../src/config/settings.ts";
import { quoteValue } from "../../src/config/value_readers.ts";

function messageOf(place: Place, detail: string): { where: string; message: string } {
  try {
    place.fail(detail);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return { where: error.where, message: error.message };
  }
  return assert.fail("fail() did not throw");
}

describe("Place", () => {
  test("inside a flag: object keys prefix the detail, list positions do not", () => {
    const at = Place.flag("--zone-resolutions").child("www").child("ips").child(3);
    assert.deepEqual(messageOf(at, "bad"), {
      where: "--zone-resolutions",
      message: '--zone-resolutions: "www": "ips": bad',
    });
  });

  test("inside a YAML file: a key path, then the file", () => {
    const at = Place.yaml("/etc/x.yaml").child("records").child("api.eu").child("addresses").child(
      0,
    );
    assert.deepEqual(messageOf(at, "bad"), {
      where: 'records["api.eu"].addresses[0] (in /etc/x.yaml)',
      message: 'records["api.eu"].addresses[0] (in /etc/x.yaml): bad',
    });
    assert.equal(Place.yaml("f.yaml").where, "f.yaml");
    assert.equal(
      Place.yaml("f.yaml").child("health").child("when_all_down").where,
      "health.when_all_down (in f.yaml)",
    );
  });
});

describe("quoteValue", () => {
  test("renders JSON on one line and shortens long values", () => {
    assert.equal(quoteValue("a\nb"), '"a\\nb"');
    assert.equal(quoteValue(42), "42");
    assert.equal(quoteValue(Infinity), "Infinity");
    assert.equal(quoteValue(null), "null");
    assert.equal(quoteValue(undefined), "undefined");
    assert.equal(quoteValue({ a: [1] }), '{"a":[1]}');
    assert.equal(quoteValue("x".repeat(80)), `"${"x".repeat(56)}...`);
    assert.equal(quoteValue("x".repeat(80)).length, 60);
  });
});
