import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  COOKIE_INVALID,
  COOKIE_NEW,
  COOKIE_NONE,
  COOKIE_VALID,
  createServerCookies,
} from "../../src/cookies/server_cookies.ts";

const fromHex = (hex: string) =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => parseInt(byte, 16));
const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A query for example.com A with EDNS and, when given, a COOKIE option holding `cookie` (hex). */
function query(cookie: string | null, extraOptions = ""): Uint8Array {
  const options = fromHex(
    (cookie === null ? "" : `000a${(cookie.length / 2).toString(16).padStart(4, "0")}${cookie}`) +
      extraOptions,
  );
  const head = fromHex("e03e00000001000000000001076578616d706c6503636f6d0000010001");
  const opt = new Uint8Array(11 + options.length);
  opt.set([0, 0, 41, 0x10, 0, 0, 0, 0, 0, options.length >> 8, options.length & 0xff]);
  opt.set(options, 11);
  const out = new Uint8Array(head.length + opt.length);
  out.set(head);
  out.set(opt, head.length);
  return out;
}

// RFC 9018 Appendix A.
const SECRET = fromHex("e5e973e5a6b2a43f48e7dc849e37bfcf");

describe("server cookies (RFC 7873, RFC 9018)", () => {
  test("A.1: a client cookie alone gets the RFC's server cookie", () => {
    const cookies = createServerCookies([SECRET]);
    assert.equal(
      cookies.check(query("2464c4abcf10c957"), "198.51.100.100", 1559731985),
      COOKIE_NEW,
    );
    assert.equal(hex(cookies.option), "2464c4abcf10c957010000005cf79f111f8130c3eee29480");
  });

  test("the same cookie back within half an hour is valid and echoed", () => {
    const cookies = createServerCookies([SECRET]);
    const cookie = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
    assert.equal(cookies.check(query(cookie), "198.51.100.100", 1559731985 + 600), COOKIE_VALID);
    assert.equal(hex(cookies.option), cookie);
    // Through a dual-stack socket the same client shows up IPv4-mapped.
    assert.equal(cookies.check(query(cookie), "::ffff:198.51.100.100", 1559731985), COOKIE_VALID);
  });

  test("A.2: valid but older than half an hour: renewed", () => {
    const cookies = createServerCookies([SECRET]);
    const old = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
    assert.equal(cookies.check(query(old), "198.51.100.100", 1559734385), COOKIE_VALID);
    assert.equal(hex(cookies.option), "2464c4abcf10c957010000005cf7a871d4a564a1442aca77");
  });

  test("A.3: older than an hour: invalid, and a fresh cookie with zero reserved bytes", () => {
    const cookies = createServerCookies([SECRET]);
    const old = "fc93fc62807ddb8601abcdef5cf78f71a314227b6679ebf5";
    assert.equal(cookies.check(query(old), "203.0.113.203", 1559734700), COOKIE_INVALID);
    assert.equal(hex(cookies.option), "fc93fc62807ddb86010000005cf7a9acf73a7810aca2381e");
    // Within the hour the same cookie (reserved bytes and all) verifies.
    assert.equal(cookies.check(query(old), "203.0.113.203", 1559727985 + 3000), COOKIE_VALID);
  });

  test("A.4: IPv6, verified with the previous secret, renewed with the new one", () => {
    const cookies = createServerCookies([
      fromHex("445536bcd2513298075a5d379663c962"),
      fromHex("dd3bdf9344b678b185a6f5cb60fca715"),
    ]);
    const status = cookies.check(
      query("22681ab97d52c298010000005cf7c57926556bd0934c72f8"),
      "2001:db8:220:1:59de:d0f4:8769:82b8",
      1559741961,
    );
    assert.equal(status, COOKIE_VALID);
    assert.equal(hex(cookies.option), "22681ab97d52c298010000005cf7c609a6bb79d16625507a");
  });

  test("a cookie is bound to the client address, the secret and the clock window", () => {
    const cookie = "2464c4abcf10c957010000005cf79f111f8130c3eee29480";
    const cookies = createServerCookies([SECRET]);
    assert.equal(cookies.check(query(cookie), "198.51.100.101", 1559731985), COOKIE_INVALID);
    assert.equal(cookies.check(query(cookie), "198.51.100.100", 1559731985 - 301), COOKIE_INVALID);
    assert.equal(cookies.check(query(cookie), "198.51.100.100", 1559731985 - 300), COOKIE_VALID);
    assert.equal(cookies.check(query(cookie), "198.51.100.100", 1559731985 + 3601), COOKIE_INVALID);
    const other = createServerCookies([fromHex("00".repeat(16))]);
    assert.equal(other.check(query(cookie), "198.51.100.100", 1559731985), COOKIE_INVALID);
    // One changed hash bit.
    const forged = cookie.slice(0, -1) + "1";
    assert.equal(cookies.check(query(forged), "198.51.100.100", 1559731985), COOKIE_INVALID);
  });

  test("another server's cookie format (8..32 bytes) is invalid, not malformed", () => {
    const cookies = createServerCookies([SECRET]);
    assert.equal(
      cookies.check(query("2464c4abcf10c957" + "aa".repeat(8)), "192.0.2.1", 1e9),
      COOKIE_INVALID,
    );
    assert.equal(
      cookies.check(query("2464c4abcf10c957" + "aa".repeat(32)), "192.0.2.1", 1e9),
      COOKIE_INVALID,
    );
    assert.equal(hex(cookies.option).slice(0, 18), "2464c4abcf10c95701");
  });

  test("no option, or a malformed one, is left to the answer path", () => {
    const cookies = createServerCookies([SECRET]);
    assert.equal(cookies.check(query(null), "192.0.2.1", 1e9), COOKIE_NONE);
    assert.equal(cookies.check(query("2464c4abcf10"), "192.0.2.1", 1e9), COOKIE_NONE);
    assert.equal(cookies.check(query("2464c4abcf10c957aa"), "192.0.2.1", 1e9), COOKIE_NONE);
    assert.equal(cookies.check(query("aa".repeat(41)), "192.0.2.1", 1e9), COOKIE_NONE);
    // An option running past the OPT's end.
    assert.equal(
      cookies.check(query(null, "000a00092464c4abcf10c957"), "192.0.2.1", 1e9),
      COOKIE_NONE,
    );
  });

  test("the option is found behind others", () => {
    const cookies = createServerCookies([SECRET]);
    const behind = query(null, "00030000" + "000a00082464c4abcf10c957");
    assert.equal(cookies.check(behind, "192.0.2.1", 1e9), COOKIE_NEW);
  });
});
