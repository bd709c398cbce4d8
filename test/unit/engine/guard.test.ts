import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardOf } from '../../../src/engine/evaluate.js';
import { createAjv } from '../../../src/rules/ajv.js';

describe('guardOf (a necessary condition read off a `when` schema)', () => {
  it('takes a required property with a const or an enum of plain values, kind first', () => {
    expect(guardOf({ required: ['kind'], properties: { kind: { enum: ['Role', 'ClusterRole'] } } })).toEqual({ property: 'kind', values: new Set(['Role', 'ClusterRole']) });
    expect(guardOf({ required: ['final'], properties: { final: { const: true } } })).toEqual({ property: 'final', values: new Set([true]) });
    expect(guardOf({ required: ['type', 'kind'], properties: { type: { const: 'NodePort' }, kind: { const: 'Service' } } })?.property).toBe('kind');
    expect(guardOf({ required: ['type', 'name'], properties: { type: { const: 'NodePort' }, name: { enum: ['a'] } } })?.property).toBe('name');
  });

  it('takes nothing it cannot vouch for', () => {
    // Not required: a subject without the property passes `when`.
    expect(guardOf({ properties: { kind: { const: 'Role' } } })).toBeUndefined();
    // Not a plain value: `enum` compares objects by value, a Set by identity.
    expect(guardOf({ required: ['image'], properties: { image: { enum: [{ tag: 'latest' }] } } })).toBeUndefined();
    expect(guardOf({ required: ['kind'], properties: { kind: { anyOf: [{ const: 'Role' }] } } })).toBeUndefined();
    expect(guardOf({ required: ['kind'] })).toBeUndefined();
    expect(guardOf(true)).toBeUndefined();
    expect(guardOf(undefined)).toBeUndefined();
  });

  it('never passes over a subject that `when` selects', () => {
    const ajv = createAjv();
    const value = fc.oneof(fc.constantFrom('Role', 'Pod', '', 'true', '1'), fc.boolean(), fc.constantFrom(0, 1, -0, 1.5), fc.constant(null), fc.constant([]), fc.constant({}));
    const schema = fc.record({
      required: fc.subarray(['kind', 'type', 'final']),
      properties: fc.dictionary(fc.constantFrom('kind', 'type', 'final'), fc.oneof(fc.record({ const: value }), fc.record({ enum: fc.uniqueArray(value, { minLength: 1, maxLength: 3, selector: (v) => JSON.stringify(v) }) }), fc.record({ type: fc.constant('string') }))),
      anyOf: fc.option(fc.constant([{ required: ['kind'] }, { required: ['type'] }]), { nil: undefined }),
    });
    const data = fc.dictionary(fc.constantFrom('kind', 'type', 'final', 'other'), value);
    fc.assert(
      fc.property(schema, fc.array(data, { minLength: 1, maxLength: 10 }), (when, subjects) => {
        const clean = JSON.parse(JSON.stringify(when)) as object;
        const guard = guardOf(clean);
        const selects = ajv.compile(clean);
        for (const d of subjects) if (selects(d) && guard) expect(guard.values.has((d as Record<string, unknown>)[guard.property])).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
