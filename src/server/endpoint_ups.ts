import type { Config } from "../config/config.ts";
import type { HealthView } from "../health/health_state.ts";
import type { EndpointUp } from "../observe/metrics.ts";

/**
 * Every (name, address, health port) of the config's health-checked names and
 * whether it is healthy in `view`: the samples of `healthy_dns_endpoint_up`.
 * Reads the view directly rather than building the /status report, so a
 * scrape of a 10,000-name zone stays a few milliseconds.
 */
export function endpointUps(config: Config, view: HealthView): EndpointUp[] {
  const samples: EndpointUp[] = [];
  for (const record of config.records) {
    const check = record.check;
    if (check === null) continue;
    const name = `${record.name}.${config.hostedZone}`;
    for (const address of record.addresses) {
      samples.push({ name, address, port: check.port, up: view.isHealthy(address, check.port) });
    }
  }
  return samples;
}
