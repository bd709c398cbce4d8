import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { occurring } from '../../../src/util/substrings.js';

describe('occurring', () => {
  it('finds the needles a text contains, short and long, at its ends and overlapping', () => {
    const long = 'x'.repeat(37) + 'hf_0123456789abcdefghijklmnop' + 'tail-of-the-text';
    expect(occurring(long, ['hf_0123456789abcdefghijklmnop', 'xxxxhf_0123456789', 'ext', 'tail-of-the-text', 'tail-of-the-texts', 'x'.repeat(38)])).toEqual(
      new Set(['hf_0123456789abcdefghijklmnop', 'xxxxhf_0123456789', 'ext', 'tail-of-the-text']),
    );
    const text = 'hf_abcdefghij and sk-123456 at the end: tail';
    expect(occurring(text, ['hf_abcdefghij', 'abcdef', 'sk-123456', 'tail', 'ta', 'missing-one', 'hf_abcdefghijk', 'hf_abc'])).toEqual(
      new Set(['hf_abcdefghij', 'abcdef', 'sk-123456', 'tail', 'ta', 'hf_abc']),
    );
    expect(occurring('', ['abcdefg', 'a'])).toEqual(new Set());
    expect(occurring('abcdef', ['abcdef'])).toEqual(new Set(['abcdef']));
  });

  it('agrees with includes() on random texts and needles', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '…', 'é', '🚀', '"', '\\');
    const str = (max: number) => fc.array(alphabet, { maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(str(300), fc.array(str(30), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), (text, needles, picks) => {
        // Some needles are cut from the text itself, so that many occur.
        const cut = picks.map((p) => text.slice(p % (text.length + 1), (p % (text.length + 1)) + 6 + (p % 61)));
        const all = [...needles, ...cut];
        expect(occurring(text, all)).toEqual(new Set(all.filter((n) => text.includes(n))));
      }),
      { numRuns: 2000 },
    );
  });
});
