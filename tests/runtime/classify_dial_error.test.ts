import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { classifyDialError } from "../../src/runtime/classify_dial_error.ts";

function errnoError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

describe("classifyDialError", () => {
  test("errno codes map to reasons, with the code in the detail", () => {
    const cases: [string, string][] = [
      ["ECONNREFUSED", "refused"],
      ["ETIMEDOUT", "timeout"],
      ["EHOSTUNREACH", "unreachable"],
      ["ENETUNREACH", "unreachable"],
      ["EADDRNOTAVAIL", "unreachable"],
      ["ENETDOWN", "unreachable"],
      ["EHOSTDOWN", "unreachable"],
      ["ECONNRESET", "error"],
      ["EACCES", "error"],
    ];
    for (const [code, reason] of cases) {
      const result = classifyDialError(errnoError(code, "connect failed"));
      assert.deepEqual(result, { reason, detail: `${code}: connect failed` }, code);
    }
  });

  test("Deno error classes without a code are recognised by name", () => {
    assert.equal(classifyDialError(namedError("ConnectionRefused", "x")).reason, "refused");
    assert.equal(classifyDialError(namedError("TimedOut", "x")).reason, "timeout");
    assert.equal(classifyDialError(namedError("NetworkUnreachable", "x")).reason, "unreachable");
    assert.equal(classifyDialError(namedError("AddrNotAvailable", "x")).reason, "unreachable");
  });

  test("anything else is an error whose detail is the message", () => {
    assert.deepEqual(classifyDialError(new Error("failed to lookup address")), {
      reason: "error",
      detail: "failed to lookup address",
    });
    assert.deepEqual(classifyDialError("boom"), { reason: "error", detail: "boom" });
  });
});
