import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runKeygen } from "../../src/cli/keygen.ts";
import { loadSigningKey } from "../../src/dnssec/keys.ts";
import { FIXTURE_ALGORITHMS } from "../dnssec/dnssec_fixture.ts";

/** Runs keygen against an in-memory file system. */
async function keygen(
  args: readonly string[],
  files = new Map<string, { data: string; mode: number }>(),
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeygen(args, {
    writeNewFile(path, data, mode) {
      if (files.has(path)) {
        return Promise.reject(
          Object.assign(new Error("File exists (os error 17)"), { code: "EEXIST" }),
        );
      }
      if (path.startsWith("/no-such-dir/")) {
        return Promise.reject(new Error("No such file or directory (os error 2)"));
      }
      files.set(path, { data, mode });
      return Promise.resolve();
    },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err, files };
}

describe("healthy-dns keygen", () => {
  for (const algorithm of FIXTURE_ALGORITHMS) {
    test(`${algorithm}: writes a loadable PKCS#8 key with mode 0600`, async () => {
      const { code, out, err, files } = await keygen([
        "--algorithm",
        algorithm,
        "--out",
        "key.pem",
      ]);
      assert.deepEqual(err, []);
      assert.equal(code, 0);
      const file = files.get("key.pem")!;
      assert.equal(file.mode, 0o600);
      assert.match(file.data, /^-----BEGIN PRIVATE KEY-----\n/);
      const key = await loadSigningKey(file.data, algorithm);
      assert.deepEqual(out, [
        `wrote a new ${algorithm} private key to key.pem (key tag ${key.keyTag})`,
        "next: healthy-dns ds --priv-key-path key.pem --hosted-zone ZONE",
      ]);
    });
  }

  test("--algorithm defaults to the recommended ECDSAP256SHA256 and takes --flag=value in any case", async () => {
    const defaulted = await keygen(["--out=a.pem"]);
    assert.equal(defaulted.code, 0);
    await loadSigningKey(defaulted.files.get("a.pem")!.data, "ECDSAP256SHA256");
    const lower = await keygen(["--algorithm=ed25519", "--out=b.pem"]);
    assert.equal(lower.code, 0);
    await loadSigningKey(lower.files.get("b.pem")!.data, "ED25519");
  });

  test("refuses to overwrite an existing file", async () => {
    const files = new Map([["key.pem", { data: "old", mode: 0o600 }]]);
    const { code, out, err } = await keygen(["--algorithm", "ED25519", "--out", "key.pem"], files);
    assert.equal(code, 2);
    assert.deepEqual(out, []);
    assert.deepEqual(err, ['--out: "key.pem" already exists; refusing to overwrite a key']);
    assert.equal(files.get("key.pem")!.data, "old");
  });

  const usage =
    "usage: healthy-dns keygen [--algorithm RSASHA256|ECDSAP256SHA256|ED25519] --out FILE";
  const errors: readonly [readonly string[], string][] = [
    [[], `--out: required; ${usage}`],
    [["--out"], `--out: needs a value; ${usage}`],
    [
      ["--algorithm", "DSA", "--out", "k.pem"],
      '--algorithm: "DSA" is not one of RSASHA256, ECDSAP256SHA256, ED25519',
    ],
    [["--bits", "4096", "--out", "k.pem"], `"--bits": unknown argument; ${usage}`],
    [
      ["--algorithm", "ED25519", "--out", "/no-such-dir/k.pem"],
      '--out: cannot write "/no-such-dir/k.pem": No such file or directory (os error 2)',
    ],
  ];
  for (const [args, message] of errors) {
    test(`${JSON.stringify(args)}: exit 2 with one line`, async () => {
      const { code, out, err } = await keygen(args);
      assert.equal(code, 2);
      assert.deepEqual(out, []);
      assert.deepEqual(err, [message]);
    });
  }
});
