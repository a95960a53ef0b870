/**
 * DNSSEC signing benchmark: for each algorithm and zone size, builds N names
 * (each an A RRset plus its NSEC, chain in canonical order) and signs every
 * RRset (2N signatures) in Promise.all batches, printing wall time, signatures
 * per second and peak RSS as a table.
 *
 *   npx deno run -A scripts/bench/bench_signing.ts [--sizes 100,1000,10000] [--batches 1,256]
 *   npx bun scripts/bench/bench_signing.ts
 *
 * One process runs everything, small sizes first, so "peak RSS" is the
 * process's high-water mark up to the end of that run.
 */
import os from "node:os";
import process from "node:process";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { compareCanonicalNames, nsecRdata } from "../../src/dnssec/nsec.ts";
import { generateKeyPem, loadSigningKey, type SigningKey } from "../../src/dnssec/keys.ts";
import { type RRsetToSign, signRRset } from "../../src/dnssec/rrsig.ts";

const ALGORITHMS: readonly DnssecAlgorithmName[] = ["ECDSAP256SHA256", "ED25519", "RSASHA256"];
const APEX = "bench.test";
const A = 1;
const RRSIG = 46;
const NSEC = 47;

function option(name: string, fallback: number[]): number[] {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : process.argv[at + 1].split(",").map(Number);
}

/** Every RRset of an N-name zone: one A set and one NSEC per name. */
function zoneRRsets(count: number): RRsetToSign[] {
  const now = Math.floor(Date.now() / 1000);
  const window = { signer: APEX, inception: now - 3600, expiration: now + 14 * 86400 };
  const names = Array.from({ length: count }, (_, i) => `host${i}.${APEX}`).sort(
    compareCanonicalNames,
  );
  return names.flatMap((owner, i) => [
    {
      owner,
      type: A,
      ttl: 60,
      rdatas: [new Uint8Array([10, (i >> 16) & 255, (i >> 8) & 255, i & 255])],
      ...window,
    },
    {
      owner,
      type: NSEC,
      ttl: 60,
      rdatas: [nsecRdata(names[(i + 1) % count], [A, RRSIG, NSEC])],
      ...window,
    },
  ]);
}

async function signAll(
  key: SigningKey,
  rrsets: readonly RRsetToSign[],
  batch: number,
): Promise<number> {
  let bytes = 0;
  for (let start = 0; start < rrsets.length; start += batch) {
    const made = await Promise.all(
      rrsets.slice(start, start + batch).map((rrset) => signRRset(key, rrset)),
    );
    for (const rrsig of made) bytes += rrsig.length;
  }
  return bytes;
}

const sizes = option("--sizes", [100, 1000, 10000]);
const batches = option("--batches", [1, 256]);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

const cpus = os.cpus();
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
console.log(
  `# DNSSEC signing, ${runtime} ${process.versions[runtime] ?? ""}, ${new Date().toISOString()}`,
);
console.log(`# ${cpus.length} x ${cpus[0]?.model ?? "?"}, load average before: ${load()}`);
console.log(
  "| algorithm | names | signatures | batch | time (s) | signatures/s | peak RSS (MiB) |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const algorithm of ALGORITHMS) {
  const key = await loadSigningKey(await generateKeyPem(algorithm), algorithm);
  for (const count of sizes) {
    for (const batch of batches) {
      const started = performance.now();
      const rrsets = zoneRRsets(count);
      const bytes = await signAll(key, rrsets, batch);
      const seconds = (performance.now() - started) / 1000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      if (bytes === 0) throw new Error("nothing signed");
      const row = [
        algorithm,
        count,
        rrsets.length,
        batch,
        seconds.toFixed(2),
        Math.round(rrsets.length / seconds),
        (peakRss / 2 ** 20).toFixed(0),
      ];
      console.log(`| ${row.join(" | ")} |`);
    }
  }
}
clearInterval(sampler);
console.log(`# load average after: ${load()}`);
