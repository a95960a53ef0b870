import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bindErrorReason } from "../../src/server/bind_error_reason.ts";
import { formatAddress } from "../../src/server/format_address.ts";

describe("bindErrorReason", () => {
  test("recognises address-in-use as Deno and Bun report it", () => {
    const deno = Object.assign(new Error("Address already in use (os error 98)"), {
      name: "AddrInUse",
    });
    const bun = Object.assign(new Error("Failed to listen at 127.0.0.1"), { code: "EADDRINUSE" });
    assert.equal(bindErrorReason(deno), "address already in use");
    assert.equal(bindErrorReason(bun), "address already in use");
  });

  test("permission and unavailable address get plain reasons", () => {
    assert.match(
      bindErrorReason(Object.assign(new Error("x"), { code: "EACCES" })),
      /^permission denied/,
    );
    assert.equal(
      bindErrorReason(new Error("Cannot assign requested address (os error 99)")),
      "address not available on this host",
    );
  });

  test("anything else keeps the first line of its message", () => {
    assert.equal(bindErrorReason(new Error("strange\nstack")), "strange");
  });
});

describe("formatAddress", () => {
  test("brackets IPv6", () => {
    assert.equal(formatAddress({ hostname: "::1", port: 53 }), "[::1]:53");
    assert.equal(formatAddress({ hostname: "127.0.0.1", port: 53053 }), "127.0.0.1:53053");
  });
});
