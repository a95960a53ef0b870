import type { HttpHandler } from "./runtime.ts";

/**
 * Answers a Web `Request` with the handler's reply for its method and path, so
 * both runtime adapters serve the HTTP side byte for byte alike. A HEAD
 * request gets the headers only.
 */
export function httpResponse(handler: HttpHandler, request: Request): Response {
  const reply = handler(request.method, new URL(request.url).pathname);
  return new Response(request.method === "HEAD" ? null : reply.body, {
    status: reply.status,
    headers: { ...reply.headers, "content-type": reply.contentType },
  });
}
