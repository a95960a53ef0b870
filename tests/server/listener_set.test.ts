import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { ListenAddress } from "../../src/config/config.ts";
import type { DnsListener } from "../../src/server/bind_dns_listener.ts";
import { createListenerSet } from "../../src/server/listener_set.ts";

/** A fake binder: port 0 gets 40000+n; `taken` ports fail like a port in use. */
function fakeBinder(taken: Set<number>) {
  const open = new Set<string>();
  let next = 40_000;
  const bind = (address: ListenAddress): Promise<DnsListener> => {
    if (taken.has(address.port)) return Promise.reject(new Error(`${address.port} in use`));
    const local = { hostname: address.hostname, port: address.port === 0 ? next++ : address.port };
    const id = `${local.hostname}:${local.port}`;
    open.add(id);
    return Promise.resolve({ local, close: () => void open.delete(id) });
  };
  return { bind, open };
}

const at = (hostname: string, port: number): ListenAddress => ({ hostname, port });

describe("createListenerSet", () => {
  test("binds every address and reports the real ports", async () => {
    const { bind, open } = fakeBinder(new Set());
    const set = createListenerSet(bind);
    await set.update([at("127.0.0.1", 0), at("::1", 5300)]);
    assert.deepEqual(set.addresses, [{ hostname: "127.0.0.1", port: 40000 }, {
      hostname: "::1",
      port: 5300,
    }]);
    assert.equal(open.size, 2);
    set.close();
    assert.equal(open.size, 0);
  });

  test("an update keeps unchanged addresses, binds new ones and closes dropped ones", async () => {
    const { bind, open } = fakeBinder(new Set());
    const set = createListenerSet(bind);
    await set.update([at("127.0.0.1", 0), at("127.0.0.1", 5300)]);
    await set.update([at("127.0.0.1", 0), at("127.0.0.2", 5300)]);
    assert.deepEqual(
      [...open].sort(),
      ["127.0.0.1:40000", "127.0.0.2:5300"],
      "port-0 address kept, not rebound",
    );
    set.close();
  });

  test("all or nothing: a failing bind closes what this update bound and leaves the old set", async () => {
    const { bind, open } = fakeBinder(new Set([53]));
    const set = createListenerSet(bind);
    await set.update([at("127.0.0.1", 5300)]);
    await assert.rejects(set.update([at("127.0.0.2", 5300), at("127.0.0.3", 53)]), /53 in use/);
    assert.deepEqual([...open], ["127.0.0.1:5300"]);
    assert.deepEqual(set.addresses, [{ hostname: "127.0.0.1", port: 5300 }]);
    set.close();
  });
});
