import type { Config } from "../config/config.ts";
import { canonicalKey, nameToWire } from "../wire/names.ts";

/** The names of one served zone and their NSEC chain: fixed for one config, so derived once. */
export interface ZoneShape {
  readonly apex: string;
  /** Every existing name (apex, configured names, empty non-terminals) in canonical order. */
  readonly sorted: readonly string[];
  /** Per sorted name: its index in the chain, or -1 (empty non-terminal, or unsigned). */
  readonly chainIndex: readonly number[];
  /** Per sorted name: index of the chain entry covering it. */
  readonly coveringIndex: readonly number[];
  /** NSEC owners (every name owning data) in canonical order; empty when unsigned. */
  readonly chain: readonly string[];
  /** `canonicalKey` of each chain entry. */
  readonly chainKeys: readonly string[];
}

/** Shapes by config and `apex|signed`; a config lives until reload, and its shapes with it. */
const shapes = new WeakMap<Config, Map<string, ZoneShape>>();

/**
 * The shape of the zone at `apex` under `config`: the apex, every configured
 * name below it and the empty non-terminals between, in canonical order
 * (RFC 4034 §6.1), and when `signed` the NSEC chain over the names owning
 * data. Cached per config: health changes never change it.
 */
export function zoneShape(apex: string, config: Config, signed: boolean): ZoneShape {
  let byZone = shapes.get(config);
  if (byZone === undefined) shapes.set(config, byZone = new Map());
  const found = byZone.get(`${apex}|${signed}`);
  if (found !== undefined) return found;
  const owners = new Set([apex, ...config.records.map((record) => `${record.name}.${apex}`)]);
  const existing = new Set(owners);
  for (const name of owners) {
    for (
      let at = name.indexOf(".");
      at >= 0 && name.length - at - 1 > apex.length;
      at = name.indexOf(".", at + 1)
    ) {
      existing.add(name.slice(at + 1));
    }
  }
  const keyed = [...existing].map((name) => ({ name, key: canonicalKey(nameToWire(name), 0) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inChain = signed ? keyed.filter((entry) => owners.has(entry.name)) : [];
  const chainPosition = new Map(inChain.map((entry, i) => [entry.name, i]));
  const chainIndex = keyed.map((entry) => chainPosition.get(entry.name) ?? -1);
  let covering = -1;
  // Arrays are typed read-only, not frozen: JavaScriptCore stores a frozen array
  // in its slow sparse form, which costs time and memory for every name.
  const shape: ZoneShape = Object.freeze({
    apex,
    sorted: keyed.map((entry) => entry.name),
    chainIndex,
    coveringIndex: chainIndex.map((index) => (covering = index >= 0 ? index : covering)),
    chain: inChain.map((entry) => entry.name),
    chainKeys: inChain.map((entry) => entry.key),
  });
  byZone.set(`${apex}|${signed}`, shape);
  return shape;
}
