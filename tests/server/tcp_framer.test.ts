import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTcpFramer, frameTcpMessage, type TcpFramer } from "../../src/server/tcp_framer.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

/** Every message the framer can release now. */
function drain(framer: TcpFramer): number[][] {
  const out: number[][] = [];
  for (let m = framer.next(); m !== null; m = framer.next()) out.push([...m]);
  return out;
}

describe("createTcpFramer", () => {
  test("one message in one chunk", () => {
    const framer = createTcpFramer();
    framer.push(bytes(0, 3, 1, 2, 3));
    assert.deepEqual(drain(framer), [[1, 2, 3]]);
    assert.equal(framer.broken, false);
    assert.equal(framer.buffered, 0);
  });

  test("a message delivered one byte at a time, prefix split too", () => {
    const framer = createTcpFramer();
    const stream = [0, 3, 7, 8, 9];
    const seen: number[][] = [];
    stream.forEach((b, i) => {
      framer.push(bytes(b));
      const out = drain(framer);
      seen.push(...out);
      if (i < stream.length - 1) {
        assert.equal(out.length, 0, `byte ${i} completed nothing`);
        assert.equal(framer.partial, true, `byte ${i}: a message in progress`);
      }
    });
    assert.deepEqual(seen, [[7, 8, 9]]);
    assert.equal(framer.partial, false);
  });

  test("pipelined messages in one chunk come out one at a time, in order", () => {
    const framer = createTcpFramer();
    framer.push(bytes(0, 1, 0xa, 0, 2, 0xb, 0xc, 0, 1, 0xd));
    assert.deepEqual([...framer.next()!], [0xa]);
    assert.equal(framer.buffered, 7, "the rest waits");
    assert.equal(framer.partial, false, "complete messages waiting are not partial");
    assert.deepEqual(drain(framer), [[0xb, 0xc], [0xd]]);
  });

  test("a complete message is released even while the next one is partial", () => {
    const framer = createTcpFramer();
    framer.push(bytes(0, 1, 0x42, 0, 5, 1));
    assert.deepEqual(drain(framer), [[0x42]]);
    assert.equal(framer.partial, true);
    framer.push(bytes(2, 3, 4, 5));
    assert.deepEqual(drain(framer), [[1, 2, 3, 4, 5]]);
  });

  test("a zero length prefix breaks the stream, after the earlier messages", () => {
    const framer = createTcpFramer();
    framer.push(bytes(0, 1, 9, 0, 0, 0, 1, 8));
    assert.deepEqual(drain(framer), [[9]]);
    assert.equal(framer.broken, true);
    framer.push(bytes(0, 1, 7));
    assert.equal(framer.next(), null, "stays broken");
  });

  test("messages of every length up to 65,535 octets are read", () => {
    const framer = createTcpFramer();
    const big = new Uint8Array(65_535).fill(7);
    const framed = frameTcpMessage(big);
    framer.push(framed.subarray(0, 40_000));
    assert.equal(framer.next(), null);
    assert.equal(framer.partial, true);
    framer.push(framed.slice(40_000));
    const message = framer.next()!;
    assert.equal(message.length, 65_535);
    assert.equal(message[65_534], 7);
  });

  test("returned messages are copies, not views of the chunk", () => {
    const chunk = bytes(0, 2, 5, 6);
    const framer = createTcpFramer();
    framer.push(chunk);
    const message = framer.next()!;
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
    const framer = createTcpFramer();
    framer.push(frameTcpMessage(bytes(1, 2, 3, 4)));
    assert.deepEqual(drain(framer), [[1, 2, 3, 4]]);
  });

  test("refuses a message longer than 65535 bytes", () => {
    assert.throws(() => frameTcpMessage(new Uint8Array(65536)), /65536 bytes exceeds 65535/);
  });
});
