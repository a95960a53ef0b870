import type { SecondaryConfig } from "../config/config.ts";
import type { Logger } from "../observe/logger.ts";
import type { Clock, RemoteAddress, Runtime, UdpEndpoint } from "../runtime/runtime.ts";
import { DNS } from "../wire/dns_constants.ts";
import { nameToWire } from "../wire/name_to_wire.ts";
import { peerAddress } from "./address_range.ts";
import { FUDGE, readTsig, signMessage, type TsigKey, verifyTsig } from "./tsig.ts";

/** Opcode NOTIFY (RFC 1996), in header byte 2. */
const OPCODE_NOTIFY = 4 << 3;
/** Waits before the retries of an unacknowledged NOTIFY, ms: fast first, then growing. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 60_000, 60_000, 60_000];

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
}

interface Pending {
  readonly secondary: SecondaryConfig;
  readonly zone: NotifyZone;
  readonly id: number;
  readonly mac: Uint8Array | null;
  readonly message: Uint8Array;
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
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
 * version of the zone replaces the announcement in flight.
 */
export function createNotifier(deps: NotifierDeps): Notifier {
  const { logger } = deps;
  const pending = new Map<string, Pending>();
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
      if (!signedOk) {
        logger.warning("NOTIFY answer not signed with the secondary's key; still retrying", {
          secondary: `${address}:${entry.secondary.port}`,
          zone: entry.zone.apex,
        });
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
          secondary: `${address}:${entry.secondary.port}`,
          zone: entry.zone.apex,
          rcode,
        });
        refusals.add(said);
        return;
      }
      clearTimeout(entry.timer);
      pending.delete(slot);
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
    const delay = RETRY_DELAYS_MS[entry.attempts++];
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
          clearTimeout(pending.get(slot)?.timer);
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
            attempts: 0,
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
