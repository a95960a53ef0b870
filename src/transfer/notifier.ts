import type { SecondaryConfig } from "../config/config.ts";
import type { Logger } from "../observe/logger.ts";
import { RCODE_NAMES } from "../observe/metrics.ts";
import type { Clock, RemoteAddress, Runtime, UdpEndpoint } from "../runtime/runtime.ts";
import { DNS } from "../wire/constants.ts";
import { nameToWire } from "../wire/names.ts";
import { peerAddress } from "../wire/ip_address.ts";
import { FUDGE, readTsig, signMessage, type TsigKey, verifyTsig } from "./tsig.ts";

/** Opcode NOTIFY (RFC 1996), in header byte 2. */
const OPCODE_NOTIFY = 4 << 3;
/** Waits before the retries of an unacknowledged NOTIFY, ms: fast first, then growing. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 60_000, 60_000, 60_000];
/**
 * Sends with no answer at all after which a silent secondary is reported:
 * four, i.e. 15 s after the first with the default schedule (a lost datagram
 * or two is normal; four in a row is a secondary down or unreachable).
 */
export const UNANSWERED_WARNING_SENDS = 4;
/**
 * How long a secondary may go without acknowledging the newest serial of a
 * zone before a warning (checked at each resend: 61 s with the default
 * schedule). Its /status lag grows meanwhile; a minute is well beyond a
 * healthy secondary's few milliseconds and well within the zone's refresh.
 */
export const LAG_WARNING_MS = 60_000;
/** TSIG errors (RFC 8945 §5.3.2) a secondary may answer with. */
const TSIG_BADSIG = 16;
const TSIG_BADKEY = 17;
const TSIG_BADTIME = 18;

/** One zone version to announce. */
export interface NotifyZone {
  readonly apex: string;
  /** Its SOA record in wire form (sent in the answer section as a hint, RFC 1996 §3.7). */
  readonly soa: Uint8Array;
  readonly serial: number;
}

/** Sends NOTIFY and tracks acknowledgements. */
export interface Notifier {
  /** Announces `zones` to every secondary, replacing any announcement still unacknowledged. */
  notify(secondaries: readonly SecondaryConfig[], zones: readonly NotifyZone[]): void;
  stop(): void;
}

/** What the notifier needs. */
export interface NotifierDeps {
  readonly bindUdp: Runtime["bindUdp"];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly keys: () => ReadonlyMap<string, TsigKey>;
  /** A secondary acknowledged `serial` of `apex`. */
  readonly acknowledged: (secondary: SecondaryConfig, apex: string, serial: number) => void;
  /** Waits before each resend, ms (default: 1 s, 2 s, 4 s … at most a minute; tests shorten it). */
  readonly retryDelaysMs?: readonly number[];
}

interface Pending {
  readonly secondary: SecondaryConfig;
  readonly zone: NotifyZone;
  readonly id: number;
  readonly mac: Uint8Array | null;
  readonly message: Uint8Array;
  /** When this secondary was first sent a serial of the zone it has not acknowledged (monotonic ms). */
  readonly since: number;
  attempts: number;
  /** Whether any reply (even one not acknowledging) came for it. */
  answered: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** What was reported about a secondary and zone, so that recovery is reported too. */
interface Trouble {
  unanswered: boolean;
  lagging: boolean;
}

/**
 * The likely cause of a reply that does not acknowledge a NOTIFY: from the
 * TSIG error if the secondary gave one, else from the RCODE. An unknown
 * zone (an alias zone not configured on the secondary) is the usual one.
 */
function likelyCause(rcode: number, tsigError: number | null, zone: string, key: string): string {
  if (tsigError === TSIG_BADKEY) return `the secondary does not know the key ${key}`;
  if (tsigError === TSIG_BADSIG) return `the secondary has another secret for the key ${key}`;
  if (tsigError === TSIG_BADTIME) {
    return "the two clocks differ by more than the TSIG fudge (300 s)";
  }
  if (rcode === DNS.RCODE_NOTAUTH || rcode === DNS.RCODE_REFUSED) {
    return `the secondary does not serve ${zone} (add the zone there; alias zones too), ` +
      `or does not take NOTIFY from this address with the key ${key}`;
  }
  if (rcode === DNS.RCODE_NOERROR) return `the secondary answered without the key ${key}`;
  return "the secondary could not handle the NOTIFY";
}

function notifyMessage(id: number, zone: NotifyZone): Uint8Array {
  const qname = nameToWire(zone.apex);
  const out = new Uint8Array(DNS.HEADER_LENGTH + qname.length + 4 + zone.soa.length);
  out[0] = id >> 8;
  out[1] = id & 0xff;
  out[2] = OPCODE_NOTIFY | DNS.FLAG_AA;
  out[5] = 1; // QDCOUNT
  out[7] = 1; // ANCOUNT
  out.set(qname, DNS.HEADER_LENGTH);
  const at = DNS.HEADER_LENGTH + qname.length;
  out[at + 1] = DNS.TYPE_SOA;
  out[at + 3] = DNS.CLASS_IN;
  out.set(zone.soa, at + 4);
  return out;
}

/**
 * Creates the NOTIFY sender (RFC 1996): one UDP socket per address family,
 * bound on demand to an ephemeral port; each NOTIFY is TSIG-signed with the
 * secondary's key and retried after 1 s, 2 s, 4 s … (at most a minute apart,
 * ten sends in all) until the secondary answers (a signed NOERROR acknowledges; another RCODE ends the retries with a warning). A newer
 * version of the zone replaces the announcement in flight. An answer not
 * signed with the key is logged with its RCODE and likely cause; a secondary
 * silent for `UNANSWERED_WARNING_SENDS` sends, or not acknowledging for
 * `LAG_WARNING_MS`, is warned about once, and its recovery logged at info.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { logger } = deps;
  const pending = new Map<string, Pending>();
  const delays = deps.retryDelaysMs ?? RETRY_DELAYS_MS;
  /** Secondaries and zones reported silent or lagging, by slot, until they acknowledge. */
  const troubles = new Map<string, Trouble>();
  const where = (entry: Pending) => ({
    secondary: `${entry.secondary.address}:${entry.secondary.port}`,
    zone: entry.zone.apex,
  });
  /** Refusals already logged as warnings: secondary, zone and RCODE. */
  const refusals = new Set<string>();
  const sockets = new Map<"v4" | "v6", Promise<UdpEndpoint>>();
  let stopped = false;

  const onReply = (data: Uint8Array, from: RemoteAddress) => {
    if (data.length < DNS.HEADER_LENGTH || (data[2] & DNS.FLAG_QR) === 0) return;
    const id = (data[0] << 8) | data[1];
    const address = peerAddress(from.hostname);
    for (const [slot, entry] of pending) {
      if (entry.id !== id || entry.secondary.address !== address) continue;
      const key = deps.keys().get(entry.secondary.key);
      const tsig = readTsig(data);
      const signedOk = key !== undefined && tsig !== null && tsig !== "formerr" &&
        verifyTsig(data, tsig, key, entry.mac, Math.floor(deps.clock.now() / 1000)) === "ok";
      const rcode = data[3] & DNS.RCODE_MASK;
      entry.answered = true;
      if (!signedOk) {
        // Unsigned, so possibly forged: keep retrying, but say what the secondary answered and
        // why, once per secondary, zone and answer (every retry would repeat it).
        const tsigError = tsig !== null && tsig !== "formerr" ? tsig.error : null;
        const said = `${slot}|unsigned|${rcode}|${tsigError}`;
        (refusals.has(said) ? logger.debug : logger.warning)(
          "NOTIFY answer not signed with the secondary's key; still retrying",
          {
            ...where(entry),
            rcode: RCODE_NAMES[rcode] ?? rcode,
            cause: likelyCause(rcode, tsigError, entry.zone.apex, entry.secondary.key),
          },
        );
        refusals.add(said);
        return; // the retry timer stays armed
      }
      if (rcode !== DNS.RCODE_NOERROR) {
        // A definite answer (e.g. NOTAUTH: the secondary does not serve this zone): no retry helps.
        clearTimeout(entry.timer);
        pending.delete(slot);
        // Said once per secondary, zone and RCODE; a secondary serving only some zones would
        // otherwise add a warning to every change.
        const said = `${slot}|${rcode}`;
        (refusals.has(said) ? logger.debug : logger.warning)("NOTIFY refused by the secondary", {
          ...where(entry),
          rcode: RCODE_NAMES[rcode] ?? rcode,
          cause: likelyCause(rcode, null, entry.zone.apex, entry.secondary.key),
        });
        refusals.add(said);
        return;
      }
      clearTimeout(entry.timer);
      pending.delete(slot);
      if (troubles.delete(slot)) {
        logger.info("secondary acknowledges NOTIFY again", {
          ...where(entry),
          serial: entry.zone.serial,
          lag_s: Math.round((deps.clock.monotonic() - entry.since) / 1000),
        });
      }
      deps.acknowledged(entry.secondary, entry.zone.apex, entry.zone.serial);
      return;
    }
  };

  const socket = (family: "v4" | "v6") => {
    let found = sockets.get(family);
    if (found === undefined) {
      found = deps.bindUdp(family === "v4" ? "0.0.0.0" : "::", 0, onReply);
      sockets.set(family, found);
    }
    return found;
  };

  const send = (slot: string, entry: Pending) => {
    if (stopped || pending.get(slot) !== entry) return;
    const { secondary } = entry;
    const trouble = troubles.get(slot) ?? { unanswered: false, lagging: false };
    const waited = deps.clock.monotonic() - entry.since;
    if (!entry.answered && entry.attempts === UNANSWERED_WARNING_SENDS && !trouble.unanswered) {
      trouble.unanswered = true;
      logger.warning("NOTIFY unanswered; still retrying", {
        ...where(entry),
        sends: entry.attempts,
        waited_s: Math.round(waited / 1000),
        cause: "the secondary is down, unreachable, or not listening on that port",
      });
    }
    if (waited >= LAG_WARNING_MS && !trouble.lagging) {
      trouble.lagging = true;
      logger.warning("secondary lags: the newest serial is not acknowledged", {
        ...where(entry),
        serial: entry.zone.serial,
        lag_s: Math.round(waited / 1000),
      });
    }
    if (trouble.unanswered || trouble.lagging) troubles.set(slot, trouble);
    const delay = delays[entry.attempts++];
    if (delay !== undefined) entry.timer = setTimeout(() => send(slot, entry), delay);
    else {
      pending.delete(slot);
      logger.warning("NOTIFY gave up; the secondary will find the change at its SOA refresh", {
        secondary: `${secondary.address}:${secondary.port}`,
        zone: entry.zone.apex,
        serial: entry.zone.serial,
      });
    }
    socket(secondary.address.includes(":") ? "v6" : "v4").then((endpoint) =>
      endpoint.send(entry.message, { hostname: secondary.address, port: secondary.port })
    ).catch((error) => logger.error("NOTIFY send failed", { error: String(error) }));
  };

  return {
    notify(secondaries, zones) {
      const now = Math.floor(deps.clock.now() / 1000);
      for (const secondary of secondaries) {
        for (const zone of zones) {
          const slot = `${secondary.address}|${secondary.port}|${zone.apex}`;
          const previous = pending.get(slot);
          clearTimeout(previous?.timer);
          const id = crypto.getRandomValues(new Uint16Array(1))[0];
          const unsigned = notifyMessage(id, zone);
          const key = deps.keys().get(secondary.key);
          const signed = key === undefined ? null : signMessage(unsigned, key, null, {
            timeSigned: now,
            fudge: FUDGE,
            originalId: id,
            error: 0,
            other: new Uint8Array(0),
          });
          const entry: Pending = {
            secondary,
            zone,
            id,
            mac: signed?.mac ?? null,
            message: signed?.message ?? unsigned,
            // A newer serial replacing an unacknowledged one: the secondary has lagged since then.
            since: previous?.since ?? deps.clock.monotonic(),
            attempts: 0,
            answered: false,
          };
          pending.set(slot, entry);
          send(slot, entry);
        }
      }
    },
    stop() {
      stopped = true;
      for (const entry of pending.values()) clearTimeout(entry.timer);
      pending.clear();
      for (const endpoint of sockets.values()) void endpoint.then((e) => e.close(), () => {});
    },
  };
}
