/**
 * Fragments: runs of encoded resource records prepared at build time and
 * copied verbatim into responses, and the writer that encodes them.
 */
import { DNS } from "./constants.ts";
import { packBytes } from "./bytes.ts";

/** Where the question name starts in every message. */
const QUESTION_NAME_OFFSET = 12;
const NO_RELOCS = new Uint16Array(0);
/** Pointer lists made so far, by content: the NSEC answers of a zone share a handful of them. */
const relocLists = new Map<string, Uint16Array>();
/** Bound on `relocLists`, so an odd zone cannot grow it without end. */
const MAX_RELOC_LISTS = 4096;

/** `relocs` as a shared Uint16Array (a separate one costs an ArrayBuffer per fragment). */
function relocList(relocs: readonly number[]): Uint16Array {
  if (relocs.length === 0) return NO_RELOCS;
  const key = relocs.join(",");
  let list = relocLists.get(key);
  if (list === undefined) {
    list = Uint16Array.from(relocs);
    if (relocLists.size < MAX_RELOC_LISTS) relocLists.set(key, list);
  }
  return list;
}

/**
 * Encodes resource records into a `Fragment`, compressing names against the
 * question name only. `questionName` is the name the fragment is prepared for
 * (dotted, lowercase). With `relocatable`, `questionName` must be the zone apex
 * and every pointer is recorded for shifting at query time.
 *
 * @example
 * const w = new FragmentWriter("www.example.test", false);
 * w.record("www.example.test", 1, 60, new Uint8Array([192, 0, 2, 1]));
 * w.finish(); // { bytes: c0 0c 00 01 00 01 00 00 00 3c 00 04 c0 00 02 01, count: 1, relocs: [] }
 */
export class FragmentWriter {
  readonly #suffixes = new Map<string, number>();
  #relocatable = false;
  #bytes = new Uint8Array(512);
  #length = 0;
  #count = 0;
  #plainLength = -1;
  #plainCount = 0;
  readonly #relocs: number[] = [];

  constructor(questionName: string, relocatable: boolean) {
    this.restart(questionName, relocatable);
  }

  /**
   * Starts a new fragment for another question name, keeping the scratch
   * buffer: a builder writes thousands of fragments with one writer.
   */
  restart(questionName: string, relocatable: boolean): void {
    this.#relocatable = relocatable;
    this.#length = 0;
    this.#count = 0;
    this.#plainLength = -1;
    this.#plainCount = 0;
    this.#relocs.length = 0;
    this.#suffixes.clear();
    let offset = QUESTION_NAME_OFFSET;
    for (let at = 0; at < questionName.length;) {
      const dot = questionName.indexOf(".", at);
      this.#suffixes.set(at === 0 ? questionName : questionName.slice(at), offset);
      const end = dot < 0 ? questionName.length : dot;
      offset += end - at + 1;
      at = end + 1;
    }
  }

  /** Ends the plain (DO=0) part here: what follows are RRSIGs. */
  endPlain(): void {
    this.#plainLength = this.#length;
    this.#plainCount = this.#count;
  }

  /** Appends one record whose RDATA is copied as is (no names to compress in it). */
  record(owner: string, type: number, ttl: number, rdata: Uint8Array): void {
    this.#header(owner, type, ttl);
    this.#u16(rdata.length);
    this.#raw(rdata);
  }

  /**
   * Appends one record whose RDATA is built by `write` through this writer, so
   * names in it (NS, SOA: RFC 3597 §4 well-known types) may be compressed.
   */
  recordWith(owner: string, type: number, ttl: number, write: (w: FragmentWriter) => void): void {
    this.#header(owner, type, ttl);
    const lengthAt = this.#length;
    this.#u16(0);
    write(this);
    const rdlength = this.#length - lengthAt - 2;
    this.#bytes[lengthAt] = rdlength >> 8;
    this.#bytes[lengthAt + 1] = rdlength & 0xff;
  }

  /**
   * Appends every record of an RRset. Names inside NS and SOA RDATA (given in
   * canonical wire form) are written compressed; other RDATA is copied.
   */
  rrset(owner: string, type: number, ttl: number, rdatas: readonly Uint8Array[]): void {
    for (const rdata of rdatas) {
      if (type === DNS.TYPE_NS) {
        this.recordWith(owner, type, ttl, (w) => w.#wireName(rdata, 0));
      } else if (type === DNS.TYPE_SOA) {
        this.recordWith(owner, type, ttl, (w) => {
          const end = w.#wireName(rdata, w.#wireName(rdata, 0));
          w.#raw(rdata.subarray(end));
        });
      } else {
        this.record(owner, type, ttl, rdata);
      }
    }
  }

  /** Writes a name (dotted, lowercase), ending in a pointer to the question name when a suffix matches. */
  name(name: string): void {
    for (let at = 0; at < name.length;) {
      const target = this.#suffixes.get(at === 0 ? name : name.slice(at));
      if (target !== undefined) {
        if (this.#relocatable) this.#relocs.push(this.#length);
        this.#u16(0xc000 | target);
        return;
      }
      const dot = name.indexOf(".", at);
      const end = dot < 0 ? name.length : dot;
      if (end === at || end - at > 63) {
        throw new RangeError(`name "${name}" has an empty or over-long label`);
      }
      this.#reserve(end - at + 1);
      this.#bytes[this.#length++] = end - at;
      for (let i = at; i < end; i++) this.#bytes[this.#length++] = name.charCodeAt(i);
      at = end + 1;
    }
    this.#reserve(1);
    this.#bytes[this.#length++] = 0;
  }

  /** Writes a 32-bit unsigned integer. */
  u32(value: number): void {
    this.#u16(value >>> 16);
    this.#u16(value & 0xffff);
  }

  /**
   * Whether the records written so far equal the plain part of `fragment`
   * byte for byte (written for the same question name, they are the same
   * records), so the builder can keep an old fragment instead of a new one.
   */
  matchesPlain(fragment: Fragment): boolean {
    if (this.#count !== fragment.plainCount || this.#length !== fragment.plainLength) return false;
    const bytes = fragment.bytes;
    for (let i = 0; i < this.#length; i++) if (this.#bytes[i] !== bytes[i]) return false;
    return true;
  }

  /** The fragment written so far, its bytes packed into a shared chunk. */
  finish(): Fragment {
    const plain = this.#plainLength >= 0;
    return Object.freeze({
      bytes: packBytes(this.#bytes.subarray(0, this.#length)),
      count: this.#count,
      relocs: relocList(this.#relocs),
      plainLength: plain ? this.#plainLength : this.#length,
      plainCount: plain ? this.#plainCount : this.#count,
    });
  }

  /** Writes the uncompressed wire name at `bytes[offset]` compressed; returns the offset past it. */
  #wireName(bytes: Uint8Array, offset: number): number {
    const labels: string[] = [];
    let at = offset;
    for (; bytes[at] !== 0; at += bytes[at] + 1) {
      labels.push(String.fromCharCode(...bytes.subarray(at + 1, at + 1 + bytes[at])));
    }
    this.name(labels.join("."));
    return at + 1;
  }

  #header(owner: string, type: number, ttl: number): void {
    this.#count++;
    this.name(owner);
    this.#u16(type);
    this.#u16(DNS.CLASS_IN);
    this.u32(ttl);
  }

  #u16(value: number): void {
    this.#reserve(2);
    this.#bytes[this.#length++] = (value >> 8) & 0xff;
    this.#bytes[this.#length++] = value & 0xff;
  }

  #raw(data: Uint8Array): void {
    this.#reserve(data.length);
    this.#bytes.set(data, this.#length);
    this.#length += data.length;
  }

  #reserve(extra: number): void {
    if (this.#length + extra <= this.#bytes.length) return;
    const grown = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + extra));
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
  }
}

/**
 * A run of encoded resource records prepared at snapshot build time and
 * copied verbatim into responses. Compression pointers inside it point only
 * into the question name (which always starts at offset 12). Pointers listed
 * in `relocs` were written for a question name equal to the zone apex and are
 * shifted at query time by (question name length − apex length), so the same
 * fragment serves any name below the apex (NXDOMAIN proofs, shared SOA).
 *
 * The first `plainLength` bytes (`plainCount` records) are the records a
 * query without the DO bit gets; the rest are their RRSIGs. Without RRSIGs
 * the plain part is the whole.
 */
export interface Fragment {
  readonly bytes: Uint8Array;
  /** Number of resource records in `bytes`. */
  readonly count: number;
  /** Offsets within `bytes` of 2-octet compression pointers to shift, ascending. */
  readonly relocs: Uint16Array;
  /** Length of the plain (DO=0) part. */
  readonly plainLength: number;
  /** Records in the plain part. */
  readonly plainCount: number;
}
