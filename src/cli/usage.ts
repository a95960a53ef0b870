import { DEFAULTS } from "../config/defaults.ts";

/** A duration in milliseconds as the flags take it: whole seconds when possible. */
function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const INTERVAL = seconds(DEFAULTS.health.intervalMs);
const TIMEOUT = seconds(DEFAULTS.health.timeoutMs);
const LISTEN = DEFAULTS.listenHosts.join(" and ");
const RISE_FALL = `${DEFAULTS.health.rise}/${DEFAULTS.health.fall}`;

/** The `--help` text; every default is read from src/config/defaults.ts. */
export const USAGE: string = `healthy-dns: a health-aware authoritative DNS server

Usage:
  healthy-dns [serve] [FLAGS]          serve DNS (the default command)
  healthy-dns check [FLAGS] [--json]   probe every health-checked address once and report;
                                       exit 1 if a health-checked name has no healthy address
  healthy-dns keygen [--algorithm ALG] --out FILE
                                       write a new DNSSEC private key (PEM, mode 0600)
  healthy-dns ds [FLAGS]               print the DNSKEY and DS record of every served zone
                                       (needs --priv-key-path and --hosted-zone, or --config)
  healthy-dns --help | --version

Zone (required, from flags or the --config file):
  --hosted-zone NAME         the zone served, e.g. example.com (no trailing dot)
  --zone-resolutions JSON    records by relative name: a bare address list is static
                             (never probed); {"ips": [...], "health_port": N} is health-checked
                             e.g. '{"www":{"ips":["192.0.2.1","2001:db8::1"],"health_port":443},
                                   "static":["192.0.2.10"]}'
  --ns JSON                  name-server host names, e.g. '["ns1.example.com"]';
                             the first is the SOA primary
  --alias-zones JSON         zones answered like the hosted zone (default: [])

Server:
  --config FILE              YAML file with these settings and more; flags override it
  --demo                     serve the embedded demo config (example.test on loopback)
  --port N                   DNS port, UDP and TCP (default: ${DEFAULTS.port})
  --listen ADDR              address to listen on, repeatable: IP, IP:PORT or [IPv6]:PORT
                             (default: ${LISTEN}, i.e. every IPv4 and IPv6 address, at --port)
  --http ADDR                serve /metrics and /healthz over HTTP (default: off;
                             port ${DEFAULTS.httpPort} when ADDR has none)
  --log-level LEVEL          debug, info, warning, error or critical (default: ${DEFAULTS.logLevel})
  --state-dir DIR            directory for state kept across restarts, e.g. operator
                             overrides (default: none, nothing persisted)

Health checks (a TCP connect to each address's health port):
  --test-min-interval T      minimum time between check cycles (default: ${INTERVAL})
  --test-timeout T           connect timeout (default: ${TIMEOUT})
                             T: seconds (30, 0.5) or with a unit: 500ms, 30s, 2m, 1h

DNSSEC (off unless a key is given):
  --priv-key-path PEM        private key to sign every served zone with
  --priv-key-alg ALG         RSASHA256, ECDSAP256SHA256 or ED25519 (default: ${DEFAULTS.dnssecAlgorithm})

Flags take "--flag value" or "--flag=value". Configuration errors exit with code 2.
The YAML file also sets rise/fall (default ${RISE_FALL}), probe concurrency (default ${DEFAULTS.health.concurrency}),
what to serve when all addresses are down, per-record timeouts and TCP limits:
see docs/configuration.md and examples/full.yaml.`;
