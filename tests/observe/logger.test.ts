import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../src/observe/logger.ts";
import { parseLogfmt } from "../helpers/logfmt.ts";

const AT = () => Date.UTC(2026, 10, 26, 3, 50);

describe("createLogger", () => {
  test("logfmt by default: ts, level, msg, then the fields; undefined fields left out", () => {
    const lines: string[] = [];
    const logger = createLogger("info", (line) => lines.push(line), { now: AT });
    logger.info("ready", { listen: "127.0.0.1:53053", serial: 5, skipped: undefined });
    logger.info("zone built", { reason: "health", signed: false, none: null });
    assert.deepEqual(lines, [
      "ts=2026-11-26T03:50:00.000Z level=info msg=ready listen=127.0.0.1:53053 serial=5",
      'ts=2026-11-26T03:50:00.000Z level=info msg="zone built" reason=health signed=false none=null',
    ]);
  });

  test("drops events below the level; setLevel changes it from the next line", () => {
    const lines: string[] = [];
    const logger = createLogger("warning", (line) => lines.push(line));
    logger.debug("a");
    logger.info("b");
    logger.warning("c");
    logger.critical("d");
    logger.setLevel("debug");
    assert.equal(logger.level, "debug");
    logger.debug("e");
    assert.deepEqual(lines.map((line) => parseLogfmt(line)?.msg), ["c", "d", "e"]);
    assert.deepEqual(lines.map((line) => parseLogfmt(line)?.level), [
      "warning",
      "critical",
      "debug",
    ]);
  });

  test("quotes values with spaces, quotes, equals signs, backslashes, control characters, and empty values", () => {
    const lines: string[] = [];
    const fields = { detail: 'a "b"=c', empty: "", path: "C:\\x", multi: "one\ntwo", tab: "a\tb" };
    createLogger("debug", (line) => lines.push(line), { now: () => 0 }).error("x y", fields);
    assert.equal(
      lines[0],
      'ts=1970-01-01T00:00:00.000Z level=error msg="x y" detail="a \\"b\\"=c" empty="" ' +
        'path="C:\\\\x" multi="one\\ntwo" tab="a\\tb"',
    );
    assert.deepEqual(parseLogfmt(lines[0]), {
      ts: "1970-01-01T00:00:00.000Z",
      level: "error",
      msg: "x y",
      ...fields,
    });
  });

  test("json: one object per line, fields keep their JSON types", () => {
    const lines: string[] = [];
    const logger = createLogger("info", (line) => lines.push(line), { format: "json", now: AT });
    logger.warning('say "hi"\n', { serial: 5, ok: true, gone: undefined, none: null });
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]), {
      ts: "2026-11-26T03:50:00.000Z",
      level: "warning",
      msg: 'say "hi"\n',
      serial: 5,
      ok: true,
      none: null,
    });
  });
});

describe("parseLogfmt (the tests' reader)", () => {
  test("rejects what is not logfmt", () => {
    assert.equal(parseLogfmt("2026-11-26T03:50:00.000Z info ready"), null);
    assert.equal(parseLogfmt('a="unterminated'), null);
    assert.equal(parseLogfmt("a=1 a=2"), null);
    assert.equal(parseLogfmt("a=1 "), null);
    assert.deepEqual(parseLogfmt('a=1 b="x y"'), { a: "1", b: "x y" });
  });
});
