import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { DEMO_CONFIG_YAML } from "../../src/config/load.ts";
import { parsePlainYaml } from "../../src/config/yaml.ts";

/** Texts the subset must take, giving exactly what the yaml library gives. */
const TAKEN: readonly string[] = [
  DEMO_CONFIG_YAML,
  "zone: example.test\nport: 5353\nhealth:\n  interval: 5s # every five\n  rise: 2\n",
  'records:\n  www:\n    addresses:\n      - 192.0.2.1\n      - "2001:db8::1"\n    health_port: 80\n',
  "records: # one below\n  api.eu: [10.0.0.1, '10.0.0.2']  # trailing\n  empty: []\n",
  "a:\n   # a comment at any indentation\n  b: 2001:db8::1\n  c: it's a#b \"x\"\n  d: '#not a comment'\n",
  'key: 1_000\nother: 127.1.0.1\npath: /etc/healthy-dns/key.pem\nq: "a: b"\nz: 0\n',
  "list:\n  - \"a: b\"\n  - 'x'\n  - [1, two]\nlast:\n",
  "- zone: example.test\n",
  "a:\n  - b: 1\n",
  // The override file's shape: a list of mappings, nested values and odd spacing after the dash.
  "- address: 192.0.2.1\n  state: down # drain\n  until: 2026-12-02T18:00:00Z\n-   address: 2001:db8::1\n    state: up\n    name: www\n- a:\n    - x\n  b: [1, 2]\n- plain\n",
];

/** Texts outside the subset (the library decides: a value, or an error with its line). */
const LEFT: readonly string[] = [
  "",
  "# only a comment\n",
  "zone: a\nzone: b\n",
  "a: &x 1\nb: *x\n",
  "a: !!str 5\n",
  "a: |\n  text\n",
  "a: one\n  two\n",
  "a: {b: 1}\n",
  "a: [1, 2\n",
  "a: [1, 2,]\n",
  "a: [::1]\n",
  "a: [b #c]\n",
  'a: ["b"c]\n',
  "a: [b, , c]\n",
  "a: [b, [c]]\n",
  'a: ["b\\"c"]\n',
  "a: true\n",
  "a: null\n",
  "a: ~\n",
  "a: 1.5\n",
  "a: 0x1F\n",
  "a: 0o17\n",
  "a: 017\n",
  "a: 1e3\n",
  "a: .inf\n",
  "a: 12345678901234567890\n",
  'a: "tab\\tescape"\n',
  "a: 'it''s'\n",
  "a:\n- compact\n",
  "---\na: 1\n",
  "a: 1\r\n",
  "a:\t1\n",
  "\ufeffa: 1\n",
  "a:\n\u00a0 b: 1\n",
  "a:\n    b: 1\n  c: 2\n",
  "a: 1\n b: 2\n",
  " a: 1\n",
  '"quoted key": 1\n',
  "1: one\n",
  "true: yes\n",
  "__proto__: 1\n",
  "a:b\n",
  "a: b: c\n",
  "a: ::1\n",
  "a: -x\n",
  'a: "x" y\n',
  "a:\n  - b: 1\n   c: 2\n",
  "- a: 1\n  a: 2\n",
  "- a: 1\n    b: 2\n",
  "- 1: one\n",
  "- a b: c\n",
  "a:\n  - x\n    y\n",
  "? a\n: b\n",
  "%YAML 1.2\n---\na: 1\n",
];

describe("parsePlainYaml", () => {
  test("takes everyday config text and reads it exactly as the yaml library", () => {
    for (const text of TAKEN) {
      const value = parsePlainYaml(text);
      assert.notEqual(value, undefined, `not taken: ${JSON.stringify(text)}`);
      assert.deepEqual(value, parse(text), JSON.stringify(text));
    }
  });

  test("leaves everything else to the library", () => {
    for (const text of LEFT) {
      assert.equal(parsePlainYaml(text), undefined, `taken: ${JSON.stringify(text)}`);
    }
  });

  test("scalars: a string, a small decimal integer, or left to the library", () => {
    // Taken: plain strings (YAML 1.2 reads yes/no/on/off, dates and times as
    // strings too) and decimal integers without sign or leading zero.
    const taken = [
      "10s",
      "127.1.0.1",
      "2001:db8::1",
      "a-b_c",
      "x.1",
      "1.2.3",
      "1a",
      "e5",
      "0",
      "7",
      "53053",
      "0o8",
      "0xG",
      "yes",
      "no",
      "on",
      "off",
      "y",
      "2026-11-26",
      "12:30",
      "1:2",
      "a b  c",
    ];
    // Left: what the library reads as a sign, float, octal-looking number, null,
    // boolean or special value.
    const left = [
      "-",
      "+1",
      "-1",
      "007",
      "1.",
      ".5",
      "1e5",
      "Null",
      "NULL",
      "False",
      "TRUE",
      ".NaN",
      "-.inf",
    ];
    const contexts = (
      scalar: string,
    ) => [`k: ${scalar}\n`, `k: [${scalar}]\n`, `k:\n  - ${scalar}\n`];
    for (const text of taken.flatMap(contexts)) {
      const value = parsePlainYaml(text);
      assert.notEqual(value, undefined, `not taken: ${JSON.stringify(text)}`);
      assert.deepEqual(value, parse(text), JSON.stringify(text));
    }
    for (const text of left.flatMap(contexts)) {
      assert.equal(parsePlainYaml(text), undefined, `taken: ${JSON.stringify(text)}`);
    }
    assert.deepEqual(parsePlainYaml("k: 53053\n"), { k: 53053 });
    assert.deepEqual(parsePlainYaml("k: yes\n"), { k: "yes" }); // YAML 1.2: a string
  });

  // Seconds of work: Bun's default 5 s deadline is too short on a loaded machine.
  test("takes a 10,000-record file", { timeout: 60_000 }, () => {
    const lines = ["zone: example.test", "records:"];
    for (let i = 0; i < 10_000; i++) {
      lines.push(
        `  h${i}:`,
        `    addresses: [127.1.${i >> 8}.${i & 255}]`,
        "    health_port: 58080",
      );
    }
    const text = lines.join("\n") + "\n";
    assert.deepEqual(parsePlainYaml(text), parse(text));
  });

  test("the example configs are read as the library reads them (full.yaml left to it)", async () => {
    const folder = new URL("../../examples/", import.meta.url);
    for (const name of (await readdir(folder)).filter((file) => file.endsWith(".yaml"))) {
      const text = await readFile(new URL(name, folder), "utf8");
      const value = parsePlainYaml(text);
      if (name === "full.yaml") {
        // Its flow mappings ({ name: …, addresses: … }) are the library's to read.
        assert.equal(value, undefined, name);
        continue;
      }
      assert.notEqual(value, undefined, `not taken: ${name}`);
      assert.deepEqual(value, parse(text), name);
    }
  });
});
