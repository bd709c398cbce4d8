// Which of many strings occur in a long text, in one pass over the text: `needles.filter((n) =>
// text.includes(n))` costs a scan per needle, which for thousands of secrets over a report of
// tens of megabytes is minutes (bench/README.md). Instead, a hash of a short window of the text
// finds the candidates:
// - needles of at least WINDOW + MIN_STRIDE - 1 characters (most secrets) are indexed by the hash
//   of each of their first `stride` windows, and the text is hashed only every `stride` positions
//   (the shortest such needle decides it, up to MAX_STRIDE): one of those positions falls inside
//   any occurrence with a whole window after it;
// - shorter needles need the window at every position (a rolling hash), a second pass run only
//   when there are such needles;
// - needles shorter than the window are few and cheap: includes().

const WINDOW = 6;
const MIN_STRIDE = 8;
const MAX_STRIDE = 32;
const BASE = 31;

interface Entry {
  needle: string;
  /** Where the hashed window starts in the needle. */
  offset: number;
}

/** The needles that occur in `text`. */
export function occurring(text: string, needles: Iterable<string>): Set<string> {
  return new SubstringSearch(needles).in(text);
}

/** A set of needles indexed once, to search many texts (a report written in pieces). */
export class SubstringSearch {
  private readonly tiny: string[] = [];
  private readonly long: string[] = [];
  private readonly short: string[] = [];
  private readonly stride: number = MAX_STRIDE;
  private readonly longIndex = new HashIndex<Entry>();
  private readonly shortIndex = new HashIndex<string>();

  constructor(needles: Iterable<string>) {
    for (const n of new Set(needles)) {
      if (n.length < WINDOW) this.tiny.push(n);
      else if (n.length >= WINDOW + MIN_STRIDE - 1) this.long.push(n);
      else this.short.push(n);
    }
    let shortest = Infinity;
    for (const n of this.long) shortest = Math.min(shortest, n.length);
    this.stride = Math.min(MAX_STRIDE, shortest - WINDOW + 1);
    for (const needle of this.long) for (let offset = 0; offset < this.stride; offset++) this.longIndex.add(hash(needle, offset), { needle, offset });
    for (const n of this.short) this.shortIndex.add(hash(n, 0), n);
  }

  /** The needles that occur in `text`. */
  in(text: string): Set<string> {
    const found = new Set<string>();
    for (const n of this.tiny) if (text.includes(n)) found.add(n);
    if (text.length < WINDOW) return found;
    if (this.long.length) this.sampledPass(text, found);
    if (this.short.length) this.rollingPass(text, found);
    return found;
  }

  private sampledPass(text: string, found: Set<string>): void {
    const { stride, longIndex: index } = this;
    let pending = this.long.length;
    const last = text.length - WINDOW;
    for (let i = 0; i <= last; i += stride) {
      const h = hash(text, i);
      if (!index.maybe(h)) continue;
      const entries = index.get(h);
      if (!entries) continue;
      for (const { needle, offset } of entries) {
        if (found.has(needle) || i < offset) continue;
        if (text.startsWith(needle, i - offset)) {
          found.add(needle);
          if (--pending === 0) return;
        }
      }
    }
  }

  private rollingPass(text: string, found: Set<string>): void {
    const index = this.shortIndex;
    let pending = this.short.length;
    // BASE^(WINDOW-1), to take the leaving character out of the hash.
    let top = 1;
    for (let i = 1; i < WINDOW; i++) top = Math.imul(top, BASE);
    let h = hash(text, 0);
    for (let i = 0; ; i++) {
      const candidates = index.maybe(h) ? index.get(h) : undefined;
      if (candidates) {
        for (const n of candidates) {
          if (!found.has(n) && text.startsWith(n, i)) {
            found.add(n);
            if (--pending === 0) return;
          }
        }
      }
      if (i + WINDOW >= text.length) break;
      h = (Math.imul(h - Math.imul(text.charCodeAt(i), top), BASE) + text.charCodeAt(i + WINDOW)) | 0;
    }
  }
}

/** Hash → entries, with a bit per 20-bit slice of the hash: most positions are ruled out without a Map lookup. */
class HashIndex<T> {
  private readonly bits = new Uint8Array(1 << 17);
  private readonly map = new Map<number, T[]>();

  add(h: number, entry: T): void {
    const b = slice(h);
    this.bits[b >>> 3]! |= 1 << (b & 7);
    const list = this.map.get(h);
    if (list) list.push(entry);
    else this.map.set(h, [entry]);
  }

  maybe(h: number): boolean {
    const b = slice(h);
    return (this.bits[b >>> 3]! & (1 << (b & 7))) !== 0;
  }

  get(h: number): T[] | undefined {
    return this.map.get(h);
  }
}

function hash(s: string, at: number): number {
  let h = 0;
  for (let i = 0; i < WINDOW; i++) h = (Math.imul(h, BASE) + s.charCodeAt(at + i)) | 0;
  return h;
}

function slice(h: number): number {
  return (Math.imul(h, 0x9e3779b1) >>> 12) & 0xfffff;
}
