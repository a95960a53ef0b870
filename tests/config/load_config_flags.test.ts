import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { baseConfig } from "../../scripts/bench/harness/base_config.ts";
import { DEFAULTS } from "../../src/config/config.ts";
import {
  DOCUMENTED_RATE_LIMIT,
  DOCUMENTED_TCP_LIMITS,
  errorOf,
  errorWith,
  load,
  REQUIRED,
  withFlag,
} from "./load_helpers.ts";

describe("loadConfig from flags: defaults and values", () => {
  test("the required flags alone give the defaults", async () => {
    const config = await load(REQUIRED);
    // The fixture zone with every setting at its documented default, as baseConfig holds them but
    // for the listen address and the limits tests keep apart.
    assert.deepEqual(
      config,
      baseConfig({
        listen: [{ hostname: "::", port: 53053 }],
        tcp: DOCUMENTED_TCP_LIMITS,
        rateLimit: DOCUMENTED_RATE_LIMIT,
        httpLimits: { maxConnections: 100, ioTimeoutMs: 5_000 },
      }),
    );
  });

  test("defaults are the documented values", () => {
    assert.equal(DEFAULTS.port, 53053);
    assert.deepEqual(DEFAULTS.listenHosts, ["::"]);
    assert.equal(DEFAULTS.dnssecAlgorithm, null, "the algorithm is the key's own");
    assert.equal(DEFAULTS.keygenAlgorithm, "ECDSAP256SHA256");
    assert.equal(DEFAULTS.httpPort, 9153);
    assert.equal(DEFAULTS.stateDir, null);
    assert.ok(
      Object.isFrozen(DEFAULTS) && Object.isFrozen(DEFAULTS.health) &&
        Object.isFrozen(DEFAULTS.tcp),
    );
  });

  test("every original flag, in both spellings", async () => {
    const config = await load([
      "--hosted-zone=Sub.Example.COM",
      "--zone-resolutions",
      '{"WWW":{"ips":["192.168.1.100","2001:DB8::0:1"],"health_port":8080},"static":["192.168.1.200"],"api.eu":{"ips":["10.0.0.1"],"health_port":"443"}}',
      '--ns=["NS1.dns.example.net","ns2.dns.example.net"]',
      "--alias-zones",
      '["sub.example.net","Sub.Example.Org"]',
      "--port",
      "5353",
      "--log-level=DEBUG",
      "--test-min-interval",
      "10",
      "--test-timeout=0.5",
      "--priv-key-path",
      "keys/zone.pem",
      "--priv-key-alg",
      "ed25519",
    ]);
    assert.equal(config.hostedZone, "sub.example.com");
    assert.deepEqual(config.aliasZones, ["sub.example.net", "sub.example.org"]);
    assert.deepEqual(config.nameServers, ["ns1.dns.example.net", "ns2.dns.example.net"]);
    assert.deepEqual(config.records, [
      {
        name: "www",
        addresses: ["192.168.1.100", "2001:db8::1"],
        check: { port: 8080, timeoutMs: 500 },
        whenAllDown: { kind: "none" },
      },
      { name: "static", addresses: ["192.168.1.200"], check: null, whenAllDown: { kind: "none" } },
      {
        name: "api.eu",
        addresses: ["10.0.0.1"],
        check: { port: 443, timeoutMs: 500 },
        whenAllDown: { kind: "none" },
      },
    ]);
    assert.deepEqual(config.listen, [{ hostname: "::", port: 5353 }]);
    assert.equal(config.logLevel, "debug");
    assert.equal(config.health.intervalMs, 10_000);
    assert.equal(config.health.timeoutMs, 500);
    assert.deepEqual(config.dnssec, { keyPath: "keys/zone.pem", algorithm: "ED25519" });
  });

  test("--priv-key-alg without a key leaves DNSSEC off", async () => {
    assert.equal((await load(withFlag("--priv-key-alg", "ECDSAP256SHA256"))).dnssec, null);
    assert.deepEqual((await load(withFlag("--priv-key-path", "/k.pem"))).dnssec, {
      keyPath: "/k.pem",
      algorithm: null,
    });
  });

  test("durations accept units", async () => {
    const cases: [string, number][] = [
      ["30", 30_000],
      ["500ms", 500],
      ["2m", 120_000],
      ["1h", 3_600_000],
      ["1.5s", 1500],
      ["0.001", 1],
      ["24h", 86_400_000],
      [" 2 s ", 2000],
    ];
    for (const [text, ms] of cases) {
      assert.equal((await load(withFlag("--test-min-interval", text))).health.intervalMs, ms, text);
    }
  });

  test("--listen: repeatable, IPv4, IPv6, with or without a port (default: --port)", async () => {
    const config = await load([
      ...REQUIRED,
      "--listen",
      "127.0.0.1",
      "--listen=[::1]:5300",
      "--listen",
      "192.0.2.7:53",
      "--listen",
      "2001:DB8::7",
      "--listen",
      "[::2]",
      "--port",
      "5353",
    ]);
    assert.deepEqual(config.listen, [
      { hostname: "127.0.0.1", port: 5353 },
      { hostname: "::1", port: 5300 },
      { hostname: "192.0.2.7", port: 53 },
      { hostname: "2001:db8::7", port: 5353 },
      { hostname: "::2", port: 5353 },
    ]);
  });

  test("--http: address with a port, or the default HTTP port", async () => {
    assert.deepEqual((await load(withFlag("--http", "127.0.0.1:9100"))).http, {
      hostname: "127.0.0.1",
      port: 9100,
    });
    assert.deepEqual((await load(withFlag("--http", "::1"))).http, { hostname: "::1", port: 9153 });
  });

  test("--state-dir: a directory path, taken as given", async () => {
    assert.equal((await load(withFlag("--state-dir", "var/state"))).stateDir, "var/state");
    assert.equal(await errorWith("--state-dir", ""), '--state-dir: "" is not a directory path');
  });

  test("--rate-limit: responses per second, 0 turns it off", async () => {
    assert.equal((await load(withFlag("--rate-limit", "0"))).rateLimit.responsesPerSecond, 0);
    assert.equal((await load(withFlag("--rate-limit", "20"))).rateLimit.responsesPerSecond, 20);
    assert.equal(
      await errorWith("--rate-limit", "fast"),
      '--rate-limit: "fast" is not a whole number ≥ 0',
    );
  });

  test("--log-format and --lame-duck (0 turns the delay off)", async () => {
    const config = await load([...REQUIRED, "--log-format", "JSON", "--lame-duck", "2.5"]);
    assert.equal(config.logFormat, "json");
    assert.equal(config.lameDuckMs, 2500);
    assert.equal((await load(withFlag("--lame-duck", "0"))).lameDuckMs, 0);
    assert.equal((await load(withFlag("--lame-duck", "10s"))).lameDuckMs, 10_000);
    assert.equal(
      await errorWith("--log-format", "xml"),
      '--log-format: "xml" is not one of logfmt, json',
    );
    assert.equal(await errorWith("--lame-duck", "soon"), '--lame-duck: "soon" is not a duration');
  });

  test("a repeated flag: the last value wins (as with argparse)", async () => {
    assert.equal(
      (await load([...REQUIRED, "--port", "1000", "--port", "2000"])).listen[0].port,
      2000,
    );
  });

  test("the result is deeply frozen", async () => {
    const config = await load([
      ...withFlag("--zone-resolutions", '{"a":{"ips":["192.0.2.1"],"health_port":80}}'),
      "--priv-key-path",
      "k",
      "--http",
      "::1",
    ]);
    for (
      const object of [
        config,
        config.records,
        config.records[0],
        config.records[0].addresses,
        config.records[0].check,
        config.records[0].whenAllDown,
        config.listen,
        config.listen[0],
        config.health,
        config.tcp,
        config.dnssec,
        config.http,
        config.aliasZones,
        config.nameServers,
      ]
    ) {
      assert.ok(Object.isFrozen(object), JSON.stringify(object));
    }
    assert.throws(() => (config.records as unknown as unknown[]).push("x"), TypeError);
  });
});

describe("loadConfig from flags: command-line errors", () => {
  test("missing required flags name the flag and the YAML key", async () => {
    assert.equal(await errorOf([]), '--hosted-zone: required (or set "zone" in the --config file)');
    assert.equal(
      await errorOf(REQUIRED.slice(0, 4)),
      '--zone-resolutions: required (or set "records" in the --config file)',
    );
    assert.equal(
      await errorOf([...REQUIRED.slice(0, 2), ...REQUIRED.slice(4)]),
      '--ns: required (or set "name_servers" in the --config file)',
    );
  });

  test("abbreviated flags are unknown flags, not expanded as argparse did (--hosted for --hosted-zone)", async () => {
    const zone = REQUIRED.slice(0, 2);
    const rest = REQUIRED.slice(2);
    // As the only spelling of a required flag, and as a second spelling of a given one.
    assert.match(await errorOf(["--hosted", "example.test", ...rest]), /^--hosted: unknown flag/);
    assert.match(
      await errorOf([...zone, ...rest, "--hosted=example.test"]),
      /^--hosted: unknown flag/,
    );
    for (
      const [abbreviation, value] of [
        ["--zone-res", '{"www":["192.0.2.1"]}'],
        ["--n", '["ns1.example.test"]'],
        ["--priv-key", "key.pem"],
        ["--test-min", "5s"],
        ["--log", "debug"],
        ["--conf", "zone.yaml"],
        ["--lis", "127.0.0.1:53"],
        ["--dem", null],
      ] as const
    ) {
      const args = value === null ? [abbreviation] : [abbreviation, value];
      assert.match(
        await errorOf([...REQUIRED, ...args]),
        new RegExp(`^${abbreviation}: unknown flag`),
        abbreviation,
      );
    }
  });

  test("unknown flags, stray arguments, missing values", async () => {
    assert.equal(
      await errorOf([...REQUIRED, "--prot", "53"]),
      "--prot: unknown flag; did you mean --port? (see --help)",
    );
    assert.equal(
      await errorOf([...REQUIRED, "--test-min-intervall", "5s"]),
      "--test-min-intervall: unknown flag; did you mean --test-min-interval? (see --help)",
    );
    assert.equal(
      await errorOf([...REQUIRED, "--verbose", "1"]),
      "--verbose: unknown flag (see --help)",
      "no far-fetched guess",
    );
    assert.equal(
      await errorOf([...REQUIRED, "-p", "53"]),
      '"-p": unexpected argument (flags start with --)',
    );
    assert.equal(
      await errorOf([...REQUIRED, "extra"]),
      '"extra": unexpected argument (flags start with --)',
    );
    assert.equal(
      await errorOf([...REQUIRED, "--"]),
      '"--": unexpected argument (flags start with --)',
    );
    assert.equal(await errorOf([...REQUIRED, "--port"]), "--port: needs a value");
    assert.equal(await errorOf(["--port", "--hosted-zone", "x"]), "--port: needs a value");
    assert.equal(await errorOf([...REQUIRED, "--demo=yes"]), '--demo: takes no value, got "yes"');
    assert.equal(
      await errorOf(["--demo", "--config", "x.yaml"]),
      "--demo: cannot be combined with --config",
    );
  });

  test("JSON flags must hold JSON: the message gives the position, the usual cause and an example", async () => {
    assert.equal(
      await errorWith("--ns", "ns1.example.test"),
      '--ns: "ns1.example.test" is not valid JSON at character 1 (unexpected "n"); ' +
        `--ns takes a JSON list: --ns '["ns1.example.test"]'`,
    );
    assert.equal(
      await errorWith("--zone-resolutions", "{'www': ['192.0.2.1']}"),
      `--zone-resolutions: "{'www': ['192.0.2.1']}" is not valid JSON at character 2 ` +
        `(unexpected "'"); JSON strings take double quotes; put the whole value in single quotes ` +
        `for the shell: --zone-resolutions '{"www":{"ips":["192.0.2.1"],"health_port":443}}'`,
    );
    assert.equal(
      await errorWith("--zone-resolutions", '{"www": ["192.0.2.1"],}'),
      '--zone-resolutions: "{\\"www\\": [\\"192.0.2.1\\"],}" is not valid JSON at character 23 ' +
        '(unexpected "}"); JSON allows no comma before "}"',
    );
    assert.equal(
      await errorWith("--alias-zones", '["example.net",\n]'),
      '--alias-zones: "[\\"example.net\\",\\n]" is not valid JSON at character 17 ' +
        '(unexpected "]"); JSON allows no comma before "]"',
    );
    assert.equal(
      await errorWith("--zone-resolutions", "{www"),
      '--zone-resolutions: "{www" is not valid JSON at character 2 (unexpected "w"); ' +
        `expected e.g. --zone-resolutions '{"www":{"ips":["192.0.2.1"],"health_port":443}}'`,
    );
    assert.equal(
      await errorWith("--alias-zones", '["x"'),
      '--alias-zones: "[\\"x\\"" is not valid JSON at character 5 (it ends early); ' +
        `expected e.g. --alias-zones '["example.net"]'`,
    );
  });

  test("long values are shortened in messages", async () => {
    assert.equal(
      await errorWith("--ns", `[${"x".repeat(100)}]`),
      `--ns: "[${"x".repeat(55)}... is not valid JSON at character 2 (unexpected "x"); ` +
        `expected e.g. --ns '["ns1.example.com"]'`,
    );
  });
});

describe("loadConfig from flags: names", () => {
  test("hosted zone", async () => {
    assert.equal(
      await errorWith("--hosted-zone", "example.test."),
      '--hosted-zone: "example.test." ends with a dot; write "example.test"',
    );
    assert.equal(
      await errorWith("--hosted-zone", ""),
      '--hosted-zone: "" is not a valid domain name: it is empty',
    );
    assert.equal(
      await errorWith("--hosted-zone", "."),
      '--hosted-zone: "." is not a valid domain name: it has an empty label',
    );
    assert.equal(
      await errorWith("--hosted-zone", "exa_mple.test"),
      '--hosted-zone: "exa_mple.test" is not a valid domain name: label "exa_mple" may hold only letters, digits and hyphens',
    );
    assert.equal(
      await errorWith("--hosted-zone", "-x.test"),
      '--hosted-zone: "-x.test" is not a valid domain name: label "-x" starts or ends with a hyphen',
    );
    const long = "a".repeat(64);
    assert.equal(
      await errorWith("--hosted-zone", `${long}.test`),
      `--hosted-zone: "${
        "a".repeat(56)
      }... is not a valid domain name: label "${long}" is longer than 63 characters`,
    );
  });

  test("name servers", async () => {
    assert.equal(await errorWith("--ns", "[]"), "--ns: [] is empty; give at least one name server");
    assert.equal(
      await errorWith("--ns", '"ns1.example.test"'),
      '--ns: "ns1.example.test" is not a list',
    );
    assert.equal(
      await errorWith("--ns", '["ns1"]'),
      '--ns: "ns1" is not a fully-qualified host name (like "ns1.example.com")',
    );
    assert.equal(
      await errorWith("--ns", '["ns1.example.test."]'),
      '--ns: "ns1.example.test." ends with a dot; write "ns1.example.test"',
    );
    assert.equal(await errorWith("--ns", "[53]"), "--ns: 53 is not a host name");
    assert.equal(
      await errorWith("--ns", '["ns1.x.test","NS1.x.test"]'),
      '--ns: "NS1.x.test" is listed twice (as "ns1.x.test")',
    );
    assert.equal(
      await errorWith("--ns", '["ns_1.x.test"]'),
      '--ns: "ns_1.x.test" is not a valid host name: label "ns_1" may hold only letters, digits and hyphens',
    );
  });

  test("alias zones: valid, distinct, not nested", async () => {
    const error = (json: string) => errorWith("--alias-zones", json);
    assert.equal(await error('"example.net"'), '--alias-zones: "example.net" is not a list');
    assert.equal(
      await error('["example.test"]'),
      '--alias-zones: "example.test" is the hosted zone itself',
    );
    assert.equal(
      await error('["Example.TEST"]'),
      '--alias-zones: "Example.TEST" is the hosted zone itself',
    );
    assert.equal(
      await error('["example.net","example.net"]'),
      '--alias-zones: "example.net" is listed twice',
    );
    assert.equal(
      await error('["sub.example.test"]'),
      '--alias-zones: "sub.example.test" lies inside the hosted zone "example.test"',
    );
    assert.equal(
      await error('["test"]'),
      '--alias-zones: "test" contains the hosted zone "example.test"',
    );
    assert.equal(
      await error('["example.net","a.example.net"]'),
      '--alias-zones: "a.example.net" lies inside alias zone "example.net"',
    );
    assert.equal(
      await error('["a.example.net","example.net"]'),
      '--alias-zones: "example.net" contains alias zone "a.example.net"',
    );
    assert.equal(
      await error('["bad_zone.net"]'),
      '--alias-zones: "bad_zone.net" is not a valid domain name: label "bad_zone" may hold only letters, digits and hyphens',
    );
    assert.equal(
      await error('["example.net."]'),
      '--alias-zones: "example.net." ends with a dot; write "example.net"',
    );
    assert.deepEqual((await load(withFlag("--alias-zones", '["myexample.test"]'))).aliasZones, [
      "myexample.test",
    ]);
    assert.deepEqual((await load(withFlag("--alias-zones", "[]"))).aliasZones, []);
  });

  test("record names: relative, below the apex, valid, unique", async () => {
    const error = (name: string) =>
      errorWith("--zone-resolutions", JSON.stringify({ [name]: ["192.0.2.1"] }));
    assert.equal(
      await error(""),
      '--zone-resolutions: "" is the zone apex; records must be below it',
    );
    assert.equal(
      await error("@"),
      '--zone-resolutions: "@": the apex may hold only static records (txt, mx, srv, caa, ttl), not addresses',
    );
    assert.equal(
      await error("example.test"),
      '--zone-resolutions: "example.test" is the zone apex; records must be below it',
    );
    assert.equal(
      await error("www.Example.test"),
      '--zone-resolutions: "www.Example.test" must be relative to the zone (write "www")',
    );
    assert.equal(await error("www."), '--zone-resolutions: "www." ends with a dot; write "www"');
    assert.equal(
      await error("www.svc.example.test."),
      '--zone-resolutions: "www.svc.example.test." must be relative to the zone (write "www.svc")',
      "an absolute name gets the relative advice, not one that is refused in turn",
    );
    assert.equal(
      await error("example.test."),
      '--zone-resolutions: "example.test." is the zone apex; records must be below it',
    );
    assert.equal(
      await error("*"),
      '--zone-resolutions: "*" is not a valid record name: label "*" may hold only letters, digits, underscores and hyphens',
    );
    assert.equal(
      await error("a..b"),
      '--zone-resolutions: "a..b" is not a valid record name: it has an empty label',
    );
    assert.equal(
      await error("www-"),
      '--zone-resolutions: "www-" is not a valid record name: label "www-" starts or ends with a hyphen',
    );
    assert.equal(
      await errorWith("--zone-resolutions", '{"www":["192.0.2.1"],"WWW":["192.0.2.2"]}'),
      '--zone-resolutions: "WWW" is listed twice',
    );
    assert.equal(
      await errorWith("--zone-resolutions", "{}"),
      "--zone-resolutions: {} is empty; give at least one record",
    );
    assert.equal(
      await errorWith("--zone-resolutions", '["www"]'),
      '--zone-resolutions: ["www"] is not a mapping',
    );
  });

  test("record names under an alias zone are relative too, and fit under the longest zone", async () => {
    const args = [
      ...withFlag("--zone-resolutions", '{"www.example.net":["192.0.2.1"]}'),
      "--alias-zones",
      '["example.net"]',
    ];
    assert.equal(
      await errorOf(args),
      '--zone-resolutions: "www.example.net" must be relative to the zone (write "www")',
    );
    const longZone = `${"z".repeat(60)}.${"y".repeat(60)}.net`; // 125 characters
    const name = `${"a".repeat(63)}.${"b".repeat(63)}.c`; // 129: fits under example.test, not under longZone (255)
    const records = JSON.stringify({ [name]: ["192.0.2.1"] });
    assert.equal((await load(withFlag("--zone-resolutions", records))).records[0].name, name);
    assert.equal(
      await errorOf([
        ...withFlag("--zone-resolutions", records),
        "--alias-zones",
        JSON.stringify([longZone]),
      ]),
      `--zone-resolutions: "${"a".repeat(56)}... is too long: under "${
        "z".repeat(56)
      }... it exceeds 253 characters`,
    );
  });
});

describe("loadConfig from flags: records", () => {
  const error = (records: unknown) => errorWith("--zone-resolutions", JSON.stringify(records));

  test("addresses", async () => {
    assert.equal(
      await error({ www: ["300.1.1.1"] }),
      '--zone-resolutions: "www": "300.1.1.1" is not an IP address',
    );
    assert.equal(
      await error({ www: ["01.2.3.4"] }),
      '--zone-resolutions: "www": "01.2.3.4" is not an IP address',
    );
    assert.equal(
      await error({ www: ["example.com"] }),
      '--zone-resolutions: "www": "example.com" is not an IP address',
    );
    assert.equal(await error({ www: [17] }), '--zone-resolutions: "www": 17 is not an IP address');
    assert.equal(
      await error({ www: [] }),
      '--zone-resolutions: "www": [] is empty; give at least one address',
    );
    assert.equal(
      await error({ www: ["192.0.2.1", "192.0.2.1"] }),
      '--zone-resolutions: "www": "192.0.2.1" is listed twice',
    );
    assert.equal(
      await error({ www: ["2001:db8::1", "2001:DB8:0::1"] }),
      '--zone-resolutions: "www": "2001:DB8:0::1" is listed twice (as "2001:db8::1")',
    );
    assert.equal(
      await error({ www: { ips: ["1.2.3.4.5"], health_port: 80 } }),
      '--zone-resolutions: "www": "ips": "1.2.3.4.5" is not an IP address',
    );
    assert.equal(
      await error({ www: { ips: "192.0.2.1", health_port: 80 } }),
      '--zone-resolutions: "www": "ips": "192.0.2.1" is not a list',
    );
  });

  test("object form: exactly ips and health_port, as in the original", async () => {
    assert.equal(
      await error({ www: { ips: ["192.0.2.1"] } }),
      '--zone-resolutions: "www": missing "health_port" (or give a bare list of addresses for a static record)',
    );
    assert.equal(
      await error({ www: { health_port: 80 } }),
      '--zone-resolutions: "www": missing "ips"',
    );
    assert.equal(
      await error({ www: { ips: ["192.0.2.1"], health_port: 80, timeout: 1 } }),
      '--zone-resolutions: "www": "timeout": unknown key (expected one of ips, health_port, txt, mx, srv, caa, ttl)',
    );
    assert.equal(
      await error({ www: { addresses: ["192.0.2.1"], health_port: 80 } }),
      '--zone-resolutions: "www": "addresses": unknown key (expected one of ips, health_port, txt, mx, srv, caa, ttl)',
    );
    assert.equal(
      await error({ www: "192.0.2.1" }),
      '--zone-resolutions: "www": "192.0.2.1" is neither a list of addresses nor a mapping with ips, health_port, txt, mx, srv, caa, ttl',
    );
    assert.equal(
      await error({ www: null }),
      '--zone-resolutions: "www": null is neither a list of addresses nor a mapping with ips, health_port, txt, mx, srv, caa, ttl',
    );
  });

  test("health ports: integers 1-65535", async () => {
    const port = (health_port: unknown) => error({ www: { ips: ["192.0.2.1"], health_port } });
    assert.equal(
      await port(0),
      '--zone-resolutions: "www": "health_port": 0 is not a port (1-65535)',
    );
    assert.equal(
      await port(65536),
      '--zone-resolutions: "www": "health_port": 65536 is not a port (1-65535)',
    );
    assert.equal(
      await port(80.5),
      '--zone-resolutions: "www": "health_port": 80.5 is not a port (1-65535)',
    );
    assert.equal(
      await port("http"),
      '--zone-resolutions: "www": "health_port": "http" is not a port (1-65535)',
    );
    assert.equal(
      await port("-1"),
      '--zone-resolutions: "www": "health_port": "-1" is not a port (1-65535)',
    );
    assert.equal(
      await port(true),
      '--zone-resolutions: "www": "health_port": true is not a port (1-65535)',
    );
    assert.equal(
      await port(null),
      '--zone-resolutions: "www": "health_port": null is not a port (1-65535)',
    );
    const config = await load(
      withFlag(
        "--zone-resolutions",
        JSON.stringify({
          a: { ips: ["192.0.2.1"], health_port: 65535 },
          b: { ips: ["192.0.2.1"], health_port: 1 },
        }),
      ),
    );
    assert.deepEqual(config.records.map((record) => record.check?.port), [65535, 1]);
  });
});

describe("loadConfig from flags: scalar settings", () => {
  test("--port", async () => {
    assert.equal(await errorWith("--port", "70000"), '--port: "70000" is not a port (1-65535)');
    assert.equal(await errorWith("--port", "0"), '--port: "0" is not a port (1-65535)');
    assert.equal(await errorWith("--port", "53.5"), '--port: "53.5" is not a port (1-65535)');
    assert.equal(await errorWith("--port", "dns"), '--port: "dns" is not a port (1-65535)');
    assert.equal(await errorWith("--port", ""), '--port: "" is not a port (1-65535)');
    assert.equal((await load(withFlag("--port", "65535"))).listen[0].port, 65535);
  });

  test("--log-level", async () => {
    assert.equal(
      await errorWith("--log-level", "verbose"),
      '--log-level: "verbose" is not one of debug, info, warning, error, critical',
    );
    assert.equal(
      await errorWith("--log-level", "warn"),
      '--log-level: "warn" is not one of debug, info, warning, error, critical',
    );
    for (const level of ["debug", "info", "warning", "error", "critical"]) {
      assert.equal((await load(withFlag("--log-level", level))).logLevel, level);
    }
  });

  test("--priv-key-alg", async () => {
    assert.equal(
      await errorWith("--priv-key-alg", "RSASHA512"),
      '--priv-key-alg: "RSASHA512" is not one of RSASHA256, ECDSAP256SHA256, ED25519',
    );
  });

  test("timings must be positive durations up to 24h", async () => {
    assert.equal(
      await errorWith("--test-min-interval", "3 parsecs"),
      '--test-min-interval: "3 parsecs" is not a duration',
    );
    assert.equal(
      await errorWith("--test-min-interval", "0"),
      '--test-min-interval: "0" is not a positive duration',
    );
    assert.equal(
      await errorWith("--test-timeout", "0.0001"),
      '--test-timeout: "0.0001" is not a positive duration',
    );
    assert.equal(await errorWith("--test-timeout", "-1"), '--test-timeout: "-1" is not a duration');
    assert.equal(await errorWith("--test-timeout", "1d"), '--test-timeout: "1d" is not a duration');
    assert.equal(
      await errorWith("--test-timeout", "25h"),
      '--test-timeout: "25h" is longer than 24h',
    );
    assert.equal(await errorWith("--test-timeout", ""), '--test-timeout: "" is not a duration');
  });

  test("--listen and --http errors", async () => {
    assert.equal(
      await errorWith("--listen", "localhost"),
      '--listen: "localhost" is not an address (IP, IP:PORT or [IPv6]:PORT)',
    );
    assert.equal(
      await errorWith("--listen", "localhost:53"),
      '--listen: "localhost:53" is not an address (IP, IP:PORT or [IPv6]:PORT)',
    );
    assert.equal(
      await errorWith("--listen", "127.0.0.1:70000"),
      '--listen: "70000" in "127.0.0.1:70000" is not a port (1-65535)',
    );
    assert.equal(
      await errorWith("--listen", "127.0.0.1:"),
      '--listen: "" in "127.0.0.1:" is not a port (1-65535)',
    );
    assert.equal(
      await errorWith("--listen", "[::1]:x"),
      '--listen: "x" in "[::1]:x" is not a port (1-65535)',
    );
    assert.equal(
      await errorOf([...REQUIRED, "--listen", "0.0.0.0", "--listen", "::"]),
      '--listen: "0.0.0.0:53053" overlaps "[::]:53053", which already receives every address on port 53053',
    );
    assert.equal(
      await errorOf([...REQUIRED, "--listen", "[::]:53", "--listen", "127.0.0.1:53"]),
      '--listen: "127.0.0.1:53" overlaps "[::]:53", which already receives every address on port 53',
    );
    assert.equal(
      await errorWith("--listen", "[127.0.0.1]:53"),
      '--listen: "[127.0.0.1]:53": brackets are only for IPv6 addresses',
    );
    // Without brackets, colons belong to the IPv6 address: "::1:53" is the address ::1:53.
    assert.deepEqual((await load(withFlag("--listen", "::1:53"))).listen, [{
      hostname: "::1:53",
      port: 53053,
    }]);
    assert.equal(
      await errorOf([...REQUIRED, "--listen", "127.0.0.1", "--listen", "127.0.0.1:53053"]),
      '--listen: "127.0.0.1:53053" is listed twice',
    );
    assert.equal(
      await errorWith("--http", "localhost:9153"),
      '--http: "localhost:9153" is not an address (IP, IP:PORT or [IPv6]:PORT)',
    );
  });
});
