/**
 * The embedded demo configuration behind `--demo`: example.test (alias
 * example.net) on 127.0.0.1 and ::1 port 53053, with one healthy record
 * (`www`, probing the server's own TCP listener), one normally-down record
 * (`api`, NODATA) and one static record; its name server is the server
 * itself. examples/demo.yaml is a copy of this text; a test keeps the two
 * identical.
 */
export const DEMO_CONFIG_YAML: string =
  `# healthy-dns demo configuration (\`healthy-dns --demo\` serves exactly this).
# Serves example.test, and example.net as its alias, on loopback port 53053:
#   dig @127.0.0.1 -p 53053 www.example.test A
#   dig @::1 -p 53053 static.example.net A +tcp
zone: example.test
alias_zones: [example.net]
name_servers: [ns1.example.test]
listen: ["127.0.0.1:53053", "[::1]:53053"]
health:
  interval: 5s
  timeout: 1s
records:
  # Probes the server's own DNS TCP listener: healthy as soon as the server runs.
  www:
    addresses: [127.0.0.1, "::1"]
    health_port: 53053
  # Nothing listens on port 8080 here, so both addresses are down and
  # api answers NODATA (start something on 127.0.0.2:8080 to see it appear).
  api:
    addresses: [127.0.0.2, 127.0.0.3]
    health_port: 8080
  # A static record: served as-is, never probed.
  static: [127.0.0.10]
  # The zone's name server is this server: its addresses (without them the
  # zone would name a name server that does not resolve).
  ns1: [127.0.0.1, "::1"]
`;

/** The port the demo listens on, and its `www` probes: the server's own. */
export const DEMO_PORT = 53053;

/**
 * The demo configuration on `port` instead of DEMO_PORT (`--demo --port N`): the
 * listen addresses, `www`'s health port (it probes the server's own listener) and
 * the dig hints all follow it. DEMO_PORT appears in the text only as that port.
 */
export function demoConfigYaml(port: number): string {
  return DEMO_CONFIG_YAML.replaceAll(String(DEMO_PORT), String(port));
}
