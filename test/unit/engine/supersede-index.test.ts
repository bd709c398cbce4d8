// supersede compares a few winners one by one and indexes many by pointer: both must give what
// the rule says (a loser goes when a winner of the same place and object sits on the same field,
// a field containing it or one inside it — never by way of the object's root), checked here
// against that rule written as a plain pairwise loop, on small and large random sets.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Catalogue, Rule } from '../../../src/engine/rule.js';
import { supersede } from '../../../src/engine/supersede.js';
import type { Finding } from '../../../src/model/types.js';

const rule = (id: string, supersedes?: string[]): Rule =>
  ({ id, supersedes, target: 'container', severity: 'low', title: id, message: id, remediation: '', expect: true, area: 'x', file: 'x', builtin: true, expectFn: () => true }) as unknown as Rule;

const catalogue: Catalogue = {
  rules: [rule('generic'), rule('other'), rule('gpu', ['generic']), rule('ai', ['generic', 'other'])],
  byId: new Map(),
  tables: {},
};

/** The definition, pairwise. */
function reference(findings: Finding[]): Finding[] {
  const winners: Record<string, string[]> = { generic: ['gpu', 'ai'], other: ['ai'] };
  const overlaps = (a: string, b: string) => a === b || (a !== '' && b !== '' && (a.startsWith(`${b}/`) || b.startsWith(`${a}/`)));
  const placeOf = (f: Finding) => JSON.stringify([f.location.file, f.location.helmSource, f.location.logical, f.object]);
  return findings.filter(
    (f) => !findings.some((g) => (winners[f.ruleId] ?? []).includes(g.ruleId) && placeOf(g) === placeOf(f) && overlaps(f.location.pointer, g.location.pointer)),
  );
}

const segment = fc.constantFrom('a', 'b', 'c', '0', '1');
const pointer = fc.array(segment, { maxLength: 4 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
const finding = (files: Array<string | undefined>, names: string[]) =>
  fc
    .record({
      ruleId: fc.constantFrom('generic', 'other', 'gpu', 'ai'),
      pointer,
      file: fc.constantFrom(...files),
      name: fc.constantFrom(...names),
    })
    .map(
      ({ ruleId, pointer: p, file, name }): Finding => ({
        ruleId,
        severity: 'low',
        title: ruleId,
        message: ruleId,
        location: file ? { file, pointer: p } : { logical: `cluster:c/ns/Pod/${name}`, pointer: p },
        object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name },
        subjectKey: name,
        fingerprint: '',
      }),
    );

describe('supersede', () => {
  it('agrees with the pairwise definition on small sets (compared one by one)', () => {
    fc.assert(fc.property(fc.array(finding(['a.yaml', 'b.yaml', undefined], ['x', 'y']), { maxLength: 12 }), (findings) => {
        expect(supersede(findings, catalogue)).toEqual(reference(findings));
      }), { numRuns: 500 });
  });

  it('agrees with the pairwise definition on large sets (indexed by pointer)', () => {
    fc.assert(fc.property(fc.array(finding(['a.yaml', undefined], ['x']), { minLength: 60, maxLength: 200 }), (findings) => {
        expect(supersede(findings, catalogue)).toEqual(reference(findings));
      }), { numRuns: 150 });
  });
});
