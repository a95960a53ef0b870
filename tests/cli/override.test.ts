// `healthy-dns override` on a real state directory: it writes a file the
// server's reader accepts, replaces an entry for the same address and name,
// clears, lists, drops expired entries, and refuses bad input and a
// malformed existing file with one line and exit 2.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runOverride } from "../../src/cli/override.ts";
import { readOverrides } from "../../src/config/overrides.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";

const runtime = await currentRuntime();
const NOW = Date.parse("2026-12-02T12:00:00Z");

describe("healthy-dns override", () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-override-cli-"));
    file = join(dir, "overrides.yaml");
  });
  beforeEach(() => rmSync(file, { force: true }));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const override = (...args: string[]) => run([...args, "--state-dir", dir]);
  async function run(args: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runOverride(args, {
      readTextFile: runtime.readTextFile,
      readStateFile: runtime.readStateFile,
      replaceFile: runtime.replaceFile,
      clock: { now: () => NOW, monotonic: () => 0 },
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    return { code, out, err };
  }
  const written = () => readOverrides(readFileSync(file, "utf8"), file);

  test("down and up write entries the server reads; the same address and name is replaced", async () => {
    assert.deepEqual(await override("down", "192.0.2.1", "--reason", "kernel upgrade"), {
      code: 0,
      out: ["192.0.2.1  down  every name  no end  (kernel upgrade)"],
      err: [],
    });
    await override("up", "2001:DB8::1", "--name", "API", "--for", "2h");
    await override("down", "192.0.2.1", "--until", "2026-12-02T13:30:00+01:00");
    assert.deepEqual(written(), [
      { address: "192.0.2.1", state: "down", name: null, until: NOW + 1_800_000, reason: null },
      { address: "2001:db8::1", state: "up", name: "api", until: NOW + 7_200_000, reason: null },
    ]);
    assert.deepEqual((await override("list")).out, [
      "192.0.2.1  down  every name  until 2026-12-02T12:30:00.000Z",
      "2001:db8::1  up  name api  until 2026-12-02T14:00:00.000Z",
    ]);
  });

  test("clear one entry, then all; clearing nothing is an error", async () => {
    await override("down", "192.0.2.1");
    await override("down", "192.0.2.1", "--name", "www");
    assert.equal((await override("clear", "192.0.2.1", "--name", "www")).code, 0);
    assert.deepEqual(written().map((o) => o.name), [null]);
    assert.deepEqual(await override("clear", "192.0.2.9"), {
      code: 2,
      out: [],
      err: ["override: nothing to clear for 192.0.2.9"],
    });
    assert.deepEqual(await override("clear", "--all"), {
      code: 0,
      out: [`no overrides (${file})`],
      err: [],
    });
    assert.deepEqual(written(), []);
  });

  test("expired entries are dropped when the file is written", async () => {
    writeFileSync(
      file,
      "- {address: 192.0.2.1, state: down, until: 2026-12-02T11:00:00Z}\n",
    );
    assert.match((await override("list")).out[0], /expired 2026-12-02T11:00:00\.000Z/);
    await override("down", "192.0.2.2");
    assert.deepEqual(written().map((o) => o.address), ["192.0.2.2"]);
  });

  test("bad input: one line, exit 2, the file untouched", async () => {
    await override("down", "192.0.2.1");
    const before = readFileSync(file, "utf8");
    const cases: [string[], string][] = [
      [
        ["drain", "192.0.2.1"],
        'override: "drain" is not one of list, down, up, clear (see healthy-dns override --help)',
      ],
      [["down", "192.0.2.300"], 'override: "192.0.2.300" is not an IP address'],
      [["down"], "override: down takes one address, got []"],
      [["down", "192.0.2.1", "--for", "forever"], '--for: "forever" is not a duration'],
      [
        ["down", "192.0.2.1", "--until", "18:00"],
        '--until: "18:00" is not a time with a zone, like "2026-12-02T18:00:00Z"',
      ],
      [
        ["down", "192.0.2.1", "--for", "1h", "--until", "2026-12-02T18:00:00Z"],
        "--for: cannot be combined with --until",
      ],
    ];
    for (const [args, message] of cases) {
      assert.deepEqual(
        await override(...args),
        { code: 2, out: [], err: [message] },
        args.join(" "),
      );
    }
    assert.equal(readFileSync(file, "utf8"), before);
  });

  test("a malformed file is not overwritten: fix it first", async () => {
    writeFileSync(file, "- {address: 192.0.2.1, state: drain}\n");
    assert.deepEqual(await override("down", "192.0.2.2"), {
      code: 2,
      out: [],
      err: [`[0].state (in ${file}): "drain" is not one of down, up`],
    });
    assert.equal(readFileSync(file, "utf8"), "- {address: 192.0.2.1, state: drain}\n");
  });

  test("without a state directory: an error naming --state-dir", async () => {
    const err: string[] = [];
    const code = await runOverride(["list"], {
      readTextFile: runtime.readTextFile,
      readStateFile: runtime.readStateFile,
      replaceFile: runtime.replaceFile,
      clock: { now: () => NOW, monotonic: () => 0 },
      out: () => {},
      err: (line) => err.push(line),
    });
    assert.equal(code, 2);
    assert.deepEqual(err, ["--state-dir: required (or set state_dir in the --config file)"]);
  });

  describe("with the serve config: the override must match a record", () => {
    const config = () => join(dir, "zone.yaml");
    before(() =>
      writeFileSync(
        config(),
        [
          "zone: example.test",
          "name_servers: [ns1.example.net]",
          "state_dir: .",
          "records:",
          "  www: {addresses: [192.0.2.1, 192.0.2.2], health_port: 443}",
          "  api: {addresses: [192.0.2.3], health_port: 443, when_all_down: [192.0.2.99]}",
          "  static: [192.0.2.3]",
        ].join("\n") + "\n",
      )
    );
    const withConfig = (...args: string[]) => run([...args, "--config", config()]);

    test("an address no record has, or a name the config lacks: exit 2 naming the known ones, file untouched", async () => {
      assert.deepEqual(await withConfig("down", "10.9.9.9"), {
        code: 2,
        out: [],
        err: [
          "override: 10.9.9.9 is not an address of any record (known: 192.0.2.1, 192.0.2.2, 192.0.2.3)",
        ],
      });
      assert.deepEqual(await withConfig("down", "192.0.2.1", "--name", "wwww"), {
        code: 2,
        out: [],
        err: ['--name: "wwww" is not a record name of the config (known: www, api, static)'],
      });
      assert.deepEqual((await withConfig("up", "192.0.2.3", "--name", "www")).err, [
        "override: 192.0.2.3 is not an address of www (its addresses: 192.0.2.1, 192.0.2.2)",
      ]);
      assert.throws(() => readFileSync(file), /ENOENT/, "nothing was written");
    });

    test("draining the last address of a name warns first and says what it will serve", async () => {
      const first = await withConfig("down", "192.0.2.1");
      assert.deepEqual([first.code, first.err], [0, []], "www still has 192.0.2.2");
      const last = await withConfig("down", "192.0.2.2", "--name", "www");
      assert.equal(last.code, 0);
      assert.deepEqual(last.err, [
        "warning: 192.0.2.2 is the last address of www not drained; www will serve no address (NODATA)",
      ]);
      const api = await withConfig("down", "192.0.2.3");
      assert.deepEqual(api.err, [
        "warning: 192.0.2.3 is the last address of api not drained; api will serve its when_all_down fallback 192.0.2.99",
        "warning: 192.0.2.3 is the last address of static not drained; static will serve no address (NODATA)",
      ]);
      assert.equal(written().length, 3, "the warnings do not stop the change");
    });
  });
});
