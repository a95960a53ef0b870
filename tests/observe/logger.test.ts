import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "../../src/observe/logger.ts";

describe("createLogger", () => {
  test("one line per event: ISO time, level, message, key=value fields", () => {
    const lines: string[] = [];
    const logger = createLogger(
      "info",
      (line) => lines.push(line),
      () => Date.UTC(2026, 10, 26, 3, 50),
    );
    logger.info("ready", { listen: "127.0.0.1:53053", serial: 5, skipped: undefined });
    assert.deepEqual(lines, [
      "2026-11-26T03:50:00.000Z info ready listen=127.0.0.1:53053 serial=5",
    ]);
  });

  test("drops events below the level", () => {
    const lines: string[] = [];
    const logger = createLogger("warning", (line) => lines.push(line));
    logger.debug("a");
    logger.info("b");
    logger.warning("c");
    logger.critical("d");
    assert.deepEqual(lines.map((line) => line.split(" ").slice(1).join(" ")), [
      "warning c",
      "critical d",
    ]);
  });

  test("quotes values with spaces, quotes or equals signs, and empty values", () => {
    const lines: string[] = [];
    createLogger("debug", (line) => lines.push(line), () => 0).error("x", {
      detail: 'a "b"=c',
      empty: "",
    });
    assert.equal(lines[0], '1970-01-01T00:00:00.000Z error x detail="a \\"b\\"=c" empty=""');
  });
});
