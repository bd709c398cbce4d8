import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../../src/util/line-index.js';

describe('LineIndex', () => {
  it('gives 1-based lines and columns, a range ending after a line break ending on its line', () => {
    const index = new LineIndex('ab\ncd\r\n\nef');
    expect([...index.lineStarts]).toEqual([0, 3, 7, 8]);
    expect(index.point(0)).toEqual({ line: 1, column: 1 });
    expect(index.point(4)).toEqual({ line: 2, column: 2 });
    expect(index.point(9)).toEqual({ line: 4, column: 2 });
    expect(index.range(3, 7)).toEqual({ line: 2, column: 1, endLine: 2, endColumn: 3 });
    expect(new LineIndex('').lineStarts).toEqual(new Int32Array([0]));
  });

  it('holds every line of a text with more lines than its first guess', () => {
    // 50,000 lines of one character: far more than one line per 16 characters.
    const text = 'x\n'.repeat(50_000);
    const index = new LineIndex(text);
    expect(index.lineStarts.length).toBe(50_001);
    expect(index.lineStarts[49_999]).toBe(99_998);
    expect(index.point(99_999)).toEqual({ line: 50_000, column: 2 });
  });
});
