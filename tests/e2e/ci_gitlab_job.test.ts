// The GitLab CI job documented in docs/ci.md, run as GitLab would run its
// script (one bash session, stopping at the first failing line) against a
// release laid out on disk: download, sha256sum --check, check, JUnit report.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import pkg from "../../package.json" with { type: "json" };
import { HOST_PLATFORM, layOutRelease, writeZoneConfig } from "../helpers/local_release.ts";
import { REPO_ROOT } from "../../scripts/bench/harness/server_harness.ts";
import { openTcpBackend, type TcpBackend } from "../../scripts/bench/harness/tcp_backend.ts";
import { parseXml } from "../helpers/xmllint.ts";

/** The job's YAML, from the first yaml block under "## GitLab CI" in docs/ci.md. */
function documentedJob(): Record<string, unknown> {
  const page = readFileSync(join(REPO_ROOT, "docs", "ci.md"), "utf8");
  const block = /^## GitLab CI\n\n```yaml\n([\s\S]*?)^```/m.exec(page);
  assert.ok(block, "docs/ci.md has a yaml block under ## GitLab CI");
  return YAML.parse(block[1])["healthy-dns-check"];
}

describe("the GitLab CI job in docs/ci.md", {
  skip: HOST_PLATFORM === "linux-x64" ? false : "the job downloads the linux-x64 file",
}, () => {
  let scratch: string;
  const backends: TcpBackend[] = [];
  before(async () => {
    scratch = mkdtempSync(join(tmpdir(), "healthy-dns-gitlab-"));
    backends.push(await openTcpBackend("127.0.0.2"));
    backends.push(await openTcpBackend("127.0.0.3", backends[0].port));
  });
  after(async () => {
    for (const backend of backends) await backend.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test("downloads, verifies and runs check, leaving the JUnit report the job declares", {
    timeout: 60_000,
  }, () => {
    const job = documentedJob() as {
      variables: Record<string, string>;
      script: string[];
      artifacts: { when: string; reports: { junit: string } };
    };
    assert.deepEqual(Object.keys(job.variables), ["HEALTHY_DNS_VERSION", "HEALTHY_DNS_RELEASES"]);
    assert.equal(job.artifacts.when, "always", "the report is kept when the check fails");
    // The project's checkout: the config the job names, with every address up.
    const project = join(scratch, "project");
    mkdirSync(join(project, "dns"), { recursive: true });
    writeZoneConfig(join(project, "dns", "healthy-dns.yaml"), backends[0].port);
    // Installing curl is the image's business; everything else runs as written.
    const script = job.script.filter((line) => !line.startsWith("apt-get "));
    assert.equal(script.length, job.script.length - 1);
    const run = spawnSync("bash", ["-c", `set -eo pipefail\n${script.join("\n")}`], {
      cwd: project,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HEALTHY_DNS_VERSION: pkg.version,
        HEALTHY_DNS_RELEASES: layOutRelease(join(scratch, "releases")),
      },
      encoding: "utf8",
      timeout: 50_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /: OK$/m, "sha256sum --check verified the file");
    assert.match(run.stdout, /^2 of 2 health-checked names have a healthy address; /m);
    const report = join(project, job.artifacts.reports.junit);
    assert.ok(existsSync(report), `${job.artifacts.reports.junit} written`);
    const xml = parseXml(readFileSync(report, "utf8"));
    assert.equal(xml.problems, "");
    assert.equal(xml.xpath("string(/testsuites/@tests)"), "2");
    assert.equal(xml.xpath("string(/testsuites/@failures)"), "0");
  });
});
