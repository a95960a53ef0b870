import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTcpFramer, frameTcpMessage } from "../../src/server/tcp_framer.ts";

const bytes = (...values: number[]) => new Uint8Array(values);
const asArrays = (messages: readonly Uint8Array[]) => messages.map((m) => [...m]);

describe("createTcpFramer", () => {
  test("one message in one chunk", () => {
    const result = createTcpFramer(100).push(bytes(0, 3, 1, 2, 3));
    assert.deepEqual(asArrays(result.messages), [[1, 2, 3]]);
    assert.equal(result.close, false);
  });

  test("a message delivered one byte at a time, prefix split too", () => {
    const framer = createTcpFramer(100);
    const stream = [0, 3, 7, 8, 9];
    const seen: number[][] = [];
    stream.forEach((b, i) => {
      const result = framer.push(bytes(b));
      assert.equal(result.close, false);
      seen.push(...asArrays(result.messages));
      if (i < stream.length - 1) {
        assert.equal(result.messages.length, 0, `byte ${i} completed nothing`);
      }
    });
    assert.deepEqual(seen, [[7, 8, 9]]);
  });

  test("pipelined messages in one chunk all come out, in order", () => {
    const result = createTcpFramer(100).push(bytes(0, 1, 0xa, 0, 2, 0xb, 0xc, 0, 1, 0xd));
    assert.deepEqual(asArrays(result.messages), [[0xa], [0xb, 0xc], [0xd]]);
  });

  test("a complete message is released even while the next one is partial", () => {
    const framer = createTcpFramer(100);
    const first = framer.push(bytes(0, 1, 0x42, 0, 5, 1));
    assert.deepEqual(asArrays(first.messages), [[0x42]]);
    const second = framer.push(bytes(2, 3, 4, 5));
    assert.deepEqual(asArrays(second.messages), [[1, 2, 3, 4, 5]]);
  });

  test("a zero length prefix closes, after releasing earlier messages", () => {
    const framer = createTcpFramer(100);
    const result = framer.push(bytes(0, 1, 9, 0, 0, 0, 1, 8));
    assert.deepEqual(asArrays(result.messages), [[9]]);
    assert.equal(result.close, true);
    assert.equal(framer.push(bytes(0, 1, 7)).close, true, "stays closed");
  });

  test("a length over the limit closes without buffering the body", () => {
    const framer = createTcpFramer(512);
    assert.equal(framer.push(bytes(0x02, 0x00)).close, false, "512 is allowed");
    const over = createTcpFramer(512).push(bytes(0x02, 0x01));
    assert.equal(over.close, true);
    assert.equal(over.messages.length, 0);
  });

  test("returned messages are copies, not views of the chunk", () => {
    const chunk = bytes(0, 2, 5, 6);
    const [message] = createTcpFramer(100).push(chunk).messages;
    chunk[2] = 99;
    assert.deepEqual([...message], [5, 6]);
  });
});

describe("frameTcpMessage", () => {
  test("prefixes the big-endian length", () => {
    const framed = frameTcpMessage(new Uint8Array(300).fill(1));
    assert.equal(framed.length, 302);
    assert.deepEqual([framed[0], framed[1], framed[2]], [1, 44, 1]);
  });

  test("round-trips through the framer", () => {
    const message = bytes(1, 2, 3, 4);
    assert.deepEqual(asArrays(createTcpFramer(10).push(frameTcpMessage(message)).messages), [[
      1,
      2,
      3,
      4,
    ]]);
  });

  test("refuses a message longer than 65535 bytes", () => {
    assert.throws(() => frameTcpMessage(new Uint8Array(65536)), /65536 bytes exceeds 65535/);
  });
});
