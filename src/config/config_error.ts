/**
 * A user error in the configuration: names the flag or YAML path and the bad
 * value. The CLI prints `message` as one line on stderr and exits with code 2.
 *
 * @example
 * throw new ConfigError("--zone-resolutions", `"www": "300.1.1.1" is not an IP address`);
 * // message: --zone-resolutions: "www": "300.1.1.1" is not an IP address
 */
export class ConfigError extends Error {
  /** The flag (`--port`) or YAML path (`health.interval`) at fault. */
  readonly where: string;

  constructor(where: string, detail: string) {
    super(`${where}: ${detail}`);
    this.name = "ConfigError";
    this.where = where;
  }
}
