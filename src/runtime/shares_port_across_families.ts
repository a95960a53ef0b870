/**
 * True for the wildcard addresses "0.0.0.0" and "::". The default config binds
 * both on one port, but on Linux (net.ipv6.bindv6only=0) a "::" socket also
 * claims the IPv4 port, so the second bind fails with EADDRINUSE on Deno and
 * Bun alike. Deno cannot set IPV6_V6ONLY, so both adapters bind wildcards with
 * SO_REUSEPORT (TCP) / port reuse (UDP) instead: Linux then hands IPv4 traffic
 * to the "0.0.0.0" socket and IPv6 traffic to the "::" one, and "::" alone
 * still serves both families. Cost: a second server instance of the same user
 * on the same wildcard port is not refused.
 */
export function sharesPortAcrossFamilies(hostname: string): boolean {
  return hostname === "0.0.0.0" || hostname === "::";
}
