// JSON pointers: the shortcuts (no `~`, no `/` to escape) must read exactly as RFC 6901 says.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeSegment, getAt, parsePointer, unescapeSegment } from '../../../src/util/pointer.js';

/** RFC 6901, step by step. */
function reference(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur = root;
  for (const raw of pointer.slice(1).split('/')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

const key = fc.constantFrom('a', 'b', '0', '1', '', '~', '/', 'a/b', 'm~n', '~1', '~0');

describe('JSON pointers', () => {
  it('escapeSegment and unescapeSegment round-trip every key', () => {
    fc.assert(
      fc.property(fc.oneof(key, fc.string()), (k) => {
        expect(unescapeSegment(escapeSegment(k))).toBe(k);
        expect(escapeSegment(k)).toBe(k.replace(/~/g, '~0').replace(/\//g, '~1'));
      }),
    );
    expect(escapeSegment(3)).toBe('3');
  });

  it('getAt and parsePointer read every pointer as RFC 6901 does', () => {
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, 1, 'x', true), fc.dictionary(key, tie('node'), { maxKeys: 4 }), fc.array(tie('node'), { maxLength: 3 })),
    })).node;
    const pointer = fc.array(fc.oneof(key.map(escapeSegment), fc.constantFrom('~', '~2')), { maxLength: 4 }).map((s) => s.map((x) => `/${x}`).join(''));
    fc.assert(
      fc.property(tree, pointer, (root, p) => {
        expect(getAt(root, p)).toBe(reference(root, p));
        expect(parsePointer(p).map(escapeSegment).map((s) => `/${s}`).join('')).toBe(p.replace(/~(?![01])/g, '~0'));
      }),
      { numRuns: 2000 },
    );
    expect(getAt({ '': { a: 1 } }, '/')).toEqual({ a: 1 });
    expect(getAt({ a: [{ b: 2 }] }, '/a/0/b')).toBe(2);
    expect(getAt({ 'a/b': { '~': 3 } }, '/a~1b/~0')).toBe(3);
  });
});
