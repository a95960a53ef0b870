import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError } from "../../src/config/config.ts";
import { overrideLookup, readOverrides, readOverridesPaced } from "../../src/config/overrides.ts";

const FILE = "/var/lib/healthy-dns/overrides.yaml";

function errorOf(text: string): string {
  try {
    readOverrides(text, FILE);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.ok(!error.message.includes("\n"), error.message);
    return error.message;
  }
  return assert.fail(`expected an error for ${JSON.stringify(text)}`);
}

describe("readOverrides", () => {
  test("every field, canonical addresses and names, times with a zone", () => {
    const overrides = readOverrides(
      [
        "# maintenance",
        "- address: 192.0.2.1",
        "  state: down",
        "- address: 2001:DB8:0::1",
        "  state: UP",
        "  name: WWW",
        "  until: 2026-12-02T18:30:00+01:00",
        '  reason: "probe broken, backend fine"',
        "",
      ].join("\n"),
      FILE,
    );
    assert.deepEqual(overrides, [
      { address: "192.0.2.1", state: "down", name: null, until: null, reason: null },
      {
        address: "2001:db8::1",
        state: "up",
        name: "www",
        until: Date.parse("2026-12-02T17:30:00Z"),
        reason: "probe broken, backend fine",
      },
    ]);
    assert.ok(Object.isFrozen(overrides) && Object.isFrozen(overrides[0]));
  });

  test("an empty file, only comments, or [] mean none", () => {
    assert.deepEqual(readOverrides("", FILE), []);
    assert.deepEqual(readOverrides("# nothing drained\n", FILE), []);
    assert.deepEqual(readOverrides("[]\n", FILE), []);
  });

  test("mistakes are refused with one line naming the entry and the value", () => {
    const cases: [string, string][] = [
      ["address: 192.0.2.1\n", `${FILE}: {"address":"192.0.2.1"} is not a list`],
      ["- address: 192.0.2.1\n", `[0] (in ${FILE}): missing "state"`],
      ["- state: down\n", `[0] (in ${FILE}): missing "address"`],
      [
        "- {address: 192.0.2.300, state: down}\n",
        `[0].address (in ${FILE}): "192.0.2.300" is not an IP address`,
      ],
      [
        "- {address: 192.0.2.1, state: drain}\n",
        `[0].state (in ${FILE}): "drain" is not one of down, up`,
      ],
      [
        "- {address: 192.0.2.1, state: down, port: 80}\n",
        `[0].port (in ${FILE}): unknown key (expected one of address, state, name, until, reason)`,
      ],
      [
        "- {address: 192.0.2.1, state: down, until: 2026-12-02T18:00}\n",
        `[0].until (in ${FILE}): "2026-12-02T18:00" is not a time with a zone, like "2026-12-02T18:00:00Z"`,
      ],
      [
        "- {address: 192.0.2.1, state: down, until: tomorrow}\n",
        `[0].until (in ${FILE}): "tomorrow" is not a time with a zone, like "2026-12-02T18:00:00Z"`,
      ],
      [
        "- {address: 192.0.2.1, state: down, name: www.}\n",
        `[0].name (in ${FILE}): "www." ends with a dot; write "www"`,
      ],
      [
        "- {address: 192.0.2.1, state: down}\n- {address: 192.0.2.1, state: up}\n",
        `[1] (in ${FILE}): "192.0.2.1" is overridden twice for every name`,
      ],
      [
        "- {address: 192.0.2.1, state: down, name: www}\n- {address: 192.0.2.1, state: up, name: WWW}\n",
        `[1] (in ${FILE}): "192.0.2.1" is overridden twice for "www"`,
      ],
      [
        "- [192.0.2.1\n",
        `${FILE}:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]`,
      ],
    ];
    for (const [text, message] of cases) assert.equal(errorOf(text), message, text);
  });

  test("the same address for one name and for every name: the name's own wins", () => {
    const lookup = overrideLookup(
      readOverrides(
        "- {address: 192.0.2.1, state: down}\n- {address: 192.0.2.1, state: up, name: api}\n",
        FILE,
      ),
      0,
    );
    assert.equal(lookup.find("192.0.2.1", "api")?.state, "up");
    assert.equal(lookup.find("192.0.2.1", "www")?.state, "down");
    assert.equal(lookup.find("192.0.2.2", "www"), null);
  });

  test("an override applies until its time, not from then on", () => {
    const [override] = readOverrides(
      "- {address: 192.0.2.1, state: down, until: 2026-12-02T18:00:00Z}\n",
      FILE,
    );
    const until = Date.parse("2026-12-02T18:00:00Z");
    assert.equal(overrideLookup([override], until - 1).find("192.0.2.1", "www"), override);
    assert.equal(overrideLookup([override], until).find("192.0.2.1", "www"), null);
  });
});

describe("readOverridesPaced", () => {
  test("pauses between slices of entries, so a big file does not hold up answering", async () => {
    const text = Array.from(
      { length: 10_000 },
      (_, i) => `- address: 10.0.${i >> 8}.${i & 255}\n  state: down\n`,
    ).join("");
    let pauses = 0;
    const read = await readOverridesPaced(text, "overrides.yaml", () => {
      pauses++;
      return Promise.resolve();
    });
    assert.equal(read.length, 10_000);
    assert.ok(pauses >= 19, `${pauses} pauses for 10,000 entries`);
    assert.deepEqual(read, readOverrides(text, "overrides.yaml"));
  });
});
