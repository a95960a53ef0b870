/**
 * Turns a socket bind failure from either runtime into a short reason for a
 * one-line error: Deno throws `AddrInUse`-named errors, Bun and Node carry
 * `code: "EADDRINUSE"`; both also say it in the message.
 */
export function bindErrorReason(error: unknown): string {
  const { name = "", code = "", message = String(error) } = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
  };
  const all = `${name} ${code} ${message}`;
  if (/AddrInUse|EADDRINUSE|address already in use/i.test(all)) return "address already in use";
  if (
    /AddrNotAvailable|EADDRNOTAVAIL|address not available|cannot assign requested address/i.test(
      all,
    )
  ) {
    return "address not available on this host";
  }
  if (/PermissionDenied|EACCES|permission denied/i.test(all)) {
    return "permission denied (ports below 1024 need privileges)";
  }
  return message.split("\n")[0];
}
