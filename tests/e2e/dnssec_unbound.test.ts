// The DNSSEC proof of dns-contract §3: a real validating resolver (Debian's
// unbound), given each zone's trust anchor as printed by `healthy-dns ds`,
// returns AD for positive, NODATA, NXDOMAIN and DNSKEY answers in the hosted
// and an alias zone, also after a health change, and SERVFAIL for a zone
// whose anchor is wrong. Once per algorithm, plus once against the compiled
// binary. Keys come from `healthy-dns keygen`.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import net from "node:net";
import type { DnssecAlgorithmName } from "../../src/wire/constants.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ALGORITHM_NUMBER } from "../../src/dnssec/keys.ts";
import { type ZoneTiming, zoneTiming } from "../../src/zone/timing.ts";
import { ensureBinary } from "../helpers/binary.ts";
import {
  type CliProcess,
  freePort,
  spawnServer,
  startTestServer,
  type TestServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import {
  ALIAS,
  CHECKED_ADDRESS,
  HOSTED,
  type SignedSetup,
  signedSetup,
  WRONG_ANCHOR_ZONE,
} from "../helpers/signed_setup.ts";
import { needsTools, skipOrFail } from "../../scripts/bench/harness/prerequisite.ts";
import { startUnbound, type Unbound, UNBOUND_BINARY } from "../helpers/unbound.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";
import {
  decode,
  type Decoded,
  type DecodedRecord,
  makeQuery,
} from "../../scripts/bench/harness/zone_fixture.ts";

/**
 * For this algorithm unbound advertises only 512 bytes, so the larger signed
 * answers arrive truncated and are fetched again over TCP.
 */
const SMALL_BUFFER_ALGORITHM: DnssecAlgorithmName = "RSASHA256";
const ALGORITHMS: readonly DnssecAlgorithmName[] = ["RSASHA256", "ECDSAP256SHA256", "ED25519"];
const NO_UNBOUND = needsTools(UNBOUND_BINARY);

/** A TCP listener on CHECKED_ADDRESS that can be stopped and started again on the same port. */
class HealthTarget {
  #server: net.Server | null = null;
  #sockets = new Set<net.Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = net.createServer((socket) => {
      this.#sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => this.#sockets.delete(socket));
      socket.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, CHECKED_ADDRESS, () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) return;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Why a response was not what a test wanted, with unbound's log for validation errors. */
function explain(response: Decoded, unbound: Unbound): string {
  const records = [...response.answers, ...response.authorities].map((r) =>
    `${r.name} ${r.ttl} ${r.type}`
  );
  const shown = records.join(", ");
  return `rcode=${response.rcode} ad=${response.flag_ad} records=[${shown}]\n` +
    `unbound log:\n${unbound.log().slice(-4_000)}`;
}

/** Resolves through unbound and requires a validated (AD) response with `rcode`. */
async function validated(
  unbound: Unbound,
  name: string,
  type: string,
  rcode: "NOERROR" | "NXDOMAIN",
): Promise<Decoded> {
  const response = await unbound.resolve(name, type);
  assert.equal(response.rcode, rcode, `${name} ${type}: ${explain(response, unbound)}`);
  assert.equal(
    response.flag_ad,
    true,
    `${name} ${type} validated (AD): ${explain(response, unbound)}`,
  );
  return response;
}

/** The data of the records of `type` in `records`, as strings. */
const dataOf = (records: readonly DecodedRecord[], type: string) =>
  records.filter((r) => r.type === type).map((r) => String(r.data));

/** The fields of an RRSIG's data this file looks at. */
interface Rrsig {
  typeCovered: string;
  originalTTL: number;
  expiration: number;
  inception: number;
  signersName: string;
}

/** The RRSIG covering `type` owned by `name` in `records` (fails the test if absent). */
function rrsigFor(
  records: readonly DecodedRecord[],
  name: string,
  type: string,
): { record: DecodedRecord; data: Rrsig } {
  const record = records.find((r) =>
    r.type === "RRSIG" && r.name === name && (r.data as Rrsig).typeCovered === type
  );
  assert.ok(
    record !== undefined,
    `an RRSIG over ${name} ${type} in ${records.map((r) => `${r.name} ${r.type}`).join(", ")}`,
  );
  return { record, data: record.data as Rrsig };
}

/** The checks every signed server passes through unbound: A, AAAA, NODATA, NXDOMAIN, DNSKEY, alias zone, wrong anchor. */
function validationTests(
  context: () => { unbound: Unbound; algorithm: DnssecAlgorithmName },
): void {
  test("A answer: AD, the static address", async () => {
    const { unbound } = context();
    const response = await validated(unbound, `static.${HOSTED}`, "A", "NOERROR");
    assert.deepEqual(dataOf(response.answers, "A"), ["192.0.2.10"]);
  });

  test("AAAA answer: AD, the static address", async () => {
    const { unbound } = context();
    const response = await validated(unbound, `static.${HOSTED}`, "AAAA", "NOERROR");
    assert.deepEqual(dataOf(response.answers, "AAAA"), ["2001:db8::10"]);
  });

  test("apex SOA and NS, the name server's A, a mixed-case name, ANY (RFC 8482 HINFO): AD", async () => {
    const { unbound } = context();
    const soa = await validated(unbound, HOSTED, "SOA", "NOERROR");
    assert.equal(soa.answers.filter((r) => r.type === "SOA").length, 1);
    assert.deepEqual(dataOf((await validated(unbound, HOSTED, "NS", "NOERROR")).answers, "NS"), [
      `ns1.${HOSTED}`,
    ]);
    assert.deepEqual(
      dataOf((await validated(unbound, `ns1.${HOSTED}`, "A", "NOERROR")).answers, "A"),
      ["192.0.2.53"],
    );
    assert.deepEqual(
      dataOf((await validated(unbound, "STATIC.Example.TEST", "A", "NOERROR")).answers, "A"),
      ["192.0.2.10"],
    );
    // A name nothing else asks for, so unbound cannot answer ANY from its cache.
    const any = await validated(unbound, `api.eu.${HOSTED}`, "ANY", "NOERROR");
    assert.deepEqual(
      any.answers.filter((r) => r.type !== "RRSIG").map((r) => r.type),
      ["HINFO"],
      explain(any, unbound),
    );
  });

  test("NODATA (an existing name without the type, an empty non-terminal, the apex): AD, empty answer", async () => {
    const { unbound } = context();
    for (
      const [name, type] of [[`static.${HOSTED}`, "TXT"], [`ns1.${HOSTED}`, "AAAA"], [
        `eu.${HOSTED}`,
        "A",
      ], [HOSTED, "A"]]
    ) {
      const response = await validated(unbound, name, type, "NOERROR");
      assert.deepEqual(response.answers, [], `${name} ${type} has no answer`);
    }
  });

  test("NXDOMAIN: AD, for names inside the chain and past its last name", async () => {
    const { unbound } = context();
    for (
      const name of [
        `nope.${HOSTED}`,
        `zzz.${HOSTED}`,
        `a.b.static.${HOSTED}`,
        `0.${HOSTED}`,
        `x.eu.${HOSTED}`,
      ]
    ) {
      await validated(unbound, name, "A", "NXDOMAIN");
    }
  });

  test("DNSKEY: AD, the one combined key of the configured algorithm", async () => {
    const { unbound, algorithm } = context();
    const response = await validated(unbound, HOSTED, "DNSKEY", "NOERROR");
    const keys = response.answers.filter((r) => r.type === "DNSKEY").map((r) =>
      r.data as { flags: number; algorithm: number }
    );
    assert.deepEqual(keys.map((k) => [k.flags, k.algorithm]), [[257, ALGORITHM_NUMBER[algorithm]]]);
  });

  test("alias zone: A, NODATA, NXDOMAIN and DNSKEY validated under its own anchor", async () => {
    const { unbound } = context();
    const a = await validated(unbound, `static.${ALIAS}`, "A", "NOERROR");
    assert.deepEqual(dataOf(a.answers, "A"), ["192.0.2.10"]);
    assert.equal(rrsigFor(a.answers, `static.${ALIAS}`, "A").data.signersName, ALIAS);
    assert.deepEqual((await validated(unbound, `static.${ALIAS}`, "TXT", "NOERROR")).answers, []);
    await validated(unbound, `nope.${ALIAS}`, "AAAA", "NXDOMAIN");
    await validated(unbound, ALIAS, "DNSKEY", "NOERROR");
  });

  test("a wrong trust anchor: SERVFAIL; with CD the same data comes through unvalidated", async () => {
    const { unbound } = context();
    const response = await unbound.resolve(`static.${WRONG_ANCHOR_ZONE}`, "A");
    assert.equal(response.rcode, "SERVFAIL", explain(response, unbound));
    assert.match(
      unbound.log(),
      new RegExp(`validation failure <[^>]*${WRONG_ANCHOR_ZONE.replace(".", "\\.")}`, "i"),
    );
    const unchecked = await unbound.resolve(`static.${WRONG_ANCHOR_ZONE}`, "A", { cd: true });
    assert.equal(unchecked.rcode, "NOERROR", explain(unchecked, unbound));
    assert.equal(unchecked.flag_ad, false);
    assert.deepEqual(dataOf(unchecked.answers, "A"), ["192.0.2.10"]);
  });
}

for (const algorithm of ALGORITHMS) {
  describe(
    `DNSSEC ${algorithm} through a validating unbound (in-process server, real health checks)`,
    { skip: NO_UNBOUND },
    () => {
      let setup: SignedSetup;
      let target: HealthTarget;
      let server: TestServer;
      let unbound: Unbound;
      let timing: ZoneTiming;

      before(async () => {
        target = new HealthTarget();
        await target.start();
        setup = await signedSetup({ algorithm, healthPort: target.port });
        timing = zoneTiming(
          await loadConfig(["--config", setup.configPath], (path) => readFile(path, "utf8")),
        );
        server = await startTestServer({ args: ["--config", setup.configPath] });
        await waitFor(
          "www healthy",
          async () =>
            dataOf(decode(await server.query(makeQuery(`www.${HOSTED}`, "A"), "udp")).answers, "A")
              .length === 1,
          5_000,
        );
        const extraServerLines = algorithm === SMALL_BUFFER_ALGORITHM
          ? ["edns-buffer-size: 512"]
          : [];
        unbound = await startUnbound({
          serverPort: server.port,
          zones: setup.anchors,
          extraServerLines,
        });
      });

      after(async () => {
        await unbound?.stop();
        await server?.stop();
        await target?.stop();
        if (setup !== undefined) {
          rmSync(setup.dir, { recursive: true, force: true });
        }
      });

      validationTests(() => ({ unbound, algorithm }));

      test("health changes: the address leaves (NODATA) and comes back (A), each answer with AD", async () => {
        const www = `www.${HOSTED}`;
        const first = await validated(unbound, www, "A", "NOERROR");
        assert.deepEqual(dataOf(first.answers, "A"), [CHECKED_ADDRESS]);

        await target.stop();
        let last: Decoded | null = null;
        await waitFor("unbound to return NODATA for www once its address is down", async () => {
          last = await unbound.resolve(www, "A");
          return last.rcode === "NOERROR" && last.answers.length === 0;
        }, 10_000);
        assert.equal(
          last!.flag_ad,
          true,
          `NODATA after the change validated: ${explain(last!, unbound)}`,
        );

        await target.start();
        await waitFor("unbound to return the address again once it is back", async () => {
          last = await unbound.resolve(www, "A");
          return dataOf(last.answers, "A").length === 1;
        }, 10_000);
        assert.equal(
          last!.flag_ad,
          true,
          `A after the change validated: ${explain(last!, unbound)}`,
        );
        assert.deepEqual(dataOf(last!.answers, "A"), [CHECKED_ADDRESS]);
      });

      if (algorithm === SMALL_BUFFER_ALGORITHM) {
        test("an answer over unbound's 512-byte buffer: TC over UDP, retried over TCP, validated", async () => {
          const tcpNxdomain = () =>
            Number(
              /^healthy_dns_responses_total\{transport="tcp",rcode="NXDOMAIN"\} (\d+)$/m.exec(
                server.server.metrics.render(),
              )?.[1] ?? 0,
            );
          const name = `truncated.${HOSTED}`;
          const direct = decode(
            await server.query(
              makeQuery(name, "A", { edns: { dnssecOk: true, udpSize: 512 } }),
              "udp",
            ),
          );
          assert.equal(direct.flag_tc, true, "our UDP answer to a 512-byte client is truncated");
          const before = tcpNxdomain();
          await validated(unbound, name, "A", "NXDOMAIN");
          assert.ok(tcpNxdomain() > before, "unbound fetched the NXDOMAIN over TCP");
        });
      }

      // unbound caps and ages TTLs, so the TTL rules of contract §3 are checked
      // on our server's own DO=1 responses.
      test("TTLs on the wire: RRSIG = covered RRset; negative SOA and NSEC = min(SOA TTL, MINIMUM)", async () => {
        const ask = async (name: string, type: string) =>
          decode(await server.query(makeQuery(name, type, { edns: { dnssecOk: true } }), "udp"));
        const positive = await ask(`static.${HOSTED}`, "A");
        assert.equal(positive.answers.find((r) => r.type === "A")!.ttl, timing.addressTtl);
        const aSig = rrsigFor(positive.answers, `static.${HOSTED}`, "A");
        assert.deepEqual([aSig.record.ttl, aSig.data.originalTTL], [
          timing.addressTtl,
          timing.addressTtl,
        ]);

        const dnskey = await ask(HOSTED, "DNSKEY");
        const keySig = rrsigFor(dnskey.answers, HOSTED, "DNSKEY");
        assert.deepEqual([keySig.record.ttl, keySig.data.originalTTL], [
          timing.dnskeyTtl,
          timing.dnskeyTtl,
        ]);

        assert.equal(timing.negativeTtl, Math.min(timing.soaTtl, timing.soaMinimum));
        assert.ok(
          timing.negativeTtl < timing.soaTtl,
          "the config makes the negative TTL differ from the SOA TTL",
        );
        for (
          const [name, type, rcode] of [[`static.${HOSTED}`, "TXT", "NOERROR"], [
            `nope.${HOSTED}`,
            "A",
            "NXDOMAIN",
          ]]
        ) {
          const negative = await ask(name, type);
          assert.equal(negative.rcode, rcode);
          const soa = negative.authorities.find((r) => r.type === "SOA")!;
          assert.equal(soa.ttl, timing.negativeTtl, `${name} ${type}: SOA TTL`);
          const soaSig = rrsigFor(negative.authorities, HOSTED, "SOA");
          assert.deepEqual([soaSig.record.ttl, soaSig.data.originalTTL], [
            timing.negativeTtl,
            timing.soaTtl,
          ], `${name} ${type}: SOA RRSIG TTL, original TTL`);
          const nsecs = negative.authorities.filter((r) => r.type === "NSEC");
          assert.ok(nsecs.length >= 1, `${name} ${type}: an NSEC`);
          for (const nsec of nsecs) {
            assert.equal(nsec.ttl, timing.negativeTtl, `${name} ${type}: NSEC ${nsec.name} TTL`);
            const sig = rrsigFor(negative.authorities, nsec.name, "NSEC");
            assert.deepEqual([sig.record.ttl, sig.data.originalTTL], [
              timing.negativeTtl,
              timing.negativeTtl,
            ], `${name} ${type}: RRSIG(NSEC ${nsec.name})`);
          }
        }
      });

      test("signature window: inception an hour or more back, expiration beyond now + every TTL", async () => {
        const response = decode(
          await server.query(makeQuery(HOSTED, "SOA", { edns: { dnssecOk: true } }), "udp"),
        );
        const { data } = rrsigFor(response.answers, HOSTED, "SOA");
        const now = Math.floor(Date.now() / 1000);
        assert.ok(
          data.inception <= now - 3_600,
          `inception ${data.inception} is at least 1 h before ${now}`,
        );
        assert.ok(
          data.expiration > now + timing.maxTtl,
          `expiration ${data.expiration} is after now + ${timing.maxTtl} s`,
        );
      });
    },
  );
}

describe("DNSSEC through a validating unbound: the compiled binary dist/healthy-dns", {
  skip: NO_UNBOUND,
}, () => {
  let binary = "";
  const algorithm: DnssecAlgorithmName = "ECDSAP256SHA256";
  let setup: SignedSetup | undefined;
  let target: HealthTarget;
  let server: CliProcess | undefined;
  let unbound: Unbound | undefined;
  let unavailable = "";

  before(async () => {
    try {
      binary = ensureBinary();
    } catch (error) {
      unavailable = (error as Error).message;
      return;
    }
    target = new HealthTarget();
    await target.start();
    const port = await freePort();
    setup = await signedSetup({ algorithm, healthPort: target.port, listenPort: port });
    server = await spawnServer(["--config", setup.configPath], binary);
    await waitFor("www healthy", async () => {
      const response = await udpExchange(port, makeQuery(`www.${HOSTED}`, "A"));
      return response !== null && dataOf(decode(response).answers, "A").length === 1;
    }, 5_000);
    unbound = await startUnbound({ serverPort: port, zones: setup.anchors });
  });

  after(async () => {
    await unbound?.stop();
    if (server !== undefined) {
      // Exit codes are tests/e2e/cli_process.test.ts's business (and Deno's
      // node:child_process reports any child it signalled as killed).
      server.kill("SIGTERM");
      await server.exited;
    }
    await target?.stop();
    if (setup !== undefined) rmSync(setup.dir, { recursive: true, force: true });
  });

  test(`${algorithm}: A, AAAA, NODATA, NXDOMAIN, DNSKEY and alias answers validated; wrong anchor SERVFAIL`, async (t) => {
    if (unavailable !== "") {
      skipOrFail(t, unavailable);
      return;
    }
    const resolver = unbound!;
    const checks: [string, string, "NOERROR" | "NXDOMAIN", string[]][] = [
      [`static.${HOSTED}`, "A", "NOERROR", ["192.0.2.10"]],
      [`www.${HOSTED}`, "A", "NOERROR", [CHECKED_ADDRESS]],
      [`static.${HOSTED}`, "AAAA", "NOERROR", ["2001:db8::10"]],
      [`static.${HOSTED}`, "TXT", "NOERROR", []],
      [`nope.${HOSTED}`, "A", "NXDOMAIN", []],
      [`static.${ALIAS}`, "A", "NOERROR", ["192.0.2.10"]],
      [`nope.${ALIAS}`, "A", "NXDOMAIN", []],
    ];
    for (const [name, type, rcode, data] of checks) {
      const response = await validated(resolver, name, type, rcode);
      assert.deepEqual(dataOf(response.answers, type), data, `${name} ${type}`);
    }
    await validated(resolver, HOSTED, "DNSKEY", "NOERROR");
    const wrong = await resolver.resolve(`static.${WRONG_ANCHOR_ZONE}`, "A");
    assert.equal(wrong.rcode, "SERVFAIL", explain(wrong, resolver));
  });
});
