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

/**
 * The error for `value` of a setting whose `origin` is a flag (`--listen
 * 127.0.0.1:53: address already in use`) or a YAML path (`listen (in x.yaml):
 * 127.0.0.1:53: address already in use`); see `SettingOrigins`.
 */
export function settingError(origin: string, value: string, detail: string): ConfigError {
  return origin.startsWith("--")
    ? new ConfigError(`${origin} ${value}`, detail)
    : new ConfigError(origin, `${value}: ${detail}`);
}
