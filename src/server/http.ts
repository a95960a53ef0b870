import { gzipSync } from "node:zlib";
import type { ServerStatus } from "./status.ts";
import { statusPage } from "./status_page.ts";
import type { HttpHandler, HttpReply } from "./http_server.ts";

/** Where the server is in its life, as /healthz reports it. */
export type ServerPhase = "starting" | "serving" | "stopping";

/** What the HTTP side reads from the running server, each at request time. */
export interface HttpSources {
  readonly phase: () => ServerPhase;
  /** Why a newer zone is not served (its serial could not be made durable), or null. */
  readonly stale: () => string | null;
  /** The Prometheus text (gauges that are read rather than pushed refreshed first). */
  readonly metrics: () => string;
  /** The /status report, made now. */
  readonly status: () => ServerStatus;
  /**
   * What the report is made from, as values compared with `===` (the zone
   * served, the health and overrides it was built from, the last check
   * cycle, ...): while none changes, /status and / serve the bytes made
   * last time instead of making a report again.
   */
  readonly statusInputs: () => readonly unknown[];
}

/** The /status and / bodies made from one set of inputs, each made on first request. */
interface StatusBodies {
  readonly inputs: readonly unknown[];
  readonly report: ServerStatus;
  /** UTF-8, encoded once (a 4 MB string would be encoded again for every response), and gzipped. */
  json?: EncodedBody;
  html?: EncodedBody;
}

interface EncodedBody {
  readonly plain: Uint8Array<ArrayBuffer>;
  /** ~20 times smaller at 10,000 names: polling clients (fetch, browsers) take a fraction of the bytes. */
  readonly gzipped: Uint8Array<ArrayBuffer>;
}

const utf8 = new TextEncoder();

/** Encodes and compresses a body once (level 1: fast, and JSON still shrinks ~15-20x). */
function encodeBody(text: string): EncodedBody {
  const plain = utf8.encode(text);
  const compressed = gzipSync(plain, { level: 1 });
  const gzipped = new Uint8Array(compressed.byteLength);
  gzipped.set(compressed);
  return { plain, gzipped };
}

const sameInputs = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((value, i) => value === b[i]);

const TEXT = "text/plain; charset=utf-8";
/** Every reply describes the moment it was made. */
const NO_STORE = Object.freeze({ "cache-control": "no-store" });

function text(status: number, body: string, headers: HttpReply["headers"] = NO_STORE): HttpReply {
  return { status, contentType: TEXT, body, headers };
}

/**
 * The optional HTTP side, read-only: GET and HEAD only (anything else gets 405
 * with `Allow: GET, HEAD`). `/healthz` answers 200 `ok` while serving (with a
 * `stale:` line when a newer zone could not be made durable) and 503 while
 * starting (before the first zone) or stopping (lame duck); `/metrics`
 * the Prometheus text; `/status` the state of every name and address as JSON,
 * and `/` the same as an HTML table, both made once per change of their
 * inputs (`generatedAt` says when).
 */
export function createHttpHandler(sources: HttpSources): HttpHandler {
  // At 10,000 names a report is megabytes and ~80 ms of this thread, which DNS shares: made once
  // per change, however many clients poll.
  let bodies: StatusBodies | null = null;
  const current = (): StatusBodies => {
    const inputs = sources.statusInputs();
    if (bodies === null || !sameInputs(bodies.inputs, inputs)) {
      bodies = { inputs, report: sources.status() };
    }
    return bodies;
  };
  const statusJson = () => {
    const made = current();
    return made.json ??= encodeBody(`${JSON.stringify(made.report, null, 2)}\n`);
  };
  const statusHtml = () => {
    const made = current();
    return made.html ??= encodeBody(statusPage(made.report));
  };
  return (method, path) => {
    if (method !== "GET" && method !== "HEAD") {
      return text(405, `method ${method} not allowed: use GET or HEAD\n`, {
        ...NO_STORE,
        allow: "GET, HEAD",
      });
    }
    if (path === "/healthz") {
      const phase = sources.phase();
      if (phase !== "serving") return text(503, `${phase}\n`);
      // Still 200: it answers, and a restart (a liveness probe's cure) could not serve newer data either.
      const stale = sources.stale();
      return text(200, stale === null ? "ok\n" : `ok\nstale: ${stale}\n`);
    }
    if (path === "/metrics") {
      return {
        status: 200,
        contentType: "text/plain; version=0.0.4; charset=utf-8",
        body: sources.metrics(),
        headers: NO_STORE,
      };
    }
    if (path === "/status") {
      const json = statusJson();
      return {
        status: 200,
        contentType: "application/json; charset=utf-8",
        body: json.plain,
        gzipped: json.gzipped,
        headers: NO_STORE,
      };
    }
    if (path === "/") {
      const html = statusHtml();
      return {
        status: 200,
        contentType: "text/html; charset=utf-8",
        body: html.plain,
        gzipped: html.gzipped,
        headers: NO_STORE,
      };
    }
    return text(404, "not found: try /, /status, /healthz or /metrics\n");
  };
}
