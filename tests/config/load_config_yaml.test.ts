import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { errorOf, load, loadYaml, REQUIRED, YAML_BASE, yamlError } from "./load_helpers.ts";

const FULL = `
zone: Example.Test
alias_zones: [example.net]
name_servers: [ns1.example.test, ns2.example.test]
port: 5300
listen: ["127.0.0.1", "[::1]:5301"]
log_level: warning
log_format: json
lame_duck: 5s
health:
  interval: 1m
  timeout: 1500ms
  rise: 2
  fall: 3
  concurrency: 50
  when_all_down: all
dnssec:
  key: keys/zone.pem
  algorithm: ECDSAP256SHA256
tcp:
  idle_timeout: 5s
  io_timeout: 1500ms
  max_connections: 20
  max_connections_per_source: 4
  max_unsent_bytes: 8192
http: { listen: "127.0.0.1:9100", max_connections: 7, io_timeout: 2s }
state_dir: state
transfer:
  tsig_keys:
    - { name: xfr-key, algorithm: hmac-sha256, secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" }
    - { name: Other.Key, secret: "b3RoZXI=" }
  secondaries:
    - { address: 192.0.2.53, port: 53, key: xfr-key }
    - { address: "2001:DB8::53", key: other.key }
  allow: [203.0.113.0/24, "2001:db8:1::/48", 198.51.100.7]
  max_transfers: 20
  max_transfers_per_source: 5
rate_limit:
  responses_per_second: 20
  slip: 0
  ipv4_prefix: 32
  ipv6_prefix: 64
  exempt: [192.0.2.0/24, "2001:DB8:0::/48", 198.51.100.7]
cookies: { secret: [00112233445566778899AABBCCDDEEFF, ffeeddccbbaa99887766554433221100] }
records:
  www:
    addresses: [192.0.2.1, 2001:db8::1]
    health_port: 443
    timeout: 1s
    when_all_down: none
  api:
    addresses: [192.0.2.2]
    health_port: 8443
    when_all_down: [192.0.2.99]
  plain:
    addresses: [192.0.2.3]
  static: [192.0.2.10]
`;

describe("loadConfig from YAML", () => {
  test("every key", async () => {
    const config = await load(["--config", "/etc/hdns/full.yaml"], { "/etc/hdns/full.yaml": FULL });
    assert.deepEqual(config, {
      hostedZone: "example.test",
      aliasZones: ["example.net"],
      nameServers: ["ns1.example.test", "ns2.example.test"],
      records: [
        {
          name: "www",
          addresses: ["192.0.2.1", "2001:db8::1"],
          check: { port: 443, timeoutMs: 1000 },
          whenAllDown: { kind: "none" },
        },
        {
          name: "api",
          addresses: ["192.0.2.2"],
          check: { port: 8443, timeoutMs: 1500 },
          whenAllDown: { kind: "fallback", addresses: ["192.0.2.99"] },
        },
        { name: "plain", addresses: ["192.0.2.3"], check: null, whenAllDown: { kind: "all" } },
        { name: "static", addresses: ["192.0.2.10"], check: null, whenAllDown: { kind: "all" } },
      ],
      listen: [{ hostname: "127.0.0.1", port: 5300 }, { hostname: "::1", port: 5301 }],
      logLevel: "warning",
      logFormat: "json",
      lameDuckMs: 5000,
      health: { intervalMs: 60_000, timeoutMs: 1500, rise: 2, fall: 3, concurrency: 50 },
      dnssec: { keyPath: "/etc/hdns/keys/zone.pem", algorithm: "ECDSAP256SHA256" },
      tcp: {
        idleTimeoutMs: 5000,
        ioTimeoutMs: 1500,
        maxConnections: 20,
        maxConnectionsPerSource: 4,
        maxUnsentBytes: 8192,
      },
      rateLimit: {
        responsesPerSecond: 20,
        slip: 0,
        ipv4Prefix: 32,
        ipv6Prefix: 64,
        exempt: [
          { address: "192.0.2.0", prefix: 24 },
          { address: "2001:db8::", prefix: 48 },
          { address: "198.51.100.7", prefix: 32 },
        ],
      },
      cookies: {
        secrets: ["00112233445566778899aabbccddeeff", "ffeeddccbbaa99887766554433221100"],
      },
      http: { hostname: "127.0.0.1", port: 9100 },
      httpLimits: { maxConnections: 7, ioTimeoutMs: 2_000 },
      transfer: {
        tsigKeys: [
          { name: "xfr-key", algorithm: "hmac-sha256", secret: "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" },
          { name: "other.key", algorithm: "hmac-sha256", secret: "b3RoZXI=" },
        ],
        secondaries: [
          { address: "192.0.2.53", port: 53, key: "xfr-key" },
          { address: "2001:db8::53", port: 53, key: "other.key" },
        ],
        allow: [
          { address: "203.0.113.0", prefix: 24 },
          { address: "2001:db8:1::", prefix: 48 },
          { address: "198.51.100.7", prefix: 32 },
        ],
        maxTransfers: 20,
        maxTransfersPerSource: 5,
      },
      configFile: "/etc/hdns/full.yaml",
      stateDir: "/etc/hdns/state",
      origins: {
        listen: "listen (in /etc/hdns/full.yaml)",
        http: "http.listen (in /etc/hdns/full.yaml)",
        dnssecKey: "dnssec.key (in /etc/hdns/full.yaml)",
        dnssecAlgorithm: "dnssec.algorithm (in /etc/hdns/full.yaml)",
        stateDir: "state_dir (in /etc/hdns/full.yaml)",
      },
    });
  });

  test("minimal file: defaults for the rest", async () => {
    const config = await loadYaml(YAML_BASE);
    assert.deepEqual(config.listen, [{ hostname: "::", port: 53053 }]);
    assert.equal(config.health.intervalMs, 30_000);
    assert.equal(config.configFile, "/etc/x.yaml");
    assert.ok(Object.isFrozen(config.records[0].addresses));
  });

  test("rate_limit.exempt: loopback by default; an explicit list replaces it, [] exempts nothing", async () => {
    const loopback = [{ address: "127.0.0.0", prefix: 8 }, { address: "::1", prefix: 128 }];
    assert.deepEqual((await loadYaml(YAML_BASE)).rateLimit.exempt, loopback);
    assert.deepEqual(
      (await loadYaml(`${YAML_BASE}rate_limit: { slip: 1 }\n`)).rateLimit.exempt,
      loopback,
    );
    assert.deepEqual(
      (await loadYaml(`${YAML_BASE}rate_limit: { exempt: [] }\n`)).rateLimit.exempt,
      [],
    );
    assert.deepEqual(
      (await loadYaml(`${YAML_BASE}rate_limit: { exempt: [192.0.2.0/24] }\n`)).rateLimit.exempt,
      [{ address: "192.0.2.0", prefix: 24 }],
    );
  });

  test("durations: bare numbers are seconds", async () => {
    const cases: [string, number][] = [["30", 30_000], ["0.25", 250], ["500ms", 500], [
      "2m",
      120_000,
    ], ['"45"', 45_000]];
    for (const [text, ms] of cases) {
      assert.equal(
        (await loadYaml(`${YAML_BASE}health: { interval: ${text} }\n`)).health.intervalMs,
        ms,
        text,
      );
    }
  });

  test("an empty value counts as absent", async () => {
    const config = await loadYaml(
      `${YAML_BASE}alias_zones:\ndnssec:\nhttp:\nhealth:\n  interval:\n`,
    );
    assert.deepEqual(config.aliasZones, []);
    assert.equal(config.dnssec, null);
    assert.equal(config.http, null);
    assert.equal(config.health.intervalMs, 30_000);
  });

  test("dnssec.key: absolute, or relative to the file's directory", async () => {
    assert.equal(
      (await loadYaml(`${YAML_BASE}dnssec: { key: /k/z.pem }\n`)).dnssec?.keyPath,
      "/k/z.pem",
    );
    assert.equal(
      (await loadYaml(`${YAML_BASE}dnssec: { key: z.pem }\n`)).dnssec?.keyPath,
      "/etc/z.pem",
    );
    const config = await load(["--config", "x.yaml"], {
      "x.yaml": `${YAML_BASE}dnssec: { key: z.pem }\n`,
    });
    assert.equal(config.dnssec?.keyPath, "z.pem");
  });

  test("settings used after validation remember the YAML path they came from", async () => {
    const config = await loadYaml(
      `${YAML_BASE}listen: ["127.0.0.1"]\nhttp: { listen: "127.0.0.1:9153" }\n` +
        "dnssec: { key: z.pem, algorithm: ED25519 }\n",
    );
    assert.deepEqual(config.origins, {
      listen: "listen (in /etc/x.yaml)",
      http: "http.listen (in /etc/x.yaml)",
      dnssecKey: "dnssec.key (in /etc/x.yaml)",
      dnssecAlgorithm: "dnssec.algorithm (in /etc/x.yaml)",
      stateDir: "--state-dir",
    });
    const flagged = await loadYaml(YAML_BASE, ["--listen", "127.0.0.1"]);
    assert.equal(flagged.origins.listen, "--listen");
    assert.equal(
      flagged.origins.dnssecKey,
      "--priv-key-path",
      "a setting not given is named by its flag",
    );
  });

  test("without dnssec.algorithm the algorithm is left to the key", async () => {
    assert.equal((await loadYaml(`${YAML_BASE}dnssec: { key: z.pem }\n`)).dnssec?.algorithm, null);
  });

  test("listen accepts a single string", async () => {
    assert.deepEqual((await loadYaml(`${YAML_BASE}listen: "::1"\n`)).listen, [{
      hostname: "::1",
      port: 53053,
    }]);
  });
});

describe("flags override the YAML file", () => {
  test("setting by setting; required settings may come from either", async () => {
    const config = await loadYaml(
      `${YAML_BASE}port: 5300\nlog_level: debug\nhealth: { interval: 10s, timeout: 3s }\n`,
      [
        "--port",
        "5400",
        "--test-timeout",
        "1",
        "--hosted-zone",
        "other.test",
      ],
    );
    assert.equal(config.hostedZone, "other.test");
    assert.deepEqual(config.listen.map((address) => address.port), [5400]);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.health.intervalMs, 10_000);
    assert.equal(config.health.timeoutMs, 1000);
  });

  test("--port applies to the file's listen addresses without a port", async () => {
    const config = await loadYaml(`${YAML_BASE}listen: ["127.0.0.1", "[::1]:5301"]\n`, [
      "--port",
      "5400",
    ]);
    assert.deepEqual(config.listen, [{ hostname: "127.0.0.1", port: 5400 }, {
      hostname: "::1",
      port: 5301,
    }]);
  });

  test("--listen replaces the file's list; --zone-resolutions replaces its records", async () => {
    const config = await loadYaml(`${YAML_BASE}listen: ["127.0.0.1", "::1"]\n`, [
      "--listen",
      "127.0.0.2",
      "--zone-resolutions",
      '{"api":{"ips":["192.0.2.5"],"health_port":80}}',
    ]);
    assert.deepEqual(config.listen, [{ hostname: "127.0.0.2", port: 53053 }]);
    assert.deepEqual(config.records.map((record) => record.name), ["api"]);
  });

  test("per-record timeouts default to the final global timeout", async () => {
    const config = await loadYaml(
      `${
        YAML_BASE.replace("www: [192.0.2.1]", "www: { addresses: [192.0.2.1], health_port: 80 }")
      }health: { timeout: 3s }\n`,
      ["--test-timeout", "750ms"],
    );
    assert.equal(config.records[0].check?.timeoutMs, 750);
  });

  test("missing required setting in both", async () => {
    assert.equal(
      await yamlError("zone: example.test\nrecords: { www: [192.0.2.1] }\n"),
      '--ns: required (or set "name_servers" in the --config file)',
    );
  });
});

describe("YAML errors name the path and the file", () => {
  test("the brief's example", async () => {
    assert.equal(
      await yamlError(`${YAML_BASE}health:\n  interval: 3 parsecs\n`),
      'health.interval (in /etc/x.yaml): "3 parsecs" is not a duration',
    );
  });

  test("unknown keys at every level", async () => {
    assert.equal(
      await yamlError(`${YAML_BASE}zones: [x]\n`),
      'zones (in /etc/x.yaml): unknown key; did you mean "zone"? (expected one of zone, alias_zones, name_servers, port, listen, log_level, log_format, lame_duck, records, transfer, state_dir, health, dnssec, tcp, http, rate_limit, cookies)',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { intervall: 5s }\n`),
      'health.intervall (in /etc/x.yaml): unknown key; did you mean "interval"? (expected one of interval, timeout, rise, fall, concurrency, when_all_down)',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}dnssec: { path: k.pem }\n`),
      "dnssec.path (in /etc/x.yaml): unknown key (expected one of key, algorithm)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}tcp: { idle: 5s }\n`),
      "tcp.idle (in /etc/x.yaml): unknown key (expected one of idle_timeout, io_timeout, max_connections, max_connections_per_source, max_unsent_bytes)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}http: { port: 9153 }\n`),
      "http.port (in /etc/x.yaml): unknown key (expected one of listen, max_connections, io_timeout)",
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("www: [192.0.2.1]", "www: { adresses: [192.0.2.1] }")),
      'records.www.adresses (in /etc/x.yaml): unknown key; did you mean "addresses"? (expected one of addresses, health_port, timeout, when_all_down, txt, mx, srv, caa, ttl)',
    );
    assert.equal(
      await yamlError(
        YAML_BASE.replace("www: [192.0.2.1]", "www: { ips: [192.0.2.1], health_port: 80 }"),
      ),
      "records.www.ips (in /etc/x.yaml): unknown key (expected one of addresses, health_port, timeout, when_all_down, txt, mx, srv, caa, ttl)",
    );
  });

  test("sections must be mappings, lists lists", async () => {
    assert.equal(
      await yamlError(`${YAML_BASE}health: 5s\n`),
      'health (in /etc/x.yaml): "5s" is not a mapping',
    );
    assert.equal(
      await yamlError(`${YAML_BASE.replace("[ns1.example.test]", "ns1.example.test")}`),
      'name_servers (in /etc/x.yaml): "ns1.example.test" is not a list',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}listen: { a: 1 }\n`),
      'listen (in /etc/x.yaml): {"a":1} is not a list',
    );
  });

  test("values inside lists and records name their position", async () => {
    assert.equal(
      await yamlError(YAML_BASE.replace("[192.0.2.1]", "[192.0.2.1, 300.1.1.1]")),
      'records.www[1] (in /etc/x.yaml): "300.1.1.1" is not an IP address',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("[192.0.2.1]", "[192.0.2.1, 192.0.2.1]")),
      'records.www[1] (in /etc/x.yaml): "192.0.2.1" is listed twice',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("[192.0.2.1]", "{ addresses: [x], health_port: 80 }")),
      'records.www.addresses[0] (in /etc/x.yaml): "x" is not an IP address',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("www: [192.0.2.1]", '"api.eu": [1.2.3]')),
      'records["api.eu"][0] (in /etc/x.yaml): "1.2.3" is not an IP address',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("[ns1.example.test]", "[ns1.example.test, ns1]")),
      'name_servers[1] (in /etc/x.yaml): "ns1" is not a fully-qualified host name (like "ns1.example.com")',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}alias_zones: [example.net, example.test]\n`),
      'alias_zones[1] (in /etc/x.yaml): "example.test" is the hosted zone itself',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}log_format: text\n`),
      'log_format (in /etc/x.yaml): "text" is not one of logfmt, json',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}lame_duck: -1\n`),
      "lame_duck (in /etc/x.yaml): -1 is not a positive duration",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}listen: [127.0.0.1, nowhere]\n`),
      'listen[1] (in /etc/x.yaml): "nowhere" is not an address (IP, IP:PORT or [IPv6]:PORT)',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}listen: [127.0.0.1, 127.0.0.1]\n`),
      'listen[1] (in /etc/x.yaml): "127.0.0.1:53053" is listed twice',
    );
  });

  test("record-level rules", async () => {
    const record = (text: string) => yamlError(YAML_BASE.replace("www: [192.0.2.1]", text));
    assert.equal(
      await record("www: { health_port: 80 }"),
      'records.www (in /etc/x.yaml): missing "addresses"',
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], timeout: 1s }"),
      "records.www.timeout (in /etc/x.yaml): applies only to health-checked records (set health_port)",
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], when_all_down: all }"),
      "records.www.when_all_down (in /etc/x.yaml): applies only to health-checked records (set health_port)",
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], health_port: 80, timeout: 0 }"),
      "records.www.timeout (in /etc/x.yaml): 0 is not a positive duration",
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], health_port: 99999 }"),
      "records.www.health_port (in /etc/x.yaml): 99999 is not a port (1-65535)",
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], health_port: 80, when_all_down: some }"),
      'records.www.when_all_down (in /etc/x.yaml): "some" is not none, all or a list of addresses',
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], health_port: 80, when_all_down: [] }"),
      "records.www.when_all_down (in /etc/x.yaml): [] is empty; give at least one address",
    );
    assert.equal(
      await record("www: { addresses: [192.0.2.1], health_port: 80, when_all_down: [bad] }"),
      'records.www.when_all_down[0] (in /etc/x.yaml): "bad" is not an IP address',
    );
    assert.equal(
      await record("www:"),
      "records.www (in /etc/x.yaml): null is neither a list of addresses nor a mapping with addresses, health_port, timeout, when_all_down, txt, mx, srv, caa, ttl",
    );
    assert.equal(
      await record("www.example.test: [192.0.2.1]"),
      'records (in /etc/x.yaml): "www.example.test" must be relative to the zone (write "www")',
    );
    // An absolute name with its dot: the advice must itself be accepted.
    const advice = await record('"www.svc.example.test.": [192.0.2.1]');
    assert.equal(
      advice,
      'records (in /etc/x.yaml): "www.svc.example.test." must be relative to the zone (write "www.svc")',
    );
    const advised = JSON.parse(/\(write (".*")\)$/.exec(advice)![1]);
    const config = await loadYaml(YAML_BASE.replace("www:", `${advised}:`));
    assert.equal(config.records[0].name, "www.svc");
    assert.equal(
      await record('"@": [192.0.2.1]'),
      'records["@"] (in /etc/x.yaml): the apex may hold only static records (txt, mx, srv, caa, ttl), not addresses',
    );
    assert.equal(
      await record("www: [192.0.2.1]\n  WWW: [192.0.2.2]"),
      'records (in /etc/x.yaml): "WWW" is listed twice',
    );
    // An empty value counts as absent, so an empty records key reads as missing.
    assert.equal(
      await yamlError(YAML_BASE.replace("  www: [192.0.2.1]\n", "")),
      '--zone-resolutions: required (or set "records" in the --config file)',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("  www: [192.0.2.1]\n", "  {}\n")),
      "records (in /etc/x.yaml): {} is empty; give at least one record",
    );
  });

  test("scalar settings", async () => {
    assert.equal(
      await yamlError(`${YAML_BASE}port: 70000\n`),
      "port (in /etc/x.yaml): 70000 is not a port (1-65535)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}port: "http"\n`),
      'port (in /etc/x.yaml): "http" is not a port (1-65535)',
    );
    assert.equal(
      await yamlError(YAML_BASE.replace("zone: example.test", "zone: 42")),
      "zone (in /etc/x.yaml): 42 is not a domain name",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}log_level: loud\n`),
      'log_level (in /etc/x.yaml): "loud" is not one of debug, info, warning, error, critical',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { rise: 0 }\n`),
      "health.rise (in /etc/x.yaml): 0 is not a positive whole number",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { fall: 1.5 }\n`),
      "health.fall (in /etc/x.yaml): 1.5 is not a positive whole number",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { concurrency: -3 }\n`),
      "health.concurrency (in /etc/x.yaml): -3 is not a positive whole number",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { timeout: true }\n`),
      "health.timeout (in /etc/x.yaml): true is not a duration",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}health: { when_all_down: [] }\n`),
      "health.when_all_down (in /etc/x.yaml): [] is empty; give at least one address",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}rate_limit: { responses_per_second: -1 }\n`),
      "rate_limit.responses_per_second (in /etc/x.yaml): -1 is not a whole number ≥ 0",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}rate_limit: { ipv4_prefix: 33 }\n`),
      "rate_limit.ipv4_prefix (in /etc/x.yaml): 33 is not an IPv4 prefix length (0-32)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}rate_limit: { ipv6_prefix: 129 }\n`),
      "rate_limit.ipv6_prefix (in /etc/x.yaml): 129 is not an IPv6 prefix length (0-128)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}rate_limit: { exempt: [10.0.0.0/33] }\n`),
      'rate_limit.exempt[0] (in /etc/x.yaml): "10.0.0.0/33" is not an IP address or CIDR range (e.g. 203.0.113.0/24)',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}cookies: { secret: not-hex-and-secret }\n`),
      "cookies.secret (in /etc/x.yaml): a string of 18 characters is not a secret of 32 hex digits (openssl rand -hex 16)",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}state_dir: ""\n`),
      'state_dir (in /etc/x.yaml): "" is not a directory path',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}tcp: { max_connections: 0 }\n`),
      "tcp.max_connections (in /etc/x.yaml): 0 is not a positive whole number",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}tcp: { max_connections_per_source: -1 }\n`),
      "tcp.max_connections_per_source (in /etc/x.yaml): -1 is not a positive whole number",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}tcp: { io_timeout: 0s }\n`),
      'tcp.io_timeout (in /etc/x.yaml): "0s" is not a positive duration',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}tcp: { idle_timeout: 2d }\n`),
      'tcp.idle_timeout (in /etc/x.yaml): "2d" is not a duration',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}dnssec: { key: 42 }\n`),
      "dnssec.key (in /etc/x.yaml): 42 is not a file path",
    );
    assert.equal(
      await yamlError(`${YAML_BASE}dnssec: { key: k.pem, algorithm: DSA }\n`),
      'dnssec.algorithm (in /etc/x.yaml): "DSA" is not one of RSASHA256, ECDSAP256SHA256, ED25519',
    );
    assert.equal(
      await yamlError(`${YAML_BASE}http: { listen: "127.0.0.1:0" }\n`),
      'http.listen (in /etc/x.yaml): "0" in "127.0.0.1:0" is not a port (1-65535)',
    );
  });

  test("a global when_all_down applies to every health-checked record", async () => {
    const config = await loadYaml(
      `${
        YAML_BASE.replace("www: [192.0.2.1]", "www: { addresses: [192.0.2.1], health_port: 80 }")
      }health: { when_all_down: ["2001:DB8::9"] }\n`,
    );
    assert.deepEqual(config.records[0].whenAllDown, {
      kind: "fallback",
      addresses: ["2001:db8::9"],
    });
  });
});

describe("YAML file-level errors", () => {
  test("syntax errors: file, line and column, one line", async () => {
    assert.equal(
      await yamlError("zone: example.test\nhealth:\n  interval: 5s\n timeout: 1s\n"),
      "/etc/x.yaml:4:1: All mapping items must start at the same column",
    );
    assert.equal(await yamlError("zone: a\nzone: b\n"), "/etc/x.yaml:2:1: Map keys must be unique");
    // Repeated keys deeper down, in block and flow mappings (checked with a set, then re-parsed).
    assert.equal(
      await yamlError("records:\n  www: [192.0.2.1]\n  api: [192.0.2.3]\n  www: [192.0.2.2]\n"),
      "/etc/x.yaml:4:3: Map keys must be unique",
    );
    assert.equal(
      await yamlError("health: { rise: 2, fall: 3, rise: 4 }\n"),
      "/etc/x.yaml:1:29: Map keys must be unique",
    );
    assert.equal(
      await yamlError("records: [1, 2\n"),
      "/etc/x.yaml:2:1: Flow sequence in block collection must be sufficiently indented and end with a ]",
    );
  });

  test("empty file, or not a mapping", async () => {
    assert.equal(await yamlError(""), "/etc/x.yaml: the file holds no settings");
    assert.equal(await yamlError("# only a comment\n"), "/etc/x.yaml: the file holds no settings");
    assert.equal(
      await yamlError("- zone: example.test\n"),
      '/etc/x.yaml: [{"zone":"example.test"}] is not a mapping',
    );
  });

  test("an unreadable file", async () => {
    assert.equal(
      await errorOf(["--config", "/missing.yaml"]),
      '--config: cannot read "/missing.yaml": no such file /missing.yaml',
    );
    assert.equal(await errorOf([...REQUIRED, "--config"]), "--config: needs a value");
  });
});
