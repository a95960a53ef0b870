/**
 * An immutable map from name keys to entries that a new version shares with
 * the previous one: a base map plus a small overlay of the entries replaced
 * since. `with()` copies only the overlay, so replacing a few entries of a
 * 100,000-name table costs a few entries, not the table. Once the overlay
 * outgrows a sixteenth of the base it is folded into a new base, which keeps
 * the copying amortised per change and `get` at two hash lookups at most.
 *
 * Typed as a `ReadonlyMap`; the answer path calls only `get`.
 */
export class NameTable<V> implements ReadonlyMap<string, V> {
  /** Entries as of the last fold. Plain fields, not `#private`: `get` is on the query path. */
  private readonly base: ReadonlyMap<string, V>;
  /** Entries replaced since the base was made; every key is also in the base. */
  private readonly overlay: ReadonlyMap<string, V>;

  constructor(base: ReadonlyMap<string, V>, overlay: ReadonlyMap<string, V> = new Map()) {
    this.base = base;
    this.overlay = overlay;
    Object.freeze(this);
  }

  get(key: string): V | undefined {
    if (this.overlay.size !== 0) {
      const replaced = this.overlay.get(key);
      if (replaced !== undefined) return replaced;
    }
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.base.has(key);
  }

  get size(): number {
    return this.base.size;
  }

  /**
   * A table with `changes` applied (keys already present only: the set of
   * names is fixed between two full builds); this table is unchanged.
   */
  with(changes: ReadonlyMap<string, V>): NameTable<V> {
    if (changes.size === 0) return this;
    const overlay = new Map(this.overlay);
    for (const [key, value] of changes) {
      if (!this.base.has(key)) {
        throw new RangeError(`NameTable.with: new key ${JSON.stringify(key)}`);
      }
      overlay.set(key, value);
    }
    if (overlay.size <= 32 + (this.base.size >> 4)) return new NameTable(this.base, overlay);
    const base = new Map(this.base);
    for (const [key, value] of overlay) base.set(key, value);
    return new NameTable(base);
  }

  *entries(): MapIterator<[string, V]> {
    for (const [key, value] of this.base) yield [key, this.overlay.get(key) ?? value];
  }

  *keys(): MapIterator<string> {
    yield* this.base.keys();
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}
