// The GitHub action's script (scripts/ci_check.sh, called by action.yml) run
// for real against a release laid out on disk: download (file://), checksum,
// platform choice, and the check it runs with the compiled binary.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import {
  HOST_PLATFORM as PLATFORM,
  layOutRelease,
  sha256File as sha256,
  writeZoneConfig,
} from "../helpers/local_release.ts";
import { RELEASE_DIR, releaseFileName, releaseSkipReason } from "../helpers/release.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";

/** The release laid out for the script: this checkout's version. */
const VERSION = pkg.version;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs scripts/ci_check.sh with `env` on top of a minimal environment (killed after 30 s). */
function runScript(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(REPO_ROOT, "scripts", "ci_check.sh")], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Each run copies and hashes a ~100 MB binary: more than Bun's default 5 s per test on a loaded machine. */
const SLOW = { timeout: 60_000 };

describe("the GitHub action's script (scripts/ci_check.sh)", () => {
  let scratch: string;
  let releases: string;
  let backend: TcpBackend;
  let config: string;
  /** The settings every run shares: the local release, its version, a runner temp dir. */
  let common: Record<string, string>;

  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "healthy-dns-action-"));
    releases = join(scratch, "releases");
    const url = layOutRelease(releases);
    backend = await openTcpBackend("127.0.0.2");
    config = writeZoneConfig(join(scratch, "zone.yaml"), backend.port);
    common = {
      HDNS_RELEASE_URL: url,
      HDNS_VERSION: `v${VERSION}`,
      RUNNER_TEMP: join(scratch, "runner"),
      HDNS_CONFIG: config,
    };
  });
  after(async () => {
    await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test(
    "downloads and verifies the file for this machine, runs check with the inputs, passes",
    SLOW,
    async () => {
      const outputs = join(scratch, "github_output");
      writeFileSync(outputs, "");
      const result = await runScript({
        ...common,
        HDNS_NAMES: "www",
        HDNS_WAIT: "10s",
        HDNS_FORMAT: "github",
        HDNS_ARGS: `--every "200ms"  --require all`,
        GITHUB_OUTPUT: outputs,
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const binary = join(
        scratch,
        "runner",
        `healthy-dns-${VERSION}-${PLATFORM}`,
        `healthy-dns-${VERSION}-${PLATFORM}`,
      );
      const lines = result.stdout.trimEnd().split("\n");
      assert.equal(
        lines[0],
        `healthy-dns ${VERSION} (${PLATFORM}): ${binary}, sha256 ${sha256(binary)} verified`,
      );
      assert.deepEqual(lines.slice(1, -1), [
        `::notice file=${config},title=healthy-dns check::www.example.test passes: 1 of 1 addresses healthy`,
      ]);
      assert.match(lines.at(-1)!, /^1 of 1 health-checked names have every address healthy; /);
      assert.match(result.stderr, /^check [\d.]+ s: round 1: 1 of 1 names pass$/m);
      assert.equal(readFileSync(outputs, "utf8"), `binary=${binary}\nversion=${VERSION}\n`);
    },
  );

  test(
    "passes check's exit code 1 through, with the ::error line naming the failing name",
    SLOW,
    async () => {
      const report = join(scratch, "report.xml");
      const result = await runScript({ ...common, HDNS_FORMAT: "junit", HDNS_OUTPUT: report });
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /^NAME +ADDRESS/m);
      assert.match(
        readFileSync(report, "utf8"),
        /<testcase name="api\.example\.test" [^>]*>\s*<failure /,
      );
      const github = await runScript({ ...common, HDNS_FORMAT: "github" });
      assert.equal(github.code, 1);
      assert.match(
        github.stdout,
        /^::error file=[^,]+,title=healthy-dns check::api\.example\.test fails: no healthy address%0A127\.0\.0\.3 port /m,
      );
    },
  );

  test("a file that does not match SHA256SUMS is refused and never run", SLOW, async () => {
    const tampered = join(scratch, "tampered");
    mkdirSync(join(tampered, `v${VERSION}`), { recursive: true });
    const name = `healthy-dns-${VERSION}-${PLATFORM}`;
    writeFileSync(join(tampered, `v${VERSION}`, name), "#!/bin/sh\necho ran\n");
    copyFileSync(
      join(releases, `v${VERSION}`, "SHA256SUMS"),
      join(tampered, `v${VERSION}`, "SHA256SUMS"),
    );
    const result = await runScript({
      ...common,
      HDNS_RELEASE_URL: pathToFileURL(tampered).href,
      // A fresh runner: nothing verified before to reuse.
      RUNNER_TEMP: join(tampered, "runner"),
    });
    assert.equal(result.code, 3);
    assert.match(
      result.stdout,
      new RegExp(
        `^::error title=healthy-dns action::${name} does not match SHA256SUMS \\(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\\); not running it$`,
        "m",
      ),
    );
    assert.doesNotMatch(result.stdout, /^ran$/m);
  });

  test(
    "picks the release file by runner OS and architecture (.exe on Windows); a missing one is named",
    SLOW,
    async () => {
      for (
        const [os, arch, file] of [
          ["macOS", "ARM64", `healthy-dns-${VERSION}-darwin-arm64`],
          ["Linux", "ARM64", `healthy-dns-${VERSION}-linux-arm64`],
          ["Windows", "ARM64", `healthy-dns-${VERSION}-windows-arm64.exe`],
        ]
      ) {
        const result = await runScript({ ...common, RUNNER_OS: os, RUNNER_ARCH: arch });
        assert.equal(result.code, 3, result.stdout);
        assert.equal(
          result.stdout.trim(),
          `::error title=healthy-dns action::release v${VERSION} has no ${file} (SHA256SUMS does not list it)`,
        );
      }
      // Windows x64 is listed: it gets as far as downloading the .exe.
      const windows = await runScript({ ...common, RUNNER_OS: "Windows", RUNNER_ARCH: "X64" });
      assert.match(
        windows.stdout,
        new RegExp(`cannot download .*/v${VERSION}/healthy-dns-${VERSION}-windows-x64\\.exe`),
      );
      const musl = await runScript({ ...common, HDNS_PLATFORM: "linux-x64-musl" });
      assert.match(musl.stdout, new RegExp(`has no healthy-dns-${VERSION}-linux-x64-musl `));
    },
  );

  test("a version that is not a release version is refused", SLOW, async () => {
    const result = await runScript({ ...common, HDNS_VERSION: "main" });
    assert.equal(result.code, 3);
    assert.equal(
      result.stdout.trim(),
      `::error title=healthy-dns action::"main" is not a release version`,
    );
  });
});

describe(
  "the action's script with the files `npm run release` made",
  { skip: releaseSkipReason() },
  () => {
    let scratch: string;
    let backend: TcpBackend;
    before(async () => {
      scratch = mkdtempSync(join(tmpdir(), "healthy-dns-action-release-"));
      const files = join(scratch, "releases", `v${VERSION}`);
      mkdirSync(files, { recursive: true });
      for (const name of ["SHA256SUMS", releaseFileName(PLATFORM)]) {
        symlinkSync(join(RELEASE_DIR, name), join(files, name));
      }
      backend = await openTcpBackend("127.0.0.2");
    });
    after(async () => {
      await backend.stop();
      rmSync(scratch, { recursive: true, force: true });
    });

    test(
      "downloads this machine's release file, verifies it against the real SHA256SUMS and runs check",
      SLOW,
      async () => {
        const result = await runScript({
          HDNS_RELEASE_URL: pathToFileURL(join(scratch, "releases")).href,
          HDNS_VERSION: VERSION,
          RUNNER_TEMP: join(scratch, "runner"),
          HDNS_CONFIG: writeZoneConfig(join(scratch, "zone.yaml"), backend.port),
          HDNS_NAMES: "www",
          HDNS_FORMAT: "json",
        });
        assert.equal(result.code, 0, result.stdout + result.stderr);
        const [first, ...report] = result.stdout.split("\n");
        assert.match(
          first,
          new RegExp(
            `^healthy-dns ${VERSION.replaceAll(".", "\\.")} \\(${PLATFORM}\\): .* verified$`,
          ),
        );
        const parsed = JSON.parse(report.join("\n"));
        assert.equal(parsed.ok, true);
        assert.equal(parsed.target, PLATFORM, "the release file reports its own target");
        assert.match(parsed.commit, /^[0-9a-f]{7,40}(-dirty)?$/);
      },
    );
  },
);
