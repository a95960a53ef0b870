#!/usr/bin/env node
// The container image against the bare executable (BENCHMARKS.md, "Container
// image and Debian package"): sizes of dist/image, dist/deb and the release
// file, and the time from start to the first DNS answer on loopback, over
// --runs N runs (default 10), alternating:
//   - bare: the linux-x64 release file, `serve --config C`;
//   - image: the amd64 image with `podman run --read-only`, or, where rootful
//     podman cannot run a container (crun cannot set RLIMIT_NOFILE on the build
//     machines), its exported root, read-only, /proc and /dev mounted, the
//     entrypoint started with `chroot --userspec=65532:65532` (printed: which).
// Needs root and `npm run release`, `npm run image`, `npm run deb` first. Run it
// under the bench lock: flock /tmp/hdns-bench.lock node scripts/bench/bench_image.mjs
// Node.js built-ins only; loopback only.
import { spawn, spawnSync } from "node:child_process";
import dgram from "node:dgram";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { root } from "../project.mjs";

const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 10;
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const PORT = 35354; // fixed: benchmarks run one at a time under the bench lock
/** A DNS query for example.test SOA (ID 0x5151). */
const QUERY = Buffer.from(
  "515100000001000000000000076578616d706c65047465737400" + "00060001",
  "hex",
);
const CONFIG = (listen) =>
  `zone: example.test\nname_servers: [{name: ns1.example.test, addresses: [192.0.2.53]}]\n` +
  `listen: ["${listen}"]\nrecords:\n  www: [192.0.2.1]\n`;

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

/** Runs a command to completion; throws with its stderr on failure. */
function must(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

/** Milliseconds from `start()` to the first answer on 127.0.0.1:PORT; `stop()` after. */
async function msToFirstAnswer(start, stop) {
  const socket = dgram.createSocket("udp4");
  socket.on("error", () => {}); // port unreachable until the server binds
  const started = process.hrtime.bigint();
  const handle = start();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setInterval(() => socket.send(QUERY, PORT, "127.0.0.1"), 2);
      const deadline = setTimeout(() => {
        clearInterval(timer);
        reject(new Error("no answer within 30 s"));
      }, 30_000);
      socket.once("message", () => {
        clearInterval(timer);
        clearTimeout(deadline);
        resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
  } finally {
    socket.close();
    await stop(handle);
  }
}

/** Starts a child and, to stop it, kills it and waits for its exit. */
const child = (command, args) => () => {
  const process = spawn(command, args, { stdio: "ignore" });
  return { process, exited: new Promise((resolve) => process.once("exit", resolve)) };
};
const killChild = async ({ process, exited }) => {
  process.kill("SIGKILL");
  await exited;
};

const releaseFile = join(root, "dist", "release", `healthy-dns-${version}-linux-x64`);
const imageArchive = join(root, "dist", "image", `healthy-dns-${version}-amd64.docker.tar`);
for (const file of [releaseFile, imageArchive]) {
  if (!existsSync(file)) throw new Error(`${file} is missing (npm run release, npm run image)`);
}
const image = `localhost/healthy-dns:${version}-amd64`;
must("podman", ["load", "-i", imageArchive]);

const scratch = mkdtempSync(join(tmpdir(), "healthy-dns-bench-image-"));
const mounts = [];
try {
  writeFileSync(join(scratch, "bare.yaml"), CONFIG(`127.0.0.1:${PORT}`));
  writeFileSync(join(scratch, "image.yaml"), CONFIG("0.0.0.0:53053"));
  const bare = child(releaseFile, ["serve", "--config", join(scratch, "bare.yaml")]);

  const podmanArgs = [
    "run",
    "--rm",
    "--read-only",
    "--name",
    "healthy-dns-bench",
    "-v",
    `${join(scratch, "image.yaml")}:/etc/healthy-dns/config.yaml:ro`,
    "-p",
    `127.0.0.1:${PORT}:53053/udp`,
    image,
  ];
  const probe = spawnSync("podman", [...podmanArgs.slice(0, 1), "-d", ...podmanArgs.slice(1)], {
    encoding: "utf8",
  });
  spawnSync("podman", ["rm", "-f", "healthy-dns-bench"], { stdio: "ignore" });
  let how;
  let imageStart;
  let imageStop = killChild;
  if (probe.status === 0) {
    how = "podman run --read-only";
    imageStart = child("podman", podmanArgs);
    imageStop = async (handle) => {
      spawnSync("podman", ["rm", "-f", "healthy-dns-bench"], { stdio: "ignore" });
      await handle.exited;
    };
  } else {
    how = `the exported root under chroot (podman run: ${probe.stderr.trim().split("\n").at(-1)})`;
    const rootfs = join(scratch, "root");
    mkdirSync(rootfs);
    const id = must("podman", ["create", image]).trim();
    must("sh", ["-c", `podman export ${id} | tar -x -C '${rootfs}'`]);
    must("podman", ["rm", id]);
    writeFileSync(join(rootfs, "etc/healthy-dns/config.yaml"), CONFIG(`127.0.0.1:${PORT}`));
    for (const dir of ["proc", "dev"]) mkdirSync(join(rootfs, dir));
    for (
      const [args, at] of [
        [["--bind", rootfs], rootfs],
        [["-o", "remount,bind,ro"], null],
        [["-t", "proc", "proc"], join(rootfs, "proc")],
        [["--bind", "/dev"], join(rootfs, "dev")],
        [
          ["-t", "tmpfs", "-o", "uid=65532,gid=65532,mode=0700", "tmpfs"],
          join(rootfs, "var/lib/healthy-dns"),
        ],
      ]
    ) {
      must("mount", [...args, at ?? rootfs]);
      if (at !== null) mounts.unshift(at);
    }
    const inspect = JSON.parse(must("podman", ["image", "inspect", image]))[0];
    imageStart = child("chroot", [
      "--userspec=65532:65532",
      rootfs,
      ...inspect.Config.Entrypoint,
      ...inspect.Config.Cmd,
    ]);
  }

  const times = { bare: [], image: [] };
  for (let run = 0; run < RUNS; run++) {
    times.bare.push(await msToFirstAnswer(bare, killChild));
    times.image.push(await msToFirstAnswer(imageStart, imageStop));
  }

  const imageBytes = JSON.parse(must("podman", ["image", "inspect", image]))[0].Size;
  console.log(
    `### Container image and Debian package (${
      new Date().toISOString().slice(0, 16)
    } UTC, ${cpus().length} × ${cpus()[0]?.model.trim()}, load ${
      loadavg().map((l) => l.toFixed(1)).join(" ")
    })\n`,
  );
  console.log(`Image run as: ${how}. ${RUNS} runs each, interleaved; ms median (range).\n`);
  console.log("| | start to first answer ms |\n|---|---|");
  console.log(`| bare linux-x64 file | ${median(times.bare).toFixed(0)} (${range(times.bare)}) |`);
  console.log(`| amd64 image | ${median(times.image).toFixed(0)} (${range(times.image)}) |`);
  console.log("\n| file | size MiB |\n|---|---|");
  console.log(`| linux-x64 release file | ${mib(statSync(releaseFile).size)} |`);
  console.log(`| amd64 image, unpacked (podman image inspect) | ${mib(imageBytes)} |`);
  for (const dir of ["image", "deb"]) {
    const path = join(root, "dist", dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path).filter((n) => /\.(tar|deb)$/.test(n)).sort()) {
      console.log(`| dist/${dir}/${name} | ${mib(statSync(join(path, name)).size)} |`);
    }
  }
} finally {
  for (const at of mounts) spawnSync("umount", [at]);
  rmSync(scratch, { recursive: true, force: true });
}
