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
