import type { HttpLimits } from "../config/config.ts";
import type { Clock, TcpConnection, TcpHandlers } from "../runtime/runtime.ts";

/** What an `HttpHandler` answers. */
export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  /** Text, or bytes already encoded (UTF-8) when the same big body is served many times. */
  readonly body: string | Uint8Array;
  /** The same body gzip-compressed, sent instead to a client that accepts gzip. */
  readonly gzipped?: Uint8Array;
  /** Further response headers (e.g. `allow`, `cache-control`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A minimal HTTP handler (for /healthz, /metrics, /status and /): gets the
 * request method and path (no query string). The server sends no body in
 * answer to HEAD.
 */
export type HttpHandler = (method: string, path: string) => HttpReply;

/**
 * The most octets a request may take, head and body together: GET and HEAD
 * need a few hundred. Above it the request gets 431 (head) or 413 (body) and
 * the connection is closed.
 */
export const MAX_REQUEST_BYTES = 8_192;

/** Below this, head and body go in one write (one segment); above, the body is written as is, uncopied. */
const COPY_BELOW = 16_384;

/** The HTTP listener's connection handlers, plus a way to drop every connection. */
export interface HttpSessions extends TcpHandlers {
  /** Open connections now. */
  readonly size: number;
  /** Closes every open connection (shutdown). */
  closeAll(): void;
}

/** What the HTTP sessions need. */
export interface HttpSessionsOptions {
  readonly handler: HttpHandler;
  /** Read on every new connection and sweep, so a reload applies at once. */
  readonly limits: () => HttpLimits;
  /** `now` for the Date header, `monotonic` for the deadlines. */
  readonly clock: Clock;
}

interface Session {
  readonly conn: TcpConnection;
  /** Octets received and not yet consumed by a request. */
  received: Uint8Array;
  /** A response is going out; the next request waits until it has. */
  sending: boolean;
  /** Close once the response is out (`Connection: close`, HTTP/1.0, an error, the peer done). */
  closeAfter: boolean;
  /** The peer has finished sending (FIN). */
  peerDone: boolean;
  /** Reading is paused (a pipelined request waiting beyond the size cap). */
  paused: boolean;
  /** When the wait for a request began, or when the response last made progress. */
  since: number;
  /** Unsent octets at `since` while sending: fewer later is progress. */
  unsentAt: number;
}

/** A request read off the connection, or why it cannot be served. */
type Parsed =
  | {
    readonly ok: true;
    readonly method: string;
    readonly path: string;
    readonly gzip: boolean;
    readonly close: boolean;
    /** Octets of head and body. */
    readonly length: number;
  }
  | { readonly ok: false; readonly status: number; readonly message: string };

const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  411: "Length Required",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REQUEST_LINE = /^([^ ]+) ([^ ]+) HTTP\/(\d)\.(\d)$/;
const latin1 = new TextDecoder("latin1");
const utf8 = new TextEncoder();

/** Where the head ends (the index after its blank line), or -1; a bare LF ends lines too (RFC 9112 §2.2). */
function headEnd(bytes: Uint8Array): number {
  for (let i = bytes.indexOf(10); i >= 0 && i < bytes.length - 1; i = bytes.indexOf(10, i + 1)) {
    if (bytes[i + 1] === 10) return i + 2;
    if (bytes[i + 1] === 13 && bytes[i + 2] === 10) return i + 3;
  }
  return -1;
}

const bad = (status: number, message: string): Parsed => ({ ok: false, status, message });

/** Reads one request from `bytes`: null while it is incomplete. */
function parseRequest(bytes: Uint8Array): Parsed | null {
  // Empty lines before a request line are ignored (RFC 9112 §2.2).
  let start = 0;
  while (bytes[start] === 13 || bytes[start] === 10) start++;
  const end = headEnd(bytes.subarray(start));
  if (end < 0) return null;
  const lines = latin1.decode(bytes.subarray(start, start + end)).split(/\r?\n/).slice(0, -2);
  const line = REQUEST_LINE.exec(lines[0]);
  if (line === null || !TOKEN.test(line[1])) return bad(400, "malformed request line");
  const [, method, target, major, minor] = line;
  if (major !== "1") return bad(505, `HTTP/${major}.${minor} not supported: use HTTP/1.1`);
  const fields = new Map<string, string[]>();
  for (const field of lines.slice(1)) {
    const colon = field.indexOf(":");
    const name = field.slice(0, colon).toLowerCase();
    if (colon <= 0 || !TOKEN.test(name)) return bad(400, "malformed header field");
    fields.set(name, [...(fields.get(name) ?? []), field.slice(colon + 1).trim()]);
  }
  const host = fields.get("host") ?? [];
  // RFC 9112 §3.2: exactly one Host in HTTP/1.1.
  if (host.length > 1 || (minor !== "0" && host.length === 0)) {
    return bad(400, "one Host header field required");
  }
  if (fields.has("transfer-encoding")) return bad(411, "a request body needs a Content-Length");
  const lengths = new Set(fields.get("content-length") ?? ["0"]);
  const [bodyText] = lengths;
  if (lengths.size > 1 || !/^\d{1,9}$/.test(bodyText)) return bad(400, "malformed Content-Length");
  if (start + end > MAX_REQUEST_BYTES) {
    return bad(431, `request head above ${MAX_REQUEST_BYTES} octets`);
  }
  const length = start + end + Number(bodyText);
  if (length > MAX_REQUEST_BYTES) return bad(413, `request above ${MAX_REQUEST_BYTES} octets`);
  if (bytes.length < length) return null;
  let path: string;
  try {
    path = target === "*" ? "*" : new URL(target, "http://host").pathname;
  } catch {
    return bad(400, "malformed request target");
  }
  if (target !== "*" && !target.startsWith("/") && !/^https?:\/\//i.test(target)) {
    return bad(400, "malformed request target");
  }
  const tokens = (name: string) =>
    (fields.get(name) ?? []).join(",").toLowerCase().split(",").map((t) => t.trim());
  const connection = tokens("connection");
  return {
    ok: true,
    method,
    path,
    gzip: tokens("accept-encoding").some((t) => /^gzip\b/.test(t) && !/;\s*q=0(\.0*)?$/.test(t)),
    // HTTP/1.0 keep-alive is not offered: such a client gets one response per connection.
    close: minor === "0" || connection.includes("close"),
    length,
  };
}

/**
 * Creates the HTTP/1.1 side of the server (/, /status, /metrics, /healthz) on
 * a plain TCP listener, built so that no client can tie it up:
 * - at most `maxConnections` connections at once; a newcomer beyond it is
 *   closed at once, unanswered;
 * - a request (head and any body, at most `MAX_REQUEST_BYTES`) must be
 *   complete within `ioTimeoutMs` of the connection opening or of the
 *   previous response being sent; a keep-alive connection that sends
 *   nothing for that long is closed too;
 * - a response the client stops reading is closed after `ioTimeoutMs`
 *   without progress;
 * - one request at a time per connection: a pipelined one waits until the
 *   response before it is out (reading paused beyond the size cap); a big
 *   body (the cached /status) is written as is, never copied;
 * - `Connection: close` and HTTP/1.0 get one response, then the connection
 *   closes; malformed requests get 400, 411, 413, 431 or 505 and a close.
 * A client that accepts gzip gets a reply's `gzipped` body when it has one;
 * HEAD gets the headers only.
 */
export function createHttpSessions(options: HttpSessionsOptions): HttpSessions {
  const { handler, limits, clock } = options;
  const sessions = new Map<TcpConnection, Session>();
  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  /** The Date header's text, made once a second (thousands of requests a second share it). */
  let date = { second: -1, text: "" };
  const httpDate = (): string => {
    const now = clock.now();
    const second = Math.floor(now / 1000);
    if (second !== date.second) date = { second, text: new Date(now).toUTCString() };
    return date.text;
  };

  const end = (session: Session): void => {
    if (!sessions.delete(session.conn)) return;
    if (sessions.size === 0) {
      clearInterval(sweepTimer);
      sweepTimer = undefined;
    }
    session.conn.close();
  };

  const sweep = (): void => {
    const { ioTimeoutMs } = limits();
    const at = clock.monotonic();
    for (const session of sessions.values()) {
      if (session.sending && session.conn.unsent < session.unsentAt) {
        session.unsentAt = session.conn.unsent;
        session.since = at;
      } else if (at - session.since > ioTimeoutMs) {
        end(session);
      }
    }
  };

  const respond = (session: Session, reply: HttpReply, head: boolean, gzip: boolean): void => {
    const zipped = gzip && reply.gzipped !== undefined;
    const body = zipped
      ? reply.gzipped!
      : typeof reply.body === "string"
      ? utf8.encode(reply.body)
      : reply.body;
    const lines = [
      `HTTP/1.1 ${reply.status} ${REASONS[reply.status] ?? "Unknown"}`,
      `date: ${httpDate()}`,
      `content-type: ${reply.contentType}`,
      `content-length: ${body.length}`,
      ...Object.entries(reply.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(reply.gzipped === undefined ? [] : ["vary: accept-encoding"]),
      ...(zipped ? ["content-encoding: gzip"] : []),
      `connection: ${session.closeAfter ? "close" : "keep-alive"}`,
    ];
    const headBytes = utf8.encode(`${lines.join("\r\n")}\r\n\r\n`);
    const { conn } = session;
    if (head || body.length === 0) conn.write(headBytes);
    else if (body.length < COPY_BELOW) {
      const whole = new Uint8Array(headBytes.length + body.length);
      whole.set(headBytes);
      whole.set(body, headBytes.length);
      conn.write(whole);
    } else {
      // What the kernel does not take at once stays queued as a view of the cached bytes.
      conn.write(headBytes);
      conn.write(body);
    }
    session.sending = true;
    session.since = clock.monotonic();
    session.unsentAt = conn.unsent;
  };

  /** Answers the complete requests received, one at a time; closes when told to. */
  const serve = (session: Session): void => {
    const { conn } = session;
    for (;;) {
      if (session.sending) {
        if (conn.unsent > 0) return; // the drain event comes back here
        session.sending = false;
        if (session.closeAfter) return end(session);
        session.since = clock.monotonic();
        if (session.paused) {
          session.paused = false;
          conn.resume();
        }
      }
      let parsed = parseRequest(session.received);
      if (parsed === null) {
        if (session.received.length > MAX_REQUEST_BYTES) {
          parsed = bad(431, `request head above ${MAX_REQUEST_BYTES} octets`);
        } else {
          if (session.peerDone) end(session);
          return;
        }
      }
      if (!parsed.ok) {
        session.closeAfter = true;
        session.received = new Uint8Array(0);
        respond(session, errorReply(parsed.status, parsed.message), false, false);
        continue;
      }
      session.received = session.received.subarray(parsed.length);
      session.closeAfter = parsed.close || session.peerDone;
      let reply: HttpReply;
      try {
        reply = handler(parsed.method, parsed.path);
      } catch {
        session.closeAfter = true;
        reply = errorReply(500, "internal error");
      }
      respond(session, reply, parsed.method === "HEAD", parsed.gzip);
    }
  };

  return {
    get size() {
      return sessions.size;
    },
    open(conn) {
      const { maxConnections, ioTimeoutMs } = limits();
      if (sessions.size >= maxConnections) {
        conn.close();
        return;
      }
      sessions.set(conn, {
        conn,
        received: new Uint8Array(0),
        sending: false,
        closeAfter: false,
        peerDone: false,
        paused: false,
        since: clock.monotonic(),
        unsentAt: 0,
      });
      // A quarter of the timeout: deadlines hold to within 25 %.
      sweepTimer ??= setInterval(sweep, Math.max(25, Math.min(1_000, ioTimeoutMs / 4)));
    },
    data(conn, chunk) {
      const session = sessions.get(conn);
      if (session === undefined) return; // refused or already closed
      const joined = new Uint8Array(session.received.length + chunk.length);
      joined.set(session.received);
      joined.set(chunk, session.received.length);
      session.received = joined;
      if (!session.sending) serve(session);
      else if (session.received.length > MAX_REQUEST_BYTES && !session.paused) {
        session.paused = true;
        conn.pause();
      }
    },
    drain(conn) {
      const session = sessions.get(conn);
      if (session !== undefined) serve(session);
    },
    end(conn) {
      const session = sessions.get(conn);
      if (session === undefined) return;
      session.peerDone = true;
      if (!session.sending) serve(session);
      else session.closeAfter = true;
    },
    close(conn) {
      const session = sessions.get(conn);
      if (session !== undefined) end(session);
    },
    closeAll() {
      for (const session of [...sessions.values()]) end(session);
    },
  };
}

function errorReply(status: number, message: string): HttpReply {
  return {
    status,
    contentType: "text/plain; charset=utf-8",
    body: `${message}\n`,
    headers: { "cache-control": "no-store" },
  };
}
