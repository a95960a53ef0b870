/**
 * A misbehaving TCP client, run as its own process by tests/e2e/tcp_abuse.test.ts
 * (so its work does not share the test's event loop):
 *
 *   tcp_abuser.ts MODE PORT LOCAL_ADDRESS SECONDS [COUNT]
 *
 * MODE
 * - `pipeline`: one connection that keeps 32 KiB of queries in flight and reads every reply;
 * - `noread`: connections that pipeline queries and never read a reply, one after another
 *   (a new one when the server closes the last), COUNT at a time (default 1);
 * - `loris`: COUNT connections each announcing a 64-octet query and then sending one octet
 *   of it every 2 to 5 s;
 * - `axfr`: COUNT secondaries that transfer example.test (AXFR signed with key `xfr-key`,
 *   hmac-sha256, secret in the environment variable HDNS_TSIG_SECRET) again and again, each
 *   reading the whole transfer as fast as it comes.
 *
 * Runs for SECONDS, connecting to 127.0.0.1:PORT from LOCAL_ADDRESS (a loopback address
 * such as 127.0.0.2), then prints one JSON line of counts and exits. Loopback only.
 */
import net from "node:net";
import process from "node:process";
import { Buffer } from "node:buffer";
import { DNS } from "../../../src/wire/constants.ts";
import { skipName } from "../../../src/wire/names.ts";
import { frame } from "./server_harness.ts";
import { transferQuery, tsigKey } from "./xfr_client.ts";

const [mode, portText, local, secondsText, countText] = process.argv.slice(2);
const port = Number(portText);
const endAt = Date.now() + Number(secondsText) * 1000;
const count = Number(countText ?? "1");

/** A framed A query for www.example.test with the given ID. */
function query(id: number): Buffer {
  const name = [3, ..."www".split(""), 7, ..."example".split(""), 4, ..."test".split(""), 0]
    .map((c) => typeof c === "number" ? c : c.charCodeAt(0));
  const message = [id >> 8, id & 0xff, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...name, 0, 1, 0, 1];
  return Buffer.from([message.length >> 8, message.length & 0xff, ...message]);
}

/** 256 queries back to back (IDs 0..255): one write of ~9 KiB. */
const BATCH = Buffer.concat(Array.from({ length: 256 }, (_, i) => query(i)));

function connect(): net.Socket {
  const socket = net.connect({ port, host: "127.0.0.1", localAddress: local });
  socket.on("error", () => {});
  return socket;
}

const stats: Record<string, number> = {};
const add = (key: string, n = 1) => (stats[key] = (stats[key] ?? 0) + n);

function finish(): never {
  console.log(JSON.stringify({ mode, ...stats }));
  process.exit(0);
}

async function pipeline(): Promise<void> {
  const socket = connect();
  await new Promise((resolve) => socket.once("connect", resolve));
  let pending: Buffer = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (pending.length - at >= 2) {
      const length = pending.readUInt16BE(at);
      if (pending.length - at - 2 < length) break;
      add("replies");
      at += 2 + length;
    }
    pending = pending.subarray(at);
  });
  socket.on("close", () => add("closed"));
  while (Date.now() < endAt && !socket.destroyed) {
    if (socket.writableLength < 32 * 1024) {
      socket.write(BATCH);
      add("queries", 256);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  socket.destroy();
}

async function noread(): Promise<void> {
  const one = async () => {
    while (Date.now() < endAt) {
      const socket = connect();
      socket.pause(); // never read: replies stay in the kernel, then in the server
      add("connections");
      const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
      let open = true;
      void closed.then(() => (open = false));
      while (open && Date.now() < endAt) {
        if (socket.write(BATCH)) {
          add("queries", 256);
          await new Promise((resolve) => setImmediate(resolve));
        } else {
          // Backpressure: wait until the server reads again or closes us.
          await Promise.race([
            new Promise((resolve) => socket.once("drain", resolve)),
            closed,
            new Promise((resolve) => setTimeout(resolve, 200)),
          ]);
        }
      }
      socket.destroy();
      if (!open) add("closed_by_server");
    }
  };
  await Promise.all(Array.from({ length: count }, one));
}

async function loris(): Promise<void> {
  const sockets: net.Socket[] = [];
  let open = 0;
  for (let i = 0; i < count && Date.now() < endAt; i++) {
    const socket = connect();
    sockets.push(socket);
    const openedAt = Date.now();
    socket.once("connect", () => {
      add("connected");
      open++;
      socket.write(Buffer.from([0, 64])); // a 64-octet query begins…
      const drip = () => {
        if (socket.destroyed) return;
        socket.write(Buffer.from([0x61])); // …one octet at a time
        timer = setTimeout(drip, 2_000 + Math.random() * 3_000);
      };
      let timer = setTimeout(drip, 2_000 + Math.random() * 3_000);
      socket.once("close", () => {
        clearTimeout(timer);
        open--;
        add(Date.now() - openedAt < 1_000 ? "closed_within_1s" : "closed_later");
      });
    });
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  while (Date.now() < endAt) await new Promise((resolve) => setTimeout(resolve, 100));
  stats.open_at_end = open;
  for (const socket of sockets) socket.destroy();
}

/** The SOA records among a message's answers (an AXFR ends with its second SOA). */
function soaCount(message: Uint8Array): number {
  let at = skipName(message, DNS.HEADER_LENGTH) + 4;
  let soas = 0;
  for (let i = (message[6] << 8) | message[7]; i > 0 && at > 0 && at < message.length; i--) {
    at = skipName(message, at);
    if (at < 0 || at + 10 > message.length) break;
    if (((message[at] << 8) | message[at + 1]) === DNS.TYPE_SOA) soas++;
    at += 10 + ((message[at + 8] << 8) | message[at + 9]);
  }
  return soas;
}

async function axfr(): Promise<void> {
  const key = tsigKey({
    name: "xfr-key",
    algorithm: "hmac-sha256",
    secret: process.env.HDNS_TSIG_SECRET ?? "",
  });
  /** One transfer on a fresh connection; resolves when its last message is in (or it fails). */
  const once = () =>
    new Promise<void>((resolve) => {
      const socket = connect();
      let pending: Buffer = Buffer.alloc(0);
      let soas = 0;
      socket.once("connect", () =>
        socket.write(frame(transferQuery("example.test", "AXFR", { key }).query)));
      socket.on("data", (chunk: Buffer) => {
        pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
        let at = 0;
        while (pending.length - at >= 2) {
          const length = pending.readUInt16BE(at);
          if (pending.length - at - 2 < length) {
            break;
          }
          const message = pending.subarray(at + 2, at + 2 + length);
          add("messages");
          if ((message[3] & 0x0f) !== 0) {
            add(`rcode_${message[3] & 0x0f}`);
          }
          soas += (message[3] & 0x0f) === 0 ? soaCount(message) : 2;
          at += 2 + length;
        }
        pending = pending.subarray(at);
        if (soas >= 2) {
          add("transfers");
          socket.destroy();
        }
      });
      socket.on("close", () =>
        resolve());
    });
  const one = async () => {
    while (Date.now() < endAt) await once();
  };
  await Promise.all(Array.from({ length: count }, one));
}

const modes: Record<string, () => Promise<void>> = { pipeline, noread, loris, axfr };
if (modes[mode] === undefined || !(port > 0)) {
  console.error(`usage: tcp_abuser.ts pipeline|noread|loris|axfr PORT LOCAL SECONDS [COUNT]`);
  process.exit(2);
}
// A hard stop, whatever happens.
setTimeout(finish, Number(secondsText) * 1000 + 5_000);
modes[mode]().then(finish, (error) => {
  console.error(String(error));
  process.exit(1);
});
