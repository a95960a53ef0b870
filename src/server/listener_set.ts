import type { ListenAddress } from "../config/config.ts";
import type { RemoteAddress } from "../runtime/runtime.ts";
import type { DnsListener } from "./bind_dns_listener.ts";
import { formatAddress } from "./format_address.ts";

/** The DNS listeners for the configured listen addresses. */
export interface ListenerSet {
  /** Bound addresses (real ports), in the order they were bound. */
  readonly addresses: readonly RemoteAddress[];
  /**
   * Makes the set match `listen`: binds the addresses not yet bound, then
   * closes those no longer listed. All or nothing: if one bind fails, the
   * new ones are closed again, the old set stays untouched, and it throws.
   */
  update(listen: readonly ListenAddress[]): Promise<void>;
  close(): void;
}

/** Creates an empty listener set that binds with `bind` (see `bindDnsListener`). */
export function createListenerSet(
  bind: (address: ListenAddress) => Promise<DnsListener>,
): ListenerSet {
  // Keyed by the configured address, so a port-0 address is kept across updates.
  const bound = new Map<string, DnsListener>();
  return {
    get addresses() {
      return [...bound.values()].map((listener) => listener.local);
    },
    async update(listen) {
      const wanted = new Map(listen.map((address) => [formatAddress(address), address]));
      const added: [string, DnsListener][] = [];
      try {
        for (const [key, address] of wanted) {
          if (!bound.has(key)) added.push([key, await bind(address)]);
        }
      } catch (error) {
        for (const [, listener] of added) listener.close();
        throw error;
      }
      for (const [key, listener] of bound) {
        if (!wanted.has(key)) {
          listener.close();
          bound.delete(key);
        }
      }
      for (const [key, listener] of added) bound.set(key, listener);
    },
    close() {
      for (const listener of bound.values()) listener.close();
      bound.clear();
    },
  };
}
