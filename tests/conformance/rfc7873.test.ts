/**
 * RFC 7873 (DNS Cookies) with server cookies as RFC 9018 builds them, over
 * real sockets: the in-process server on 127.0.0.1, UDP and TCP.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULTS } from "../../src/config/config.ts";
import { ALL_HEALTHY } from "../../src/health/health_state.ts";
import { withCookie } from "../../scripts/bench/harness/dns_fuzz.ts";
import {
  startTestServer,
  type TestServer,
  udpExchange,
} from "../../scripts/bench/harness/server_harness.ts";
import { makeQuery } from "../../scripts/bench/harness/zone_fixture.ts";

const CLIENT = Uint8Array.from([0x24, 0x64, 0xc4, 0xab, 0xcf, 0x10, 0xc9, 0x57]);

/** A query for `name` A with EDNS and a COOKIE option holding `cookie`. */
function cookieQuery(cookie: Uint8Array, id = 0x4242, name = "www.example.test"): Uint8Array {
  const query = withCookie(makeQuery(name, "A", { id, edns: {} }), cookie.length);
  query.set(cookie, query.length - cookie.length);
  return query;
}

/**
 * The COOKIE option data of a response (null without one) and its full RCODE.
 * Our OPT is the last record and ends the message: found as the root-owned
 * TYPE 41 record whose RDLENGTH reaches exactly the end.
 */
function cookieOf(response: Uint8Array): { cookie: Uint8Array | null; rcode: number } {
  for (let at = response.length - 11; at >= 12; at--) {
    if (response[at] !== 0 || response[at + 1] !== 0 || response[at + 2] !== 41) continue;
    const rdlength = (response[at + 9] << 8) | response[at + 10];
    if (at + 11 + rdlength !== response.length) continue;
    const rcode = (response[at + 5] << 4) | (response[3] & 0x0f);
    for (let o = at + 11; o + 4 <= response.length;) {
      const code = (response[o] << 8) | response[o + 1];
      const length = (response[o + 2] << 8) | response[o + 3];
      if (code === 10) return { cookie: response.slice(o + 4, o + 4 + length), rcode };
      o += 4 + length;
    }
    return { cookie: null, rcode };
  }
  return { cookie: null, rcode: response[3] & 0x0f };
}

const answers = (r: Uint8Array) => (r[6] << 8) | r[7];

describe("RFC 7873 / RFC 9018: DNS cookies", () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      args: ["--demo"],
      health: ALL_HEALTHY,
      overrides: {
        rateLimit: { ...DEFAULTS.rateLimit, responsesPerSecond: 20, slip: 2, exempt: [] },
      },
    });
  });
  after(() => s.stop());

  test("§5.2.3: a client cookie comes back with a 16-octet RFC 9018 server cookie, on UDP and TCP", async () => {
    for (const transport of ["udp", "tcp"] as const) {
      const before = Math.floor(Date.now() / 1000);
      const response = (await s.query(cookieQuery(CLIENT), transport))!;
      const after = Math.floor(Date.now() / 1000);
      const { cookie, rcode } = cookieOf(response);
      assert.equal(rcode, 0);
      assert.ok(answers(response) > 0);
      assert.ok(
        cookie !== null && cookie.length === 24,
        `${transport}: cookie of ${cookie?.length}`,
      );
      assert.deepEqual(
        Array.from(cookie.subarray(0, 8)),
        Array.from(CLIENT),
        "client cookie echoed",
      );
      assert.deepEqual(Array.from(cookie.subarray(8, 12)), [1, 0, 0, 0], "version 1, reserved 0");
      const stamp = new DataView(cookie.buffer, cookie.byteOffset).getUint32(12);
      assert.ok(stamp >= before && stamp <= after, `timestamp ${stamp} is now`);
    }
  });

  test("§5.2.5: a valid server cookie is recognised and echoed unchanged while fresh", async () => {
    const { cookie } = cookieOf((await s.query(cookieQuery(CLIENT), "udp"))!);
    const again = cookieOf((await s.query(cookieQuery(cookie!), "udp"))!);
    assert.deepEqual(Array.from(again.cookie!), Array.from(cookie!));
  });

  test("a reload (SIGHUP) keeps the secret: a cookie from before stays valid", async () => {
    const { cookie } = cookieOf((await s.query(cookieQuery(CLIENT), "udp"))!);
    assert.equal(await s.reload(), true);
    const after = cookieOf((await s.query(cookieQuery(cookie!), "udp"))!);
    assert.deepEqual(
      Array.from(after.cookie!),
      Array.from(cookie!),
      "recognised, so echoed unchanged",
    );
  });

  test("§5.2.4: a wrong server cookie is answered normally with a fresh one", async () => {
    const forged = Uint8Array.from([...CLIENT, 1, 0, 0, 0, 0x60, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const response = (await s.query(cookieQuery(forged), "udp"))!;
    const { cookie, rcode } = cookieOf(response);
    assert.equal(rcode, 0);
    assert.ok(answers(response) > 0);
    assert.notDeepEqual(Array.from(cookie!.subarray(8)), Array.from(forged.subarray(8)));
  });

  test("§5.2.2: a malformed COOKIE option (not 8 or 16-40 octets) gets FORMERR", async () => {
    for (const length of [1, 7, 9, 15, 41]) {
      const response = (await s.query(cookieQuery(new Uint8Array(length).fill(1)), "udp"))!;
      assert.equal(response[3] & 0x0f, 1, `length ${length}`);
      assert.equal(answers(response), 0);
    }
  });

  test("no cookie asked, none given", async () => {
    const response = (await s.query(makeQuery("www.example.test", "A", { edns: {} }), "udp"))!;
    assert.equal(cookieOf(response).cookie, null);
  });

  test(
    "a valid server cookie exempts the client from the limit (20/s here)",
    { timeout: 30_000 },
    async () => {
      const { cookie } = cookieOf(
        (await s.query(cookieQuery(CLIENT, 1, "static.example.test"), "udp"))!,
      );
      let full = 0;
      for (let i = 0; i < 200; i++) {
        const response = await s.query(cookieQuery(cookie!, i, "static.example.test"), "udp");
        if (response !== null && (response[2] & 0x02) === 0 && answers(response) > 0) full++;
      }
      assert.equal(full, 200);
      // The same burst without a cookie (sent at once) is limited.
      const plainReplies = await Promise.all(
        Array.from(
          { length: 60 },
          (_, i) => udpExchange(s.port, makeQuery("static.example.test", "AAAA", { id: i }), 500),
        ),
      );
      const plain = plainReplies.filter((r) => r !== null && (r[2] & 0x02) === 0).length;
      assert.ok(plain < 40, `${plain} of 60 answered in full without a cookie`);
    },
  );

  test(
    "§5.2.3: a limited client with a client cookie only is slipped a BADCOOKIE carrying a valid cookie",
    { timeout: 30_000 },
    async () => {
      const client = Uint8Array.from([7, 7, 7, 7, 7, 7, 7, 7]);
      let badCookie: Uint8Array | null = null;
      for (let i = 0; i < 80 && badCookie === null; i++) {
        const response = await udpExchange(s.port, cookieQuery(client, i, "www.example.net"), 200);
        if (response !== null && cookieOf(response).rcode === 23) badCookie = response;
      }
      assert.ok(badCookie !== null, "a BADCOOKIE came");
      assert.equal(answers(badCookie), 0);
      const fresh = cookieOf(badCookie).cookie!;
      const retry = (await s.query(cookieQuery(fresh, 999, "www.example.net"), "udp"))!;
      assert.equal(cookieOf(retry).rcode, 0);
      assert.ok(answers(retry) > 0, "the retry with the fresh cookie is answered");
    },
  );
});

describe("RFC 9018 §4.4: a cookie stays valid across a restart with the secret in state_dir", () => {
  test("the second server (same state_dir) echoes the first one's cookie as valid", {
    timeout: 30_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "hdns-state-"));
    try {
      const first = await startTestServer({
        args: ["--demo", "--state-dir", dir],
        health: ALL_HEALTHY,
      });
      let cookie: Uint8Array;
      try {
        cookie = cookieOf((await first.query(cookieQuery(CLIENT), "udp"))!).cookie!;
      } finally {
        await first.stop();
      }
      const second = await startTestServer({
        args: ["--demo", "--state-dir", dir],
        health: ALL_HEALTHY,
      });
      try {
        const echoed = cookieOf((await second.query(cookieQuery(cookie), "udp"))!).cookie!;
        assert.deepEqual(Array.from(echoed), Array.from(cookie), "recognised, so echoed unchanged");
      } finally {
        await second.stop();
      }
      // Without state_dir the secret is per process: the cookie is replaced.
      const third = await startTestServer({ args: ["--demo"], health: ALL_HEALTHY });
      try {
        const replaced = cookieOf((await third.query(cookieQuery(cookie), "udp"))!).cookie!;
        assert.notDeepEqual(Array.from(replaced.subarray(16)), Array.from(cookie.subarray(16)));
      } finally {
        await third.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("RFC 9018 §5: a secret rollover takes effect on reload (SIGHUP)", () => {
  test("[old] → [new, old] → [new]: old cookies verify, then are replaced, then are invalid", {
    timeout: 30_000,
  }, async () => {
    const OLD = "0123456789abcdef0123456789abcdef";
    const NEW = "fedcba9876543210fedcba9876543210";
    const dir = mkdtempSync(join(tmpdir(), "hdns-cookie-rollover-"));
    const file = join(dir, "zone.yaml");
    const writeSecrets = (secrets: string[]) =>
      writeFileSync(
        file,
        [
          "zone: example.test",
          "name_servers: [ns1.example.test]",
          `cookies: { secret: [${secrets.join(", ")}] }`,
          "records:",
          "  www: [192.0.2.1]",
          "  ns1: [192.0.2.53]",
          "",
        ].join("\n"),
      );
    writeSecrets([OLD]);
    const s = await startTestServer({ args: ["--config", file], health: ALL_HEALTHY });
    /** Sends `cookie`; returns the cookie that came back and the result the server counted. */
    const ask = async (cookie: Uint8Array) => {
      const count = (result: string) =>
        Number(
          new RegExp(`^healthy_dns_cookies_total\\{result="${result}"\\} (\\d+)$`, "m")
            .exec(s.server.metrics.render())?.[1] ?? 0,
        );
      const before = { valid: count("valid"), invalid: count("invalid") };
      const back = cookieOf((await s.query(cookieQuery(cookie), "udp"))!).cookie!;
      const result = count("valid") > before.valid
        ? "valid"
        : count("invalid") > before.invalid
        ? "invalid"
        : "new";
      return { back: Array.from(back), result };
    };
    try {
      const made = cookieOf((await s.query(cookieQuery(CLIENT), "udp"))!).cookie!;
      const old = Array.from(made);
      assert.deepEqual(await ask(made), { back: old, result: "valid" }, "echoed while [old]");
      writeSecrets([NEW, OLD]);
      assert.equal(await s.reload(), true);
      const second = await ask(made);
      assert.equal(second.result, "valid", "the old secret, second, still verifies");
      assert.notDeepEqual(second.back, old, "and the cookie is replaced by one of the new secret");
      const fresh = Uint8Array.from(second.back);
      assert.deepEqual(await ask(fresh), { back: second.back, result: "valid" });
      writeSecrets([NEW]);
      assert.equal(await s.reload(), true);
      assert.equal((await ask(made)).result, "invalid", "the old secret dropped");
      assert.deepEqual(await ask(fresh), { back: second.back, result: "valid" });
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
