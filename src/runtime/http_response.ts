import type { HttpHandler } from "./runtime.ts";

/**
 * Answers a Web `Request` with the handler's reply for its method and path, so
 * both runtime adapters serve the HTTP side byte for byte alike. A HEAD
 * request gets the headers only; a client that accepts gzip gets the reply's
 * `gzipped` body when it has one.
 */
export function httpResponse(handler: HttpHandler, request: Request): Response {
  const reply = handler(request.method, new URL(request.url).pathname);
  const gzip = reply.gzipped !== undefined &&
    /\bgzip\b/i.test(request.headers.get("accept-encoding") ?? "");
  const body = gzip ? reply.gzipped! : reply.body;
  return new Response(request.method === "HEAD" ? null : body, {
    status: reply.status,
    headers: {
      ...reply.headers,
      "content-type": reply.contentType,
      ...(reply.gzipped === undefined ? {} : { vary: "accept-encoding" }),
      ...(gzip ? { "content-encoding": "gzip" } : {}),
    },
  });
}
