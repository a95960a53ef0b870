// The NOTIFY sender's log lines, against a fake secondary on a real loopback
// UDP socket: an unsigned refusal names the RCODE and the likely cause (an
// alias zone the secondary does not serve), a silent secondary is reported
// after four unanswered sends, a lagging one past LAG_WARNING_MS, and each
// recovery at info. The resend schedule is shortened to milliseconds.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { SecondaryConfig } from "../../src/config/config.ts";
import type { Logger } from "../../src/observe/logger.ts";
import { type RemoteAddress, type UdpEndpoint } from "../../src/runtime/runtime.ts";
import { currentRuntime } from "../../src/runtime/current_runtime.ts";
import {
  createNotifier,
  LAG_WARNING_MS,
  type NotifyZone,
  UNANSWERED_WARNING_SENDS,
} from "../../src/transfer/notifier.ts";
import {
  FUDGE,
  readTsig,
  signMessage,
  tsigKeyTable,
  type TsigRecord,
} from "../../src/transfer/tsig.ts";
import { waitFor } from "../../scripts/bench/harness/wait_for.ts";

const runtime = await currentRuntime();
const KEYS = tsigKeyTable([{
  name: "xfr-key",
  algorithm: "hmac-sha256",
  secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=",
}]);
const KEY = KEYS.get("xfr-key")!;
/** The zone's SOA record in wire form (owner the root, MNAME and RNAME the root, serial 7). */
const SOA = new Uint8Array([
  ...[0, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22], // owner, type SOA, class IN, TTL 60, RDLENGTH 22
  ...[0, 0, 0, 0, 0, 7, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 60],
]);
const ZONE: NotifyZone = { apex: "alias.test", soa: SOA, serial: 7 };

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, fields: Record<string, unknown> = {}) =>
    void lines.push({ level, message, fields });
  return {
    lines,
    logger: {
      debug: at("debug"),
      info: at("info"),
      warning: at("warning"),
      error: at("error"),
      critical: at("critical"),
      level: "debug",
      setLevel() {},
    },
  };
}

/** How the fake secondary answers each NOTIFY it receives: silence, or an RCODE, signed or not. */
type Answer = "silent" | { rcode: number; signed: boolean };

async function setup(answer: () => Answer, monotonic: () => number = () => performance.now()) {
  const received: number[] = [];
  const secondarySocket: UdpEndpoint = await runtime.bindUdp(
    "127.0.0.1",
    0,
    (data: Uint8Array, from: RemoteAddress, endpoint: UdpEndpoint) => {
      received.push(performance.now());
      const how = answer();
      if (how === "silent") return;
      const reply = new Uint8Array(data);
      reply[2] |= 0x80; // QR
      reply[3] = (reply[3] & 0xf0) | how.rcode;
      const request = readTsig(data) as TsigRecord;
      if (!how.signed) {
        const out = reply.subarray(0, request.start).map((b, i) => (i === 11 ? 0 : b));
        endpoint.send(out, from);
        return;
      }
      const unsigned = reply.subarray(0, request.start).map((b, i) => (i === 11 ? 0 : b));
      const signed = signMessage(unsigned, KEY, request.mac, {
        timeSigned: Math.floor(Date.now() / 1000),
        fudge: FUDGE,
        originalId: request.originalId,
        error: 0,
        other: new Uint8Array(0),
      });
      endpoint.send(signed.message, from);
    },
  );
  const { logger, lines } = capture();
  const notifier = createNotifier({
    bindUdp: runtime.bindUdp,
    clock: { now: () => Date.now(), monotonic },
    logger,
    keys: () => KEYS,
    acknowledged: () => {},
    retryDelaysMs: new Array(12).fill(30),
  });
  const secondary: SecondaryConfig = {
    address: "127.0.0.1",
    port: secondarySocket.local.port,
    key: "xfr-key",
  };
  return {
    received,
    lines,
    notify: () => notifier.notify([secondary], [ZONE]),
    stop() {
      notifier.stop();
      secondarySocket.close();
    },
  };
}

const of = (lines: Line[], level: string, text: string) =>
  lines.filter((l) => l.level === level && l.message.includes(text));

describe("NOTIFY log lines", () => {
  test("an unsigned NOTAUTH (alias zone not configured there): the RCODE and the likely cause, once", async () => {
    const s = await setup(() => ({ rcode: 9, signed: false }));
    try {
      s.notify();
      await waitFor("three NOTIFY sends", () => s.received.length >= 3, 5_000);
      const warned = of(s.lines, "warning", "NOTIFY answer not signed");
      assert.equal(warned.length, 1, "said once, not at every retry");
      assert.equal(warned[0].fields.rcode, "NOTAUTH");
      assert.match(
        String(warned[0].fields.cause),
        /does not serve alias\.test \(add the zone there; alias zones too\)/,
      );
    } finally {
      s.stop();
    }
  });

  test("a silent secondary: a warning after four unanswered sends, an info line when it answers again", async () => {
    let answering = false;
    const s = await setup(() => (answering ? { rcode: 0, signed: true } : "silent"));
    try {
      s.notify();
      await waitFor(
        "the unanswered warning",
        () => of(s.lines, "warning", "NOTIFY unanswered").length > 0,
        5_000,
      );
      // Warned as the fifth goes out, so by now four or five have arrived.
      assert.ok(
        s.received.length <= UNANSWERED_WARNING_SENDS + 1,
        `warned after ${s.received.length} sends`,
      );
      assert.equal(
        of(s.lines, "warning", "NOTIFY unanswered")[0].fields.sends,
        UNANSWERED_WARNING_SENDS,
      );
      answering = true;
      await waitFor(
        "the recovery line",
        () => of(s.lines, "info", "acknowledges NOTIFY again").length > 0,
        5_000,
      );
      assert.equal(of(s.lines, "warning", "NOTIFY unanswered").length, 1);
    } finally {
      s.stop();
    }
  });

  test("a secondary not acknowledging for LAG_WARNING_MS: one lag warning, then recovery", async () => {
    let answering = false;
    let clock = 0;
    // Each reading of the monotonic clock moves it on 10 s: the lag passes 60 s within a few sends.
    const s = await setup(
      () => (answering ? { rcode: 0, signed: true } : { rcode: 5, signed: false }),
      () => (clock += 10_000),
    );
    try {
      s.notify();
      await waitFor(
        "the lag warning",
        () => of(s.lines, "warning", "secondary lags").length > 0,
        5_000,
      );
      const lag = of(s.lines, "warning", "secondary lags")[0].fields;
      assert.equal(lag.serial, 7);
      assert.ok(Number(lag.lag_s) >= LAG_WARNING_MS / 1000, `lag ${lag.lag_s} s`);
      assert.equal(of(s.lines, "warning", "NOTIFY unanswered").length, 0, "it did answer");
      answering = true;
      await waitFor(
        "the recovery",
        () => of(s.lines, "info", "acknowledges NOTIFY again").length > 0,
        5_000,
      );
      assert.equal(of(s.lines, "warning", "secondary lags").length, 1, "warned once");
    } finally {
      s.stop();
    }
  });
});
