import type { Position } from '../model/types.js';

/**
 * Offset → 1-based line/column over one text (manifests, config files, Dockerfiles), the line
 * table built on first use (most files never need it).
 */
export class LineIndex {
  private starts: Int32Array | undefined;

  constructor(readonly text: string) {}

  /**
   * 0-based offset of the first character of each line. A typed array: a scan keeps hundreds of
   * these tables (one per file with a finding), which as grown arrays of numbers took twice the
   * memory and were traced by every collection.
   */
  get lineStarts(): Int32Array {
    if (!this.starts) {
      const text = this.text;
      // Manifests run 20–40 characters a line; the table doubles when that guess is short.
      let starts = new Int32Array((text.length >> 4) + 16);
      let n = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        if (n === starts.length) {
          const grown = new Int32Array(2 * n);
          grown.set(starts);
          starts = grown;
        }
        starts[n++] = i + 1;
      }
      this.starts = starts.slice(0, n);
    }
    return this.starts;
  }

  /** 1-based line and column of a 0-based offset. */
  point(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  range(start: number, end: number): Position {
    // A range ending right after a newline ends on the previous line.
    let e = Math.max(start, end);
    while (e > start && (this.text[e - 1] === '\n' || this.text[e - 1] === '\r')) e--;
    const a = this.point(start);
    const b = this.point(e);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}
