// The container images of `npm run image`: what the archives hold (read from
// the Docker and OCI archives themselves), and the amd64 image serving DNS.
// `podman run --read-only` is tried first; where rootful podman cannot run a
// container (`crun: setrlimit RLIMIT_NOFILE: Operation not permitted` on the
// build machines), the test says so and runs the exported image root instead:
// read-only, /proc and /dev mounted into it, a tmpfs as the state volume, and
// `chroot --userspec=65532:65532` to the image's entrypoint and HEALTHCHECK.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import pkg from "../../package.json" with { type: "json" };
import { readExecutableHeader } from "../helpers/executable_header.ts";
import { IMAGE_DIR, imageFileName, imageSkipReason } from "../helpers/release.ts";
import { freePort } from "../../scripts/bench/harness/server_harness.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

function run(command: string, args: readonly string[], timeoutMs = 120_000) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
  });
  return { status: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** An image archive unpacked: its config and its one layer's entries (and the layer tar). */
interface UnpackedImage {
  readonly config: {
    architecture: string;
    config: {
      User?: string;
      ExposedPorts?: Record<string, unknown>;
      Volumes?: Record<string, unknown>;
      Entrypoint?: string[];
      Cmd?: string[];
      Healthcheck?: { Test: string[] };
      Labels?: Record<string, string>;
    };
  };
  /** Path → `tar -tv` mode and owner, e.g. "/usr/bin/healthy-dns" → ["-rwxr-xr-x", "0/0"]. */
  readonly entries: Map<string, [string, string]>;
  readonly layer: string;
}

function unpackDockerArchive(archive: string, dir: string): UnpackedImage {
  mkdirSync(dir, { recursive: true });
  const untar = run("tar", ["-xf", archive, "-C", dir]);
  assert.equal(untar.status, 0, untar.stderr);
  const [manifest] = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  assert.equal(manifest.Layers.length, 1, "one layer, from scratch");
  const layer = join(dir, manifest.Layers[0]);
  const listing = run("tar", ["-tvf", layer, "--numeric-owner"]);
  assert.equal(listing.status, 0, listing.stderr);
  const entries = new Map<string, [string, string]>();
  for (const line of listing.stdout.trim().split("\n")) {
    const fields = line.split(/\s+/);
    const path = `/${fields[5].replace(/^\.?\//, "")}`.replace(/\/$/, "");
    entries.set(path === "" ? "/" : path, [fields[0], fields[1]]);
  }
  return { config: JSON.parse(readFileSync(join(dir, manifest.Config), "utf8")), entries, layer };
}

/** A dig answer on 127.0.0.1:`port`, or "" when none came. */
const dig = (port: number, ...args: string[]) =>
  run("dig", ["@127.0.0.1", "-p", String(port), "+short", "+tries=1", "+time=1", ...args], 10_000)
    .stdout.trim();

const CONFIG = (listen: string) =>
  [
    "zone: example.test",
    "name_servers: [{name: ns1.example.test, addresses: [192.0.2.53]}]",
    `listen: ["${listen}"]`,
    "records:",
    "  www: [192.0.2.1]",
    "",
  ].join("\n");

describe("the container images (npm run image)", { skip: imageSkipReason() }, () => {
  let dir: string;
  let amd64: UnpackedImage;
  let arm64: UnpackedImage;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "healthy-dns-image-"));
    amd64 = unpackDockerArchive(
      join(IMAGE_DIR, imageFileName("amd64", "docker")),
      join(dir, "amd64"),
    );
    arm64 = unpackDockerArchive(
      join(IMAGE_DIR, imageFileName("arm64", "docker")),
      join(dir, "arm64"),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("config: numeric non-root user, ports, state volume, entrypoint, HEALTHCHECK, OCI labels", () => {
    for (const [arch, image] of [["amd64", amd64], ["arm64", arm64]] as const) {
      const { config } = image.config;
      assert.equal(image.config.architecture, arch);
      assert.equal(config.User, "65532:65532");
      assert.deepEqual(Object.keys(config.ExposedPorts ?? {}).sort(), [
        "53053/tcp",
        "53053/udp",
        "9153/tcp",
      ]);
      assert.deepEqual(Object.keys(config.Volumes ?? {}), ["/var/lib/healthy-dns"]);
      assert.deepEqual(config.Entrypoint, ["/usr/bin/healthy-dns"]);
      assert.deepEqual(config.Cmd, [
        "serve",
        "--config",
        "/etc/healthy-dns/config.yaml",
        "--state-dir",
        "/var/lib/healthy-dns",
      ]);
      assert.deepEqual(config.Healthcheck?.Test, [
        "CMD",
        "/usr/bin/healthy-dns",
        "health",
        "--config",
        "/etc/healthy-dns/config.yaml",
      ]);
      const labels = config.Labels ?? {};
      assert.equal(labels["org.opencontainers.image.version"], pkg.version);
      assert.match(labels["org.opencontainers.image.revision"], /^[0-9a-f]{7,40}(-dirty)?$/);
      assert.match(labels["org.opencontainers.image.source"], /^https:\/\//);
    }
  });

  test("only the executable, its loader and libraries, the user and two directories: no shell, no package manager", () => {
    for (
      const [image, loader, libDir] of [
        [amd64, "/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu"],
        [arm64, "/lib/ld-linux-aarch64.so.1", "/lib/aarch64-linux-gnu"],
      ] as const
    ) {
      const files = [...image.entries].filter(([, [mode]]) => !mode.startsWith("d")).map(([p]) => p)
        .sort();
      assert.deepEqual(
        files,
        [
          "/etc/group",
          "/etc/passwd",
          ...["libc.so.6", "libdl.so.2", "libm.so.6", "libpthread.so.0"].map((l) =>
            `${libDir}/${l}`
          ),
          loader,
          "/usr/bin/healthy-dns",
        ].sort(),
      );
      for (const path of image.entries.keys()) {
        assert.doesNotMatch(path, /\/(sh|bash|busybox|apt|apt-get|dpkg|apk|curl|wget)$/, path);
      }
      assert.deepEqual(image.entries.get("/var/lib/healthy-dns"), ["drwx------", "65532/65532"]);
      assert.ok(image.entries.has("/etc/healthy-dns"));
      const passwd = run("tar", ["-xOf", image.layer, "./etc/passwd"]).stdout ||
        run("tar", ["-xOf", image.layer, "etc/passwd"]).stdout;
      assert.match(passwd, /^healthy-dns:x:65532:65532:/m);
    }
  });

  test("the arm64 image's executable is an aarch64 ELF, the amd64 one x86-64", () => {
    for (const [image, arch] of [[amd64, "x86-64"], [arm64, "arm64"]] as const) {
      const out = join(dir, `bin-${arch}`);
      mkdirSync(out, { recursive: true });
      const extract = run("tar", ["-xf", image.layer, "-C", out]);
      assert.equal(extract.status, 0, extract.stderr);
      const header = readExecutableHeader(
        new Uint8Array(readFileSync(join(out, "usr/bin/healthy-dns")).subarray(0, 4096)),
      );
      assert.equal(header.format, "ELF");
      assert.equal(header.arch, arch);
    }
  });

  test("the multi-arch OCI archive indexes linux/amd64 and linux/arm64", () => {
    const out = join(dir, "multi");
    mkdirSync(out);
    const untar = run("tar", ["-xf", join(IMAGE_DIR, imageFileName(null, "oci")), "-C", out]);
    assert.equal(untar.status, 0, untar.stderr);
    const blob = (digest: string) =>
      JSON.parse(readFileSync(join(out, "blobs", ...digest.split(":")), "utf8"));
    let index = JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
    // buildah writes an index pointing at the list's own index.
    if (index.manifests.length === 1 && /index/.test(index.manifests[0].mediaType)) {
      index = blob(index.manifests[0].digest);
    }
    const platforms = index.manifests.map((m: { platform: { os: string; architecture: string } }) =>
      `${m.platform.os}/${m.platform.architecture}`
    ).sort();
    assert.deepEqual(platforms, ["linux/amd64", "linux/arm64"]);
  });
});

/** Why the amd64 image cannot be run here, or false: podman and the chroot fallback need root. */
function runSkipReason(): string | false {
  const skip = imageSkipReason();
  if (skip !== false || process.getuid?.() === 0 || process.env.CI === "true") return skip;
  return "running the image needs root (.ci/run runs as root)";
}

describe("the amd64 image serving DNS", { skip: runSkipReason() }, () => {
  test(
    "read-only, uid 65532, dig over UDP and TCP, HEALTHCHECK passes while serving and fails once stopped",
    {
      timeout: 240_000,
    },
    async () => {
      assert.ok(
        process.getuid?.() === 0,
        "podman and the chroot fallback need root (.ci/run runs as root)",
      );
      const dir = mkdtempSync(join(tmpdir(), "healthy-dns-image-run-"));
      try {
        const archive = join(IMAGE_DIR, imageFileName("amd64", "docker"));
        const load = run("podman", ["load", "-i", archive]);
        assert.equal(load.status, 0, load.stderr);
        const image = `localhost/healthy-dns:${pkg.version}-amd64`;
        const port = await freePort();
        writeFileSync(join(dir, "config.yaml"), CONFIG("0.0.0.0:53053"));
        const name = `healthy-dns-test-${process.pid}`;
        const started = run("podman", [
          "run",
          "-d",
          "--read-only",
          "--name",
          name,
          "-v",
          `${join(dir, "config.yaml")}:/etc/healthy-dns/config.yaml:ro`,
          "-p",
          `127.0.0.1:${port}:53053/udp`,
          "-p",
          `127.0.0.1:${port}:53053/tcp`,
          image,
        ]);
        if (started.status === 0) {
          console.log("image test: ran the image with `podman run --read-only`");
          try {
            await servesAndHealthchecks(port, {
              uid: () => {
                const pid = run("podman", ["inspect", name, "--format", "{{.State.Pid}}"]).stdout
                  .trim();
                return readFileSync(`/proc/${pid}/status`, "utf8");
              },
              health: () => run("podman", ["healthcheck", "run", name], 30_000).status,
              stop: () => {
                run("podman", ["stop", "-t", "5", name]);
                return Promise.resolve();
              },
            });
          } finally {
            run("podman", ["rm", "-f", name]);
          }
          return;
        }
        run("podman", ["rm", "-f", name]);
        console.log(
          `image test: podman run cannot run a container here (${
            started.stderr.trim().split("\n").at(-1)
          }); ` +
            "running the exported image root with chroot --userspec=65532:65532 instead",
        );
        await runExportedRoot(image, dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

interface Runner {
  /** /proc/PID/status of the server process. */
  uid(): string;
  /** Runs the HEALTHCHECK; its exit status. */
  health(): number | null;
  stop(): Promise<void>;
}

async function servesAndHealthchecks(port: number, runner: Runner) {
  await waitFor(
    "an answer over UDP",
    () => dig(port, "www.example.test", "A") === "192.0.2.1",
    30_000,
  );
  assert.equal(dig(port, "www.example.test", "A", "+tcp"), "192.0.2.1");
  assert.match(runner.uid(), /^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
  assert.equal(runner.health(), 0, "HEALTHCHECK while serving");
  await runner.stop();
  assert.notEqual(runner.health(), 0, "HEALTHCHECK once stopped");
}

/** The fallback: the image's root, exported, read-only, with /proc, /dev and a state tmpfs. */
async function runExportedRoot(image: string, dir: string) {
  const root = join(dir, "root");
  mkdirSync(root);
  const created = run("podman", ["create", image]);
  assert.equal(created.status, 0, created.stderr);
  const id = created.stdout.trim();
  const exported = run("sh", ["-c", `podman export ${id} | tar -x -C '${root}'`]);
  run("podman", ["rm", id]);
  assert.equal(exported.status, 0, exported.stderr);
  const inspect = JSON.parse(run("podman", ["image", "inspect", image]).stdout)[0];
  const entrypoint: string[] = [...inspect.Config.Entrypoint, ...inspect.Config.Cmd];
  const unpacked = unpackDockerArchive(
    join(IMAGE_DIR, imageFileName("amd64", "docker")),
    join(dir, "archive"),
  );
  const healthcheck = unpacked.config.config.Healthcheck?.Test ?? [];
  assert.equal(healthcheck[0], "CMD");
  const port = await freePort();
  writeFileSync(join(root, "etc/healthy-dns/config.yaml"), CONFIG(`127.0.0.1:${port}`));
  mkdirSync(join(root, "proc"));
  mkdirSync(join(root, "dev"));
  const mounts: string[] = [];
  const mount = (args: string[], at: string) => {
    const result = run("mount", [...args, at]);
    assert.equal(result.status, 0, `mount ${args.join(" ")} ${at}: ${result.stderr}`);
    mounts.unshift(at);
  };
  let server: ChildProcess | undefined;
  let exited: Promise<void> | undefined;
  try {
    mount(["--bind", root], root);
    mount(["-o", "remount,bind,ro"], root);
    mounts.shift(); // the remount is the same mount point
    mount(["-t", "proc", "proc"], join(root, "proc"));
    mount(["--bind", "/dev"], join(root, "dev"));
    mount(
      ["-t", "tmpfs", "-o", "uid=65532,gid=65532,mode=0700", "tmpfs"],
      join(root, "var/lib/healthy-dns"),
    );
    const chroot = ["--userspec=65532:65532", root];
    server = spawn("chroot", [...chroot, ...entrypoint], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    server.stderr?.on("data", (chunk) => stderr += String(chunk));
    exited = new Promise((resolve) => server!.on("close", () => resolve()));
    const pid = server.pid;
    await servesAndHealthchecks(port, {
      uid: () => {
        // chroot execs the entrypoint: the pid is the server's.
        return readFileSync(`/proc/${pid}/status`, "utf8");
      },
      health: () => {
        const result = run("chroot", [...chroot, ...healthcheck.slice(1)], 30_000);
        return result.status;
      },
      stop: async () => {
        server!.kill("SIGTERM");
        await exited;
      },
    }).catch((error) => {
      throw new Error(`${error.message}\nserver stderr:\n${stderr}`);
    });
  } finally {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      server.kill("SIGKILL");
      await exited;
    }
    for (const at of mounts) run("umount", [at]);
  }
}
