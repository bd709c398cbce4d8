// maskSecrets looks only for the secrets a report holds (one pass over the text); the result
// must be what searching for every secret in turn gives.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../../../src/cli/output.js';
import { isSecretLike, maskSecret } from '../../../src/rules/message.js';

/** The straightforward version: every secret, in order, searched in the whole text. */
function reference(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) {
    if (!isSecretLike(s)) continue;
    if (out.includes(s)) out = out.split(s).join(maskSecret(s));
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(maskSecret(s));
  }
  return out;
}

describe('maskSecrets', () => {
  it('masks each secret held by a large report, in plain and JSON-escaped spelling', () => {
    const secrets = new Set(Array.from({ length: 500 }, (_, i) => `hf_${i}abcdefghijklmnop`));
    secrets.add('pa"ss\\word1');
    const text = JSON.stringify({ a: 'hf_7abcdefghijklmnop', b: 'x pa"ss\\word1 y', c: 'hf_499abcdefghijklmnop!' });
    const out = maskSecrets(text, secrets);
    expect(out).toBe(reference(text, secrets));
    expect(out).not.toContain('hf_7abcdefghijklmnop');
    expect(out).toContain('hf_7a…');
  });

  it('gives what searching for every secret in turn gives', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'x', '…', '"', '\\', 'é', ' ', '\n');
    const str = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(str(0, 200), fc.array(str(6, 14), { maxLength: 12 }), fc.array(fc.nat(), { minLength: 8, maxLength: 16 }), (text, random, picks) => {
        // Secrets cut from the text (so that they occur, overlap and nest) and random ones.
        const cut = picks.map((p) => {
          const at = p % (text.length + 1);
          return text.slice(at, at + 6 + (p % 9));
        });
        const secrets = new Set([...cut, ...random]);
        if (secrets.size < 8) return; // small sets take the straightforward path
        expect(maskSecrets(text, secrets)).toBe(reference(text, secrets));
        const json = JSON.stringify({ text });
        expect(maskSecrets(json, secrets)).toBe(reference(json, secrets));
      }),
      { numRuns: 3000 },
    );
  });
});
