import type { HttpHandler } from "./runtime.ts";

/**
 * Answers a Web `Request` with the handler's reply for its path, so both runtime
 * adapters serve /metrics and /healthz byte for byte alike.
 */
export function httpResponse(handler: HttpHandler, request: Request): Response {
  const reply = handler(new URL(request.url).pathname);
  return new Response(reply.body, {
    status: reply.status,
    headers: { "content-type": reply.contentType },
  });
}
