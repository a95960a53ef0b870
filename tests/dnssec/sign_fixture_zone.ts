/**
 * Signs one fixture zone with OUR code (src/dnssec) and prints it in
 * zone-file format, for ldns-verify-zone and dnssec-verify to judge:
 *
 *   npx deno run -A tests/dnssec/sign_fixture_zone.ts ED25519 example.test > signed.zone
 *
 * Run by scripts/make_dnssec_fixtures.sh. Signatures are valid from an hour ago
 * for two weeks, so the verifiers (which check against the current time) accept them.
 */
import process from "node:process";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { bytesToBase64 } from "../../src/wire/bytes.ts";
import { compareCanonicalNames, nsecRdata } from "../../src/dnssec/nsec.ts";
import { loadSigningKey } from "../../src/dnssec/keys.ts";
import { signRRset } from "../../src/dnssec/rrsig.ts";
import { canonicalRdata, fixtureDir, fixtureText, loadFixture } from "./dnssec_fixture.ts";

const MNEMONIC: Readonly<Record<number, string>> = {
  1: "A",
  2: "NS",
  6: "SOA",
  28: "AAAA",
  46: "RRSIG",
  47: "NSEC",
  48: "DNSKEY",
};
const [algorithm, origin] = process.argv.slice(2) as [DnssecAlgorithmName, string];
const zone = loadFixture(algorithm).zones.find((z) => z.origin === origin);
if (!zone) throw new Error(`no fixture zone ${origin} for ${algorithm}`);
const key = await loadSigningKey(fixtureText(`${fixtureDir(algorithm)}/key.pem`), algorithm);
const now = Math.floor(Date.now() / 1000);
const window = { signer: origin, inception: now - 3600, expiration: now + 14 * 86400 };
const soa = zone.records.find((r) => r.type === 6)!;
const negativeTtl = Math.min(soa.ttl, Number(soa.data[6]));

const rrsets = new Map<
  string,
  { owner: string; type: number; ttl: number; texts: string[]; rdatas: Uint8Array[] }
>();
for (const record of zone.records) {
  const id = `${record.owner}/${record.type}`;
  const set = rrsets.get(id) ??
    { owner: record.owner, type: record.type, ttl: record.ttl, texts: [], rdatas: [] };
  set.texts.push(record.data.join(" "));
  set.rdatas.push(canonicalRdata(record));
  rrsets.set(id, set);
}
const owners = [...new Set(zone.records.map((r) => r.owner))].sort(compareCanonicalNames);
owners.forEach((owner, i) => {
  const next = owners[(i + 1) % owners.length];
  const types = [
    ...new Set(zone.records.filter((r) => r.owner === owner).map((r) => r.type)),
    46,
    47,
  ].sort((a, b) => a - b);
  rrsets.set(`${owner}/47`, {
    owner,
    type: 47,
    ttl: negativeTtl,
    texts: [`${next}. ${types.map((t) => MNEMONIC[t]).join(" ")}`],
    rdatas: [nsecRdata(next, types)],
  });
});

const stamp = (seconds: number) =>
  new Date(seconds * 1000).toISOString().replace(/[-:T]/g, "").slice(0, 14);
for (const set of rrsets.values()) {
  for (const text of set.texts) {
    console.log(`${set.owner}. ${set.ttl} IN ${MNEMONIC[set.type]} ${text}`);
  }
  const rrsig = await signRRset(key, {
    owner: set.owner,
    type: set.type,
    ttl: set.ttl,
    rdatas: set.rdatas,
    ...window,
  });
  const view = new DataView(rrsig.buffer, rrsig.byteOffset);
  const signerLength = rrsig.length - (key.algorithm === 8 ? 256 : 64) - 18;
  const fields = [
    MNEMONIC[view.getUint16(0)],
    rrsig[2],
    rrsig[3],
    view.getUint32(4),
    stamp(view.getUint32(8)),
    stamp(view.getUint32(12)),
    view.getUint16(16),
    `${origin}.`,
    bytesToBase64(rrsig.subarray(18 + signerLength)),
  ];
  console.log(`${set.owner}. ${set.ttl} IN RRSIG ${fields.join(" ")}`);
}
