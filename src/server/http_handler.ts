import type { Metrics } from "../observe/metrics.ts";
import type { HttpHandler } from "../runtime/runtime.ts";

/**
 * The optional HTTP side: `/healthz` answers 200 once the server is ready
 * (first zone built) and 503 before; `/metrics` the Prometheus text.
 *
 * @param beforeScrape refreshes gauges that are read rather than pushed.
 */
export function createHttpHandler(
  ready: () => boolean,
  metrics: Metrics,
  beforeScrape: () => void,
): HttpHandler {
  return (path) => {
    if (path === "/healthz") {
      return ready()
        ? { status: 200, contentType: "text/plain; charset=utf-8", body: "ok\n" }
        : { status: 503, contentType: "text/plain; charset=utf-8", body: "starting\n" };
    }
    if (path === "/metrics") {
      beforeScrape();
      return {
        status: 200,
        contentType: "text/plain; version=0.0.4; charset=utf-8",
        body: metrics.render(),
      };
    }
    return {
      status: 404,
      contentType: "text/plain; charset=utf-8",
      body: "not found: try /healthz or /metrics\n",
    };
  };
}
