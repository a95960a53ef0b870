import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { errorWith, load, loadYaml, withFlag, YAML_BASE, yamlError } from "./load_helpers.ts";

/** YAML_BASE with its name_servers line replaced. */
const withNs = (line: string, extra = "") =>
  YAML_BASE.replace("name_servers: [ns1.example.test]", line) + extra;

describe("name servers with addresses", () => {
  test("an in-zone name server's addresses become a static record, after the configured ones", async () => {
    const config = await loadYaml(
      withNs(
        'name_servers:\n  - { name: NS1.example.test, addresses: [192.0.2.53, "2001:DB8::53"] }\n  - ns2.example.net\n',
      ),
    );
    assert.deepEqual(config.nameServers, ["ns1.example.test", "ns2.example.net"]);
    assert.deepEqual(
      config.records.map((record) => [record.name, record.addresses, record.check]),
      [
        ["www", ["192.0.2.1"], null],
        ["ns1", ["192.0.2.53", "2001:db8::53"], null],
      ],
    );
  });

  test("inside an alias zone too, and in the original's flag form as JSON", async () => {
    const config = await load(
      withFlag(
        "--ns",
        '[{"name":"ns.dns.example.net","addresses":["192.0.2.54"]},"ns1.example.test"]',
      ).concat("--alias-zones", '["example.net"]'),
    );
    assert.deepEqual(config.nameServers, ["ns.dns.example.net", "ns1.example.test"]);
    assert.deepEqual(config.records.at(-1)?.name, "ns.dns");
    assert.deepEqual(config.records.at(-1)?.addresses, ["192.0.2.54"]);
  });

  test("plain host names and entries without addresses add no record", async () => {
    const config = await loadYaml(withNs("name_servers: [{ name: ns1.example.test }, ns2.x.test]"));
    assert.deepEqual(config.nameServers, ["ns1.example.test", "ns2.x.test"]);
    assert.deepEqual(config.records.map((record) => record.name), ["www"]);
  });

  test("errors name the entry and the value", async () => {
    assert.equal(
      await yamlError(withNs("name_servers: [{ name: ns1.other.test, addresses: [192.0.2.53] }]")),
      'name_servers[0].addresses (in /etc/x.yaml): "ns1.other.test" lies outside every served zone, so its addresses cannot be served here (they belong in its own zone, and as glue in the parent)',
    );
    assert.equal(
      await yamlError(
        withNs("name_servers: [{ name: www.example.test, addresses: [192.0.2.53] }]"),
      ),
      'name_servers[0].addresses (in /etc/x.yaml): "www" is already given addresses by records; give them in one place',
    );
    assert.equal(
      await yamlError(withNs("name_servers: [{ name: ns1.example.test, addresses: [1.2.3] }]")),
      'name_servers[0].addresses[0] (in /etc/x.yaml): "1.2.3" is not an IP address',
    );
    assert.equal(
      await yamlError(withNs("name_servers: [{ addresses: [192.0.2.53] }]")),
      'name_servers[0] (in /etc/x.yaml): missing "name"',
    );
    assert.equal(
      await yamlError(withNs("name_servers: [{ name: ns1.example.test, ips: [192.0.2.53] }]")),
      "name_servers[0].ips (in /etc/x.yaml): unknown key (expected one of name, addresses)",
    );
    assert.equal(
      await yamlError(withNs("name_servers: [ns1.example.test, { name: NS1.example.test }]")),
      'name_servers[1] (in /etc/x.yaml): "NS1.example.test" is listed twice (as "ns1.example.test")',
    );
    assert.equal(
      await errorWith("--ns", '[{"name":"example.test","addresses":["192.0.2.53"]}]'),
      '--ns: "addresses": "example.test" is the zone apex, which has no addresses',
    );
  });
});
