import type { Config, ListenAddress } from "../config/config.ts";
import type { Runtime } from "../runtime/runtime.ts";
import { DNS } from "../wire/constants.ts";
import { nameToWire } from "../wire/names.ts";

/** How long `healthy-dns health` waits for the server's answer. */
export const HEALTH_TIMEOUT_MS = 2_000;

/** What `healthy-dns health` needs from the platform. */
export interface HealthDeps {
  readonly bindUdp: Runtime["bindUdp"];
  /** Monotonic milliseconds, to report how long the answer took. */
  monotonic(): number;
  /** A fresh 16-bit query ID. */
  queryId(): number;
  out(line: string): void;
  err(line: string): void;
}

/**
 * Where the running server can be reached from the same host (or container):
 * its first listen address, with a wildcard (`::`, `0.0.0.0`) replaced by
 * 127.0.0.1 — the server binds `::` dual-stack, and a container without IPv6
 * still has IPv4 loopback.
 */
export function healthTarget(config: Config): ListenAddress {
  const { hostname, port } = config.listen[0];
  const wildcard = hostname === "::" || hostname === "0.0.0.0";
  return { hostname: wildcard ? "127.0.0.1" : hostname, port };
}

/** A query for the zone's SOA (no recursion desired, no EDNS): `id` first. */
function soaQuery(id: number, zone: string): Uint8Array {
  const qname = nameToWire(zone);
  const query = new Uint8Array(DNS.HEADER_LENGTH + qname.length + 4);
  query[0] = id >> 8;
  query[1] = id & 0xff;
  query[5] = 1; // QDCOUNT
  query.set(qname, DNS.HEADER_LENGTH);
  query[query.length - 3] = DNS.TYPE_SOA;
  query[query.length - 1] = DNS.CLASS_IN;
  return query;
}

/**
 * Why a reply to query `id` does not show a healthy server, null when it
 * does, undefined when the datagram is not a reply to it (then keep waiting).
 */
function replyProblem(reply: Uint8Array, id: number): string | null | undefined {
  if (reply.length < DNS.HEADER_LENGTH || ((reply[0] << 8) | reply[1]) !== id) return undefined;
  if ((reply[2] & DNS.FLAG_QR) === 0) return undefined;
  const rcode = reply[3] & DNS.RCODE_MASK;
  if (rcode !== DNS.RCODE_NOERROR) return `it answered RCODE ${rcode}`;
  if ((reply[2] & DNS.FLAG_AA) === 0) return "its answer is not authoritative";
  return null;
}

/**
 * `healthy-dns health [FLAGS]`: asks the server that runs with the same
 * configuration whether it answers. One SOA query for the hosted zone goes
 * over UDP to the server's first listen address (`healthTarget`); an
 * authoritative NOERROR answer within `HEALTH_TIMEOUT_MS` is healthy. Made for
 * container health checks (the image's HEALTHCHECK) and for scripts: no curl
 * or dig needed.
 *
 * @returns 0 healthy (one line on stdout), 1 no answer or a wrong one (one line on stderr).
 */
export async function runHealth(config: Config, deps: HealthDeps): Promise<number> {
  const target = healthTarget(config);
  const where = target.hostname.includes(":")
    ? `[${target.hostname}]:${target.port}`
    : `${target.hostname}:${target.port}`;
  const id = deps.queryId();
  const startedAt = deps.monotonic();
  let settle: (problem: string | null) => void = () => {};
  const settled = new Promise<string | null>((resolve) => settle = resolve);
  const endpoint = await deps.bindUdp(
    target.hostname.includes(":") ? "::" : "0.0.0.0",
    0,
    (reply, from) => {
      if (from.port !== target.port) return;
      const problem = replyProblem(reply, id);
      if (problem !== undefined) settle(problem);
    },
  );
  const timer = setTimeout(
    () => settle(`no answer within ${HEALTH_TIMEOUT_MS / 1000} s`),
    HEALTH_TIMEOUT_MS,
  );
  try {
    endpoint.send(soaQuery(id, config.hostedZone), target);
    const problem = await settled;
    if (problem !== null) {
      deps.err(`healthy-dns health: ${where}: ${problem} (SOA ${config.hostedZone})`);
      return 1;
    }
    const ms = Math.round(deps.monotonic() - startedAt);
    deps.out(`ok: ${where} answered SOA ${config.hostedZone} in ${ms} ms`);
    return 0;
  } catch (error) {
    // Sending fails at once when nothing can be reached (no route, no IPv6).
    deps.err(`healthy-dns health: ${where}: ${error instanceof Error ? error.message : error}`);
    return 1;
  } finally {
    clearTimeout(timer);
    endpoint.close();
  }
}
