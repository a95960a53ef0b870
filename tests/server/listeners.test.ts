import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ListenAddress } from "../../src/config/config.ts";
import { bindErrorReason, createListenerSet, type DnsListener, formatAddress } from "../../src/server/listeners.ts";

describe("bindErrorReason", () => {
  test("recognises address-in-use as Deno and Bun report it", () => {
    const deno = Object.assign(new Error("Address already in use (os error 98)"), {
      name: "AddrInUse",
    });
    const bun = Object.assign(new Error("Failed to listen at 127.0.0.1"), { code: "EADDRINUSE" });
    assert.equal(bindErrorReason(deno), "address already in use");
    assert.equal(bindErrorReason(bun), "address already in use");
  });

  test("permission and unavailable address get plain reasons", () => {
    assert.match(
      bindErrorReason(Object.assign(new Error("x"), { code: "EACCES" })),
      /^permission denied/,
    );
    assert.equal(
      bindErrorReason(new Error("Cannot assign requested address (os error 99)")),
      "address not available on this host",
    );
  });

  test("anything else keeps the first line of its message", () => {
    assert.equal(bindErrorReason(new Error("strange\nstack")), "strange");
  });
});

describe("formatAddress", () => {
  test("brackets IPv6", () => {
    assert.equal(formatAddress({ hostname: "::1", port: 53 }), "[::1]:53");
    assert.equal(formatAddress({ hostname: "127.0.0.1", port: 53053 }), "127.0.0.1:53053");
  });
});

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
