import { DEFAULTS } from "../config/config.ts";
import { formatDuration } from "../config/value_readers.ts";
import { HEALTH_TIMEOUT_MS } from "./health.ts";

const INTERVAL = formatDuration(DEFAULTS.health.intervalMs);
const TIMEOUT = formatDuration(DEFAULTS.health.timeoutMs);
const LISTEN = DEFAULTS.listenHosts.join(" and ");
const LAME_DUCK = DEFAULTS.lameDuckMs === 0 ? "0, off" : formatDuration(DEFAULTS.lameDuckMs);
const RISE_FALL = `${DEFAULTS.health.rise}/${DEFAULTS.health.fall}`;

/** The `--help` text; every default is read from `DEFAULTS` (src/config/config.ts). */
export const USAGE: string = `healthy-dns: a health-aware authoritative DNS server

Usage:
  healthy-dns [serve] [FLAGS]          serve DNS (the default command)
  healthy-dns check [FLAGS] [CHECK FLAGS]
                                       probe the health-checked names as serve would and report
                                       (for CI: exit 0 all pass, 1 one fails, 2 usage, 3 internal)
  healthy-dns checkconf [FLAGS] [--strict]
                                       validate the config and key without serving: ok or
                                       every problem; exit 2 on errors (1 on warnings if --strict)
  healthy-dns override list|down|up|clear [ADDRESS] [FLAGS]
                                       drain an address, or serve it whatever its probe says,
                                       without a restart (edits STATE_DIR/overrides.yaml)
  healthy-dns keygen [--algorithm ALG] --out FILE
                                       write a new DNSSEC private key (PEM, mode 0600)
  healthy-dns tsig-keygen NAME [--algorithm ALG]
                                       print a new TSIG key for zone transfers (hmac-sha256
                                       by default), for healthy-dns and for Knot, NSD and BIND
  healthy-dns ds [FLAGS]               print the DNSKEY and DS record of every served zone
                                       (needs --priv-key-path and --hosted-zone, or --config)
  healthy-dns health [FLAGS]           ask the server running with these flags whether it answers
                                       (one SOA query over loopback; exit 0 yes, 1 no)
  healthy-dns --help | --version
  healthy-dns COMMAND --help           that command's flags and defaults

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
  --http ADDR                serve the status page (/, /status), /metrics and /healthz
                             (default: off; port ${DEFAULTS.httpPort} when ADDR has none)
  --log-level LEVEL          debug, info, warning, error or critical (default: ${DEFAULTS.logLevel});
                             SIGHUP applies a changed level
  --log-format FORMAT        logfmt or json (one object per line) (default: ${DEFAULTS.logFormat})
  --lame-duck T              on SIGTERM keep answering DNS for T while /healthz answers 503,
                             then stop (default: ${LAME_DUCK})
  --state-dir DIR            directory for state kept across restarts, e.g. operator
                             overrides (default: none, nothing persisted)
  --rate-limit N             UDP responses a second per client network and response kind
                             (default: ${DEFAULTS.rateLimit.responsesPerSecond}; 0 turns rate limiting off;
                             loopback, 127.0.0.0/8 and ::1, is exempt unless rate_limit.exempt
                             in the YAML file lists otherwise)

Health checks (a TCP connect to each address's health port):
  --test-min-interval T      minimum time between check cycles (default: ${INTERVAL})
  --test-timeout T           connect timeout (default: ${TIMEOUT})
                             T: seconds (30, 0.5) or with a unit: 500ms, 30s, 2m, 1h

DNSSEC (off unless a key is given):
  --priv-key-path PEM        private key to sign every served zone with
  --priv-key-alg ALG         RSASHA256, ECDSAP256SHA256 or ED25519 (default: the key's)

Flags take "--flag value" or "--flag=value". Configuration errors exit with code 2.
The YAML file also sets rise/fall (default ${RISE_FALL}), probe concurrency (default ${DEFAULTS.health.concurrency}),
what to serve when all addresses are down, per-record timeouts, TCP limits, zone transfer
to secondaries (transfer: tsig_keys, secondaries, allow), rate limiting (slip, prefixes,
exempt clients) and DNS cookie secrets:
see docs/configuration.md and examples/full.yaml.`;

/** What every command that reads the serve configuration says about its flags. */
const CONFIG_FLAGS = `The configuration comes from the same flags as serve (see healthy-dns --help):
  --config FILE | --demo | --hosted-zone NAME --zone-resolutions JSON --ns JSON ...`;

/** `healthy-dns keygen`'s synopsis, also shown with its usage errors. */
export const KEYGEN_SYNOPSIS =
  "usage: healthy-dns keygen [--algorithm RSASHA256|ECDSAP256SHA256|ED25519] --out FILE";

/** `healthy-dns COMMAND --help`: each command's flags and defaults (from defaults.ts). */
export const COMMAND_USAGE: Readonly<Record<string, string>> = Object.freeze({
  serve: USAGE,
  check: `Usage: healthy-dns check [FLAGS] [CHECK FLAGS]

Probes the health-checked names exactly as serve would (same probes, per-record timeouts,
concurrency), without serving, and reports each name's verdict and each address's result.
For CI pipelines: see docs/ci.md.

  --wait T                   probe in rounds until every name passes, for at most T; rise/fall
                             apply between rounds as in serve (default: probe once)
  --every T                  time between rounds with --wait (default: --test-min-interval,
                             ${INTERVAL})
  --require any|all          a name passes with one healthy address, or only with all of them
                             (default: ${DEFAULTS.check.require})
  --names a,b                check only these names, relative (www) or full (www.example.com)
  --format F                 table, json, junit or github (workflow commands)
                             (default: ${DEFAULTS.check.format}); --json is --format json
  --output FILE              write the report to FILE; the table then goes to stdout
  --test-timeout T           connect timeout of each probe (default: ${TIMEOUT});
                             a record's own timeout in the YAML file wins

${CONFIG_FLAGS}
At most ${DEFAULTS.health.concurrency} probes are in flight (YAML health.concurrency).
Progress of --wait goes to stderr: one line per round, or a live line on a terminal.
Exit codes: 0 every required name passes, 1 some name fails, 2 a configuration or
usage error, 3 an internal error.`,
  checkconf: `Usage: healthy-dns checkconf [FLAGS] [--strict]

Reads the configuration, the DNSSEC key and the override file exactly as serve would,
without binding a socket or probing, and prints "ok" or every problem, one per line:
  error: ...    what serve would stop with
  warning: ...  valid but probably wrong (serve logs these at start-up): an in-zone
                name server with no address, a record name that looks like a name in
                another zone, a probe timeout not shorter than the interval, a key file
                readable by group or others, an RSA key under 2048 bits

  --strict                   treat warnings as failures (exit 1)

${CONFIG_FLAGS}
Exit codes: 0 valid, 1 warnings with --strict, 2 errors.`,
  override: `Usage: healthy-dns override list [FLAGS]
       healthy-dns override down|up ADDRESS [--name NAME] [--for T | --until TIME]
                                    [--reason TEXT] [FLAGS]
       healthy-dns override clear ADDRESS [--name NAME] [FLAGS] | clear --all [FLAGS]

Shows or edits the operator overrides the running server applies within a second:
"down" drains ADDRESS (never served, whatever its probe says), "up" serves it whatever
its probe says; "clear" removes an override. They survive restarts.

  --name NAME                only for this record (relative name; default: every name)
  --for T                    for this long (500ms, 30s, 2m, 1h; at most 24h)
  --until TIME               until this time, with a zone: 2026-12-02T18:00:00Z (default: no end)
  --reason TEXT              shown in the logs and /status
  --all                      with clear: remove every override

FLAGS locate the state directory: --state-dir DIR, or the serve flags (--config FILE).
The file is STATE_DIR/overrides.yaml (see docs/operations.md); it is replaced at once,
and expired entries are dropped. Exit codes: 0 done, 2 a usage error or a malformed file.`,
  keygen: `${KEYGEN_SYNOPSIS.replace("usage:", "Usage:")}

Writes a new DNSSEC private key (PKCS#8 PEM, mode 0600); never overwrites a file.

  --algorithm ALG            RSASHA256 (2048 bits), ECDSAP256SHA256 or ED25519
                             (default: ${DEFAULTS.keygenAlgorithm}, the recommended one)
  --out FILE                 where to write the key (required)

Exit codes: 0 written, 2 a usage error or the file exists.`,
  "tsig-keygen": `Usage: healthy-dns tsig-keygen NAME [--algorithm ALG]

Prints a new random TSIG key named NAME for zone transfers to secondaries, as the
healthy-dns transfer.tsig_keys entry and as the key stanzas of Knot, NSD and BIND
(docs/scaling-out.md). Nothing is written to disk.

  --algorithm ALG            hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224 or
                             hmac-sha1 (default: ${DEFAULTS.transfer.tsigAlgorithm})

Exit codes: 0 printed, 2 a usage error.`,
  ds: `Usage: healthy-dns ds [FLAGS]

Prints, for every served zone, the DNSKEY it serves and the DS record (SHA-256) to
give to its parent zone, in zone-file format.

  --priv-key-path PEM        the private key (required, or dnssec.key in --config)
  --priv-key-alg ALG         RSASHA256, ECDSAP256SHA256 or ED25519 (default: the key's)
  --hosted-zone NAME         the zone (required without --config)
  --alias-zones JSON         the alias zones (default: [])
  --config FILE | --demo     read all of the above from the serve configuration; the
                             records then carry the DNSKEY TTL the server uses

Exit codes: 0 printed, 2 a configuration error.`,
  health: `Usage: healthy-dns health [FLAGS]

Asks the server that runs with the same configuration whether it answers: one query
for the zone's SOA over UDP to its first listen address (::, 0.0.0.0 become
127.0.0.1). An authoritative NOERROR answer within ${
    HEALTH_TIMEOUT_MS / 1000
  } s is healthy. For container
health checks (the image's HEALTHCHECK) and scripts: no dig or curl needed.

${CONFIG_FLAGS}
Exit codes: 0 healthy, 1 no answer or a wrong one, 2 a configuration error.`,
});
