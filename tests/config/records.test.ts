// Static records in `records` (TXT, MX, SRV, CAA, ttl; "@" for the apex;
// underscore and multi-label names), from YAML and from the flags' JSON, and
// one clear line for each thing that can be wrong with them.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { configWarnings } from "../../src/server/preflight.ts";
import { errorWith, loadYaml, withFlag, yamlError } from "./load_helpers.ts";
import { load } from "./load_helpers.ts";

const yaml = (records: string) =>
  `zone: example.test\nalias_zones: [example.net]\nname_servers: [ns1.example.org]\nrecords:\n${records}`;

describe("static records", () => {
  test("YAML: every type, the apex, underscore names, ttl; targets kept as written", async () => {
    const config = await loadYaml(yaml(`  "@":
    txt: ["v=spf1 -all"]
    mx: [{priority: 10, host: Mail}, {priority: 20, host: mx.example.org.}]
    caa: [{flags: 0, tag: Issue, value: letsencrypt.org}]
  mail: [192.0.2.25]
  www: {addresses: [192.0.2.10], health_port: 443, txt: [hi], ttl: 60}
  _acme-challenge.www: {txt: [token]}
  _https._tcp.www: {srv: [{priority: 0, weight: 5, port: 443, target: "@"}]}
`));
    assert.deepEqual(config.apex, {
      txt: ["v=spf1 -all"],
      mx: [{ priority: 10, host: "mail" }, { priority: 20, host: "mx.example.org." }],
      srv: [],
      caa: [{ flags: 0, tag: "issue", value: "letsencrypt.org" }],
      ttl: null,
    });
    const www = config.records.find((record) => record.name === "www")!;
    assert.deepEqual(www.statics, { txt: ["hi"], mx: [], srv: [], caa: [], ttl: 60 });
    assert.equal(www.check?.port, 443);
    const acme = config.records.find((record) => record.name === "_acme-challenge.www")!;
    assert.deepEqual([acme.addresses, acme.check, acme.statics?.txt], [[], null, ["token"]]);
    const srv = config.records.find((record) => record.name === "_https._tcp.www")!;
    assert.deepEqual(srv.statics?.srv, [{ priority: 0, weight: 5, port: 443, target: "@" }]);
  });

  test("flags' JSON takes the same shapes; the existing forms stay valid", async () => {
    const config = await load(withFlag(
      "--zone-resolutions",
      JSON.stringify({
        "@": { txt: ["v=spf1 -all"] },
        www: { ips: ["192.0.2.1"], health_port: 80, txt: ["x"] },
        "_sip._udp": { srv: [{ priority: 1, weight: 1, port: 5060, target: "www" }] },
      }),
    ));
    assert.deepEqual(config.apex?.txt, ["v=spf1 -all"]);
    assert.deepEqual(config.records.find((r) => r.name === "www")?.statics?.txt, ["x"]);
    assert.equal(config.records.find((r) => r.name === "_sip._udp")?.statics?.srv[0].port, 5060);
    assert.equal((await loadYaml(yaml("  www: [192.0.2.1]\n"))).apex, undefined);
  });

  test("one line naming the YAML path and the value for each mistake", async () => {
    const cases: [string, string][] = [
      ['  www: {txt: "one"}\n', 'records.www.txt (in /etc/x.yaml): "one" is not a list'],
      ["  www: {txt: [1]}\n", "records.www.txt[0] (in /etc/x.yaml): 1 is not a string"],
      [
        `  www: {txt: ["${"x".repeat(65026)}"]}\n`,
        "is longer than 65025 octets",
      ],
      [
        "  www: {srv: [{priority: 0, weight: 0, port: 70000, target: a}]}\n",
        "records.www.srv[0].port (in /etc/x.yaml): 70000 is not a whole number from 0 to 65535",
      ],
      [
        "  www: {srv: [{priority: 0, weight: 0, port: 1}]}\n",
        'records.www.srv[0] (in /etc/x.yaml): missing "target"',
      ],
      [
        '  www: {mx: [{priority: "high", host: mail}]}\n',
        'records.www.mx[0].priority (in /etc/x.yaml): "high" is not a whole number from 0 to 65535',
      ],
      [
        "  www: {mx: [{priority: 1, host: 5}]}\n",
        "records.www.mx[0].host (in /etc/x.yaml): 5 is not a host name",
      ],
      [
        "  www: {mx: [{priority: 1, host: ma_il}]}\n",
        'records.www.mx[0].host (in /etc/x.yaml): "ma_il" is not a valid host name',
      ],
      [
        '  www: {caa: [{flags: 0, tag: "is-sue", value: x}]}\n',
        'records.www.caa[0].tag (in /etc/x.yaml): "is-sue" is not a CAA tag (1-15 letters and digits)',
      ],
      [
        "  www: {caa: [{flags: 256, tag: issue, value: x}]}\n",
        "records.www.caa[0].flags (in /etc/x.yaml): 256 is not a whole number from 0 to 255",
      ],
      [
        "  www: {txt: [a], ttl: -1}\n",
        "records.www.ttl (in /etc/x.yaml): -1 is not a TTL (0-2147483647 seconds)",
      ],
      [
        "  www: {txt: [a], health_port: 80}\n",
        'records.www.health_port (in /etc/x.yaml): applies only to a name with "addresses"',
      ],
      ['  "@": {addresses: [192.0.2.1]}\n', "the apex may hold only static records"],
      ['  "@": {}\n', "give at least one of txt, mx, srv, caa, ttl"],
      ['  "bad name": {txt: [a]}\n', "is not a valid record name"],
      ["  www: {tx: [a]}\n", 'unknown key; did you mean "txt"?'],
    ];
    for (const [records, expected] of cases) {
      const message = await yamlError(yaml(records));
      assert.ok(message.includes(expected), `${records}→ ${message}`);
    }
    assert.match(
      await errorWith("--zone-resolutions", '{"www": {"mx": [{"priority": 1}]}}'),
      /^--zone-resolutions: "www": "mx": missing "host"$/,
    );
  });

  test("warnings (checkconf): an unregistered CAA tag, an MX or SRV target in the zone without address", async () => {
    const config = await loadYaml(yaml(`  "@":
    mx: [{priority: 10, host: mail}, {priority: 20, host: www.example.test.}, {priority: 30, host: mx.example.org.}]
    caa: [{flags: 128, tag: issuer, value: x}, {flags: 0, tag: issuewild, value: ";"}]
  www: [192.0.2.1]
  _sip._udp: {srv: [{priority: 0, weight: 0, port: 5060, target: "@"}]}
`));
    assert.deepEqual(configWarnings(config, null, null), [
      'records["@"].caa[0].tag: "issuer" is not a registered CAA tag (issue, issuewild, iodef, ' +
      "contactemail, contactphone, issuemail, issuevmc); CAs ignore it, and with the critical " +
      "flag (128) refuse to issue",
      'records["@"].mx[0].host: "mail" lies in the zone but has no addresses there, so clients ' +
      "find nothing to connect to",
      'records["_sip._udp"].srv[0].target: "@" lies in the zone but has no addresses there, so ' +
      "clients find nothing to connect to",
    ]);
  });
});
