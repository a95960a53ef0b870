/**
 * The immutable tables a snapshot shares with the one it replaces: a new
 * version copies only what changed, so a health change that alters a few
 * names costs a few entries, not the zone. `NameTable` holds the entries by
 * name, `ChunkedList` a zone's NSEC proofs.
 */

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

/** Items per chunk: a change copies one chunk and the (length / 512)-long chunk index. */
const CHUNK = 512;

/**
 * An immutable list whose new versions share every unchanged chunk with the
 * old: `with()` replaces a few items by copying only their chunks. Read with
 * `at(i)`, like an array. Used for a zone's NSEC proofs, of which a health
 * change alters one or two.
 */
export class ChunkedList<T> {
  /** Plain fields, not `#private`: `at` is on the query path. */
  private readonly chunks: readonly (readonly T[])[];
  readonly length: number;

  private constructor(chunks: readonly (readonly T[])[], length: number) {
    this.chunks = chunks;
    this.length = length;
    Object.freeze(this);
  }

  /** A list of `items` (copied). */
  static from<T>(items: readonly T[]): ChunkedList<T> {
    const chunks: T[][] = [];
    for (let at = 0; at < items.length; at += CHUNK) chunks.push(items.slice(at, at + CHUNK));
    return new ChunkedList(chunks, items.length);
  }

  /** Item `i` (0 ≤ i < length). */
  at(i: number): T {
    return this.chunks[i >>> 9][i & (CHUNK - 1)];
  }

  /** A list with the items at the given indexes replaced; this list is unchanged. */
  with(changes: ReadonlyMap<number, T>): ChunkedList<T> {
    if (changes.size === 0) return this;
    const chunks = [...this.chunks];
    const copied = new Set<number>();
    for (const [i, item] of changes) {
      if (!(i >= 0 && i < this.length)) {
        throw new RangeError(`ChunkedList.with: index ${i} of ${this.length}`);
      }
      const c = i >>> 9;
      if (!copied.has(c)) {
        chunks[c] = [...chunks[c]];
        copied.add(c);
      }
      (chunks[c] as T[])[i & (CHUNK - 1)] = item;
    }
    return new ChunkedList(chunks, this.length);
  }
}
