/**
 * Formats a socket address the way users type it: `127.0.0.1:53`, `[::1]:53`.
 */
export function formatAddress(
  address: { readonly hostname: string; readonly port: number },
): string {
  return address.hostname.includes(":")
    ? `[${address.hostname}]:${address.port}`
    : `${address.hostname}:${address.port}`;
}
