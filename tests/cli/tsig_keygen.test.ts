// `healthy-dns tsig-keygen`: one random key printed as the healthy-dns YAML
// entry and as Knot, NSD and BIND key stanzas, each of which the daemon's
// own config checker accepts (when installed), and the YAML entry loads.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTsigKeygen } from "../../src/cli/tsig_keygen.ts";
import { loadYaml, YAML_BASE } from "../config/load_helpers.ts";
import { needsTools } from "../../scripts/bench/harness/prerequisite.ts";

function keygen(args: readonly string[], fill = 7) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runTsigKeygen(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    random: (bytes) => bytes.fill(fill),
  });
  return { code, out: out.join("\n"), err };
}

/** The lines of one section of the output (after its `# ...` title, up to the next blank line). */
function section(output: string, title: string): string {
  const start = output.indexOf(title);
  assert.ok(start >= 0, title);
  const body = output.slice(output.indexOf("\n", start) + 1);
  const end = body.indexOf("\n\n");
  return end < 0 ? body : body.slice(0, end);
}

const checkers = {
  knot: "/usr/sbin/knotc",
  nsd: "/usr/sbin/nsd-checkconf",
  bind: "/usr/bin/named-checkconf",
};

describe("healthy-dns tsig-keygen", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "healthy-dns-tsig-keygen-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("a secret as long as the hash, the same in every form; the YAML entry loads", async () => {
    for (
      const [algorithm, bytes] of [["hmac-sha256", 32], ["hmac-sha512", 64], [
        "hmac-sha1",
        20,
      ]] as const
    ) {
      const { code, out } = keygen(["xfr-key", "--algorithm", algorithm]);
      assert.equal(code, 0);
      const secret = btoa(String.fromCharCode(...new Uint8Array(bytes).fill(7)));
      assert.equal(out.split(secret).length - 1, 4, `${algorithm}: the secret in all four forms`);
      const yaml = `${YAML_BASE}transfer:\n${
        section(out, "# healthy-dns").replace(/^/gm, "  ")
      }\n  allow: [10.0.0.0/8]\n`;
      const config = await loadYaml(yaml);
      assert.deepEqual(config.transfer?.tsigKeys, [{ name: "xfr-key", algorithm, secret }]);
    }
    assert.equal(
      keygen(["Xfr-Key."]).out.includes("name: xfr-key,"),
      true,
      "name lowercased, no dot",
    );
    assert.match(keygen(["k"]).out, /algorithm: hmac-sha256/, "hmac-sha256 by default");
  });

  test("usage errors: exit 2 with one line", () => {
    for (
      const [args, message] of [
        [[], /^NAME: required; usage: healthy-dns tsig-keygen NAME/],
        [["k", "--algorithm", "hmac-md5"], /^--algorithm: "hmac-md5" is not one of hmac-sha256, /],
        [["k", "extra"], /^"extra": unexpected argument/],
        [["bad..name"], /^NAME: "bad\.\.name" is not a valid key name/],
      ] as const
    ) {
      const { code, err } = keygen(args);
      assert.equal(code, 2, String(args));
      assert.equal(err.length, 1);
      assert.match(err[0], message);
    }
  });

  test("Knot, NSD and BIND accept their stanza (their own config checkers)", {
    skip: needsTools(...Object.values(checkers)),
  }, () => {
    const { out } = keygen(["xfr-key", "--algorithm", "hmac-sha384"]);
    const knot = join(dir, "knot.conf");
    writeFileSync(knot, `${section(out, "# Knot DNS")}\n`);
    const nsd = join(dir, "nsd.conf");
    writeFileSync(nsd, `${section(out, "# NSD")}\n`);
    const bind = join(dir, "named.conf");
    writeFileSync(bind, `${section(out, "# BIND")}\n`);
    for (
      const [path, args] of [
        [checkers.knot, ["-c", knot, "conf-check"]],
        [checkers.nsd, [nsd]],
        [checkers.bind, [bind]],
      ] as const
    ) {
      const run = spawnSync(path, args, { encoding: "utf8", timeout: 10_000 });
      assert.equal(run.status, 0, `${path}: ${run.stdout}${run.stderr}`);
    }
    // The checkers must be able to fail: a stanza with a broken secret is refused.
    writeFileSync(bind, `${section(out, "# BIND").replace(/secret "[^"]+"/, 'secret "%%%"')}\n`);
    assert.notEqual(spawnSync(checkers.bind, [bind], { encoding: "utf8" }).status, 0);
  });

  test(
    "docs/scaling-out.md's secondary configs hold the printed stanza verbatim, and each checker accepts the result",
    {
      skip: needsTools(...Object.values(checkers)),
    },
    () => {
      const { out } = keygen(["xfr-key"]);
      const secret = /secret: "([^"]+)"/.exec(out)![1];
      const doc = readFileSync(new URL("../../docs/scaling-out.md", import.meta.url), "utf8");
      /** The first code block under a `### heading` of the doc, with the printed secret pasted in. */
      const block = (heading: string) => {
        const from = doc.indexOf(`\n### ${heading}\n`);
        assert.ok(from >= 0, heading);
        const code = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(from))![1];
        return code.replaceAll("<secret>", secret);
      };
      for (
        const [heading, title, file, run] of [
          [
            "Knot DNS",
            "# Knot DNS",
            "knot.conf",
            (f: string): [string, string[]] => [checkers.knot, ["-c", f, "conf-check"]],
          ],
          ["NSD", "# NSD", "nsd.conf", (f: string): [string, string[]] => [checkers.nsd, [f]]],
          [
            "BIND 9",
            "# BIND",
            "named.conf",
            (f: string): [string, string[]] => [checkers.bind, [f]],
          ],
        ] as const
      ) {
        const pasted = block(heading);
        // The doc and the printed stanza agree: pasting one into the other changes nothing.
        assert.ok(
          pasted.includes(section(out, title)),
          `${heading}: the doc's key stanza is not what tsig-keygen prints:\n${
            section(out, title)
          }`,
        );
        const path = join(dir, file);
        writeFileSync(path, pasted);
        const [command, args] = run(path);
        const result = spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
        assert.equal(result.status, 0, `${heading}: ${result.stdout}${result.stderr}`);
      }
      // NSD finds keys by their text: a dotted key name in the stanza is refused by the zone's reference.
      const nsd = join(dir, "nsd-dotted.conf");
      writeFileSync(nsd, block("NSD").replace('name: "xfr-key"', 'name: "xfr-key."'));
      assert.notEqual(spawnSync(checkers.nsd, [nsd], { encoding: "utf8" }).status, 0);
    },
  );
});
