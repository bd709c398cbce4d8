// Source offsets of the fields of one parsed YAML document, kept flat: the ranges of every map and
// sequence sit in one Int32Array per document, each field with the block of its value, so that a
// pointer is followed from the root block without any table keyed by object. As a Map of
// [start, end] pairs per collection, keyed by collection, they held three quarters of the parsed
// heap (134 of 179 MB for the 20,000 objects of bench/manifests) and the garbage collector copied
// all of it twice; a typed array is not even scanned (bench/README.md).

import { unescapeSegment } from '../../util/pointer.js';

/** A map's fields as the parsers collect them, in source order: key, start, end, child block, … */
export type MapOffsets = Array<string | number>;
/** A sequence's items as the parsers collect them: start, end, child block, … */
export type SeqOffsets = number[];

/**
 * Documents' cells are cut from a shared pool of this many (4 MB), as Node pools small Buffers:
 * an Int32Array for each of 20,000 documents cost more to allocate and zero than to fill, and
 * every ArrayBuffer is one more object the collector tracks (bench/README.md). Documents parsed one
 * after the other each take the next slice; a larger document gets an array of its own.
 */
const POOL_CELLS = 1 << 20;
let pool = new Int32Array(0);
let poolUsed = 0;

/** Cells per field or item: start, end, block of its value (-1: a scalar). */
const CELLS = 3;
const NONE = -1;

/**
 * Record where `key` runs in a map being collected. A duplicate key (the document keeps the last
 * value) moves the key's range but not its place, as it moves the value but not the key.
 */
export function addField(fields: MapOffsets, key: string, start: number, end: number, child: number, duplicate: boolean): void {
  if (duplicate) {
    for (let i = 0; i < fields.length; i += CELLS + 1) {
      if (fields[i] === key) {
        fields[i + 1] = start;
        fields[i + 2] = end;
        fields[i + 3] = child;
        return;
      }
    }
  }
  fields.push(key, start, end, child);
}

/**
 * The offsets of every collection of one document, as blocks: a count, then start, end and child
 * block per entry. A map's entries are in the order of its keys in the parsed object (`for…in`
 * order), so that no key is stored; a sequence's in item order.
 */
export class OffsetIndex {
  private cells: Int32Array;
  private used = 0;
  // The collection closed last and its block: the parsers read it right after parsing a value.
  private lastNode: object | undefined;
  private lastBlock = NONE;
  /** Block of the document's root collection (NONE: the root is a scalar, or there is none). */
  root = NONE;

  // Still writing into the shared pool (see POOL_CELLS), to be sealed when the document ends.
  private pooled = false;

  /**
   * `capacity`: the number of cells expected (it grows as needed). `pooled`: take the cells from
   * the shared pool; the caller must `seal()` the index when its document is done, before
   * another pooled index is made.
   */
  constructor(capacity = 64, pooled = false) {
    if (pooled && capacity <= POOL_CELLS >> 2) {
      if (pool.length - poolUsed < capacity) {
        pool = new Int32Array(POOL_CELLS);
        poolUsed = 0;
      }
      this.cells = pool.subarray(poolUsed);
      this.pooled = true;
    } else {
      this.cells = new Int32Array(Math.max(16, capacity));
    }
  }

  /** The document is done: keep exactly the cells used, and leave the rest of the pool to the next. */
  seal(): void {
    if (!this.pooled) return;
    this.pooled = false;
    poolUsed += this.used;
    this.cells = this.cells.subarray(0, this.used);
  }

  /** The block of `value` if it is the collection closed last, else NONE. */
  blockOf(value: unknown): number {
    return value !== null && typeof value === 'object' && value === this.lastNode ? this.lastBlock : NONE;
  }

  /** Record a closed map; its block. */
  addMap(obj: Record<string, unknown>, fields: MapOffsets): number {
    const W = CELLS + 1;
    let n = 0;
    let inOrder = true;
    for (const key in obj) {
      if (fields[n * W] !== key) inOrder = false;
      n++;
    }
    const at = this.open(obj, n);
    const cells = this.cells;
    if (inOrder && n * W === fields.length) {
      for (let i = 0; i < n; i++) for (let c = 0; c < CELLS; c++) cells[at + 1 + CELLS * i + c] = fields[W * i + 1 + c] as number;
      return at;
    }
    // Integer-like keys come first in an object whatever their place in the source, and keys
    // merged with `<<` may have no range: place each key's range by name.
    const byKey = new Map<string, number>();
    for (let i = 0; i < fields.length; i += W) byKey.set(fields[i] as string, i);
    let i = 0;
    for (const key in obj) {
      const f = byKey.get(key);
      for (let c = 0; c < CELLS; c++) cells[at + 1 + CELLS * i + c] = f === undefined ? NONE : (fields[f + 1 + c] as number);
      i++;
    }
    return at;
  }

  /** Record a closed sequence; its block. */
  addSeq(arr: unknown[], items: SeqOffsets): number {
    const n = Math.floor(items.length / CELLS);
    const at = this.open(arr, n);
    const cells = this.cells;
    for (let i = 0; i < CELLS * n; i++) cells[at + 1 + i] = items[i]!;
    return at;
  }

  /** Reserve the block of a collection of `n` entries; its index. */
  private open(node: object, n: number): number {
    const at = this.used;
    const need = at + 1 + CELLS * n;
    if (need > this.cells.length) {
      const grown = new Int32Array(Math.max(need, this.cells.length * 2));
      grown.set(this.cells.subarray(0, at));
      this.cells = grown;
      this.pooled = false; // what it wrote in the pool is left for the next document
    }
    this.cells[at] = n;
    this.used = need;
    this.lastNode = node;
    this.lastBlock = at;
    return at;
  }

  /**
   * The cell of the deepest field or item of `pointer` (RFC 6901) found from `root`, the data the
   * root block describes, or NONE. With `exact`, NONE unless the whole pointer was found.
   */
  cellAt(root: unknown, pointer: string, exact = false): number {
    let block = this.root;
    let cur = root;
    let found = NONE;
    // Called for every finding: the pointer is walked in place, each segment compared where it
    // stands (no array of segments, no substring unless a segment is escaped).
    for (let from = 1; from <= pointer.length && pointer !== ''; ) {
      if (block === NONE || cur === null || typeof cur !== 'object') return exact ? NONE : found;
      let to = pointer.indexOf('/', from);
      if (to < 0) to = pointer.length;
      const tilde = pointer.indexOf('~', from);
      let cell = NONE;
      if (Array.isArray(cur)) {
        let index = to > from ? 0 : NONE;
        for (let i = from; i < to && index >= 0; i++) {
          const d = pointer.charCodeAt(i) - 48;
          index = d >= 0 && d <= 9 ? index * 10 + d : NONE;
        }
        cell = this.cell(block, index);
        cur = index >= 0 ? cur[index] : undefined;
      } else {
        const key = tilde >= 0 && tilde < to ? unescapeSegment(pointer.slice(from, to)) : undefined;
        const i = key === undefined ? keyIndex(cur, pointer, from, to) : keyIndex(cur, key, 0, key.length);
        if (i >= 0) {
          cell = this.cell(block, i);
          cur = (cur as Record<string, unknown>)[key ?? pointer.slice(from, to)];
        }
      }
      if (cell === NONE) return exact ? NONE : found;
      found = cell;
      block = this.child(cell);
      from = to + 1;
    }
    return found;
  }

  /** The cell of field `key` of map `obj`, whose block is `block`, or NONE. */
  fieldCell(block: number, obj: object, key: string): number {
    return block === NONE ? NONE : this.cell(block, keyIndex(obj, key, 0, key.length));
  }

  /** The cell of entry `i` of `block`, or NONE (no such entry, or one without range). */
  private cell(block: number, i: number): number {
    if (block === NONE || i < 0 || i >= this.cells[block]!) return NONE;
    const cell = block + 1 + CELLS * i;
    return this.cells[cell] === NONE ? NONE : cell;
  }

  start(cell: number): number {
    return this.cells[cell]!;
  }

  end(cell: number): number {
    return this.cells[cell + 1]!;
  }

  /** The block of the value at `cell` (NONE: a scalar). */
  child(cell: number): number {
    return this.cells[cell + 2]!;
  }

  /** [start, end, child block] per entry of `block` (tests, tools); NONE for a key without range. */
  entries(block: number): Array<[number, number, number]> {
    const out: Array<[number, number, number]> = [];
    if (block === NONE) return out;
    for (let i = 0; i < this.cells[block]!; i++) {
      const c = block + 1 + CELLS * i;
      out.push([this.cells[c]!, this.cells[c + 1]!, this.cells[c + 2]!]);
    }
    return out;
  }

  /** [start, end] of exactly `pointer` under `root`, if the document has it (tests, tools). */
  rangeAt(root: unknown, pointer: string): [number, number] | undefined {
    const cell = this.cellAt(root, pointer, true);
    return cell === NONE ? undefined : [this.start(cell), this.end(cell)];
  }
}

/**
 * The place of the key spelled `text[from, to)` among the keys of `obj` (`for…in` order, the order
 * of a map's block), or NONE; compared where it stands, without cutting it out.
 */
function keyIndex(obj: object, text: string, from: number, to: number): number {
  const length = to - from;
  let i = 0;
  for (const k in obj) {
    if (k.length === length && text.startsWith(k, from)) return i;
    i++;
  }
  return NONE;
}
