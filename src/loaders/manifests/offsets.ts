// Source offsets of the fields of one parsed YAML document, kept flat: the ranges of every map and
// sequence sit in one Int32Array per document, and each collection only has its start there. As
// a Map of [start, end] pairs per collection they held three quarters of the parsed heap (134 of
// 179 MB for the 20,000 objects of bench/manifests) and the garbage collector copied all of it
// twice; a typed array is not even scanned (bench/README.md).

/** A map's fields as the parsers collect them, in source order: key, start, end, key, start, end, … */
export type MapOffsets = Array<string | number>;
/** A sequence's items as the parsers collect them: start, end, start, end, … */
export type SeqOffsets = number[];

/**
 * Record where `key` runs in a map being collected. A duplicate key (the document keeps the last
 * value) moves the key's range but not its place, as it moves the value but not the key.
 */
export function addField(fields: MapOffsets, key: string, start: number, end: number, duplicate: boolean): void {
  if (duplicate) {
    for (let i = 0; i < fields.length; i += 3) {
      if (fields[i] === key) {
        fields[i + 1] = start;
        fields[i + 2] = end;
        return;
      }
    }
  }
  fields.push(key, start, end);
}

const NONE = -1;

/**
 * The offsets of every collection of one document. A map's ranges are stored in the order of its
 * keys in the parsed object (`for…in` order), so that no key is stored twice; a sequence's in
 * item order. Each collection's block starts with its number of entries.
 */
export class OffsetIndex {
  // A Map, not a WeakMap: it lives exactly as long as the document, and a few hundred thousand
  // WeakMap entries cost the garbage collector seconds on large inputs (bench/README.md).
  private readonly at = new Map<object, number>();
  private cells: Int32Array;
  private used = 0;

  /** `capacity`: the number of offsets expected (it grows as needed). */
  constructor(capacity = 64) {
    this.cells = new Int32Array(Math.max(16, capacity));
  }

  addMap(obj: Record<string, unknown>, fields: MapOffsets): void {
    let n = 0;
    let inOrder = true;
    for (const key in obj) {
      if (fields[n * 3] !== key) inOrder = false;
      n++;
    }
    const at = this.open(obj, n);
    const cells = this.cells;
    if (inOrder && n * 3 === fields.length) {
      for (let i = 0; i < n; i++) {
        cells[at + 1 + 2 * i] = fields[3 * i + 1] as number;
        cells[at + 2 + 2 * i] = fields[3 * i + 2] as number;
      }
      return;
    }
    // Integer-like keys come first in an object whatever their place in the source, and keys
    // merged with `<<` may have no range: place each key's range by name.
    const byKey = new Map<string, number>();
    for (let i = 0; i < fields.length; i += 3) byKey.set(fields[i] as string, i);
    let i = 0;
    for (const key in obj) {
      const f = byKey.get(key);
      cells[at + 1 + 2 * i] = f === undefined ? NONE : (fields[f + 1] as number);
      cells[at + 2 + 2 * i] = f === undefined ? NONE : (fields[f + 2] as number);
      i++;
    }
  }

  addSeq(arr: unknown[], items: SeqOffsets): void {
    const n = items.length >> 1;
    const at = this.open(arr, n);
    const cells = this.cells;
    for (let i = 0; i < 2 * n; i++) cells[at + 1 + i] = items[i]!;
  }

  /** Reserve the block of a collection of `n` entries; the index of its count. */
  private open(node: object, n: number): number {
    const at = this.used;
    const need = at + 1 + 2 * n;
    if (need > this.cells.length) {
      const grown = new Int32Array(Math.max(need, this.cells.length * 2));
      grown.set(this.cells.subarray(0, at));
      this.cells = grown;
    }
    this.cells[at] = n;
    this.used = need;
    this.at.set(node, at);
    return at;
  }

  /** Whether `node` is a collection of this document. */
  has(node: object): boolean {
    return this.at.has(node);
  }

  /** Where `key` of map `obj` runs, if the map has it. */
  fieldRange(obj: object, key: string): [number, number] | undefined {
    const cell = this.fieldCell(obj, key);
    return cell < 0 ? undefined : [this.cells[cell]!, this.cells[cell + 1]!];
  }

  /** Where item `index` of sequence `arr` runs, if it has that item. */
  itemRange(arr: unknown[], index: number): [number, number] | undefined {
    const cell = this.itemCell(arr, index);
    return cell < 0 ? undefined : [this.cells[cell]!, this.cells[cell + 1]!];
  }

  // The cell of a field's or item's start (its end is the next cell), or -1: for callers that
  // walk many fields (locateIn) without a pair per step.
  fieldCell(obj: object, key: string): number {
    const at = this.at.get(obj);
    if (at === undefined) return -1;
    let i = 0;
    for (const k in obj) {
      if (k === key) return this.cell(at, i);
      i++;
    }
    return -1;
  }

  itemCell(arr: unknown[], index: number): number {
    const at = this.at.get(arr);
    return at === undefined ? -1 : this.cell(at, index);
  }

  start(cell: number): number {
    return this.cells[cell]!;
  }

  end(cell: number): number {
    return this.cells[cell + 1]!;
  }

  private cell(at: number, i: number): number {
    if (i < 0 || i >= this.cells[at]!) return -1;
    const cell = at + 1 + 2 * i;
    return this.cells[cell] === NONE ? -1 : cell;
  }

  private range(at: number, i: number): [number, number] | undefined {
    const cell = this.cell(at, i);
    return cell < 0 ? undefined : [this.cells[cell]!, this.cells[cell + 1]!];
  }

  /** [key, [start, end]] per field of map `obj` that has a range, in key order (tests, tools). */
  fields(obj: object): Array<[string, [number, number]]> | undefined {
    const at = this.at.get(obj);
    if (at === undefined) return undefined;
    const out: Array<[string, [number, number]]> = [];
    let i = 0;
    for (const k in obj) {
      const r = this.range(at, i++);
      if (r) out.push([k, r]);
    }
    return out;
  }

  /** [start, end] per item of sequence `arr` (tests, tools). */
  items(arr: unknown[]): Array<[number, number]> | undefined {
    const at = this.at.get(arr);
    if (at === undefined) return undefined;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.cells[at]!; i++) out.push(this.range(at, i)!);
    return out;
  }
}
