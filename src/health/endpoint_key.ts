/**
 * The identity of a probed endpoint: one address and one health port.
 * Several names (and every alias zone) that share an address and port share
 * one key, hence one probe and one health state.
 *
 * @param address canonical address text, as stored in the config.
 * @param port the TCP port probed.
 */
export function endpointKey(address: string, port: number): string {
  return `${address} ${port}`;
}
