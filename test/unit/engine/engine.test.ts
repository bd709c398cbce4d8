import { describe, expect, it } from 'vitest';
import { violations } from '../../../src/engine/evaluate.js';
import { supersede } from '../../../src/engine/supersede.js';
import type { Catalogue, Rule } from '../../../src/engine/rule.js';
import type { Finding } from '../../../src/model/types.js';
import { createAjv } from '../../../src/rules/ajv.js';
import { maskSecret, renderMessage } from '../../../src/rules/message.js';

function errorsOf(schema: object, data: unknown) {
  const v = createAjv().compile(schema);
  v(data);
  return v.errors ?? [];
}

describe('violations', () => {
  it('gives one per failing instance path', () => {
    const schema = { properties: { caps: { items: { not: { enum: ['SYS_ADMIN', 'ALL'] } } } } };
    expect(violations(errorsOf(schema, { caps: ['ALL', 'CHOWN', 'SYS_ADMIN'] })).map((v) => v.instancePath)).toEqual(['/caps/0', '/caps/2']);
  });

  it('folds the branches of a failing anyOf into its own error', () => {
    const schema = { anyOf: [{ required: ['a'] }, { required: ['b'] }] };
    expect(violations(errorsOf(schema, {}))).toEqual([{ instancePath: '' }]);
  });

  it('names the missing field of a required violation', () => {
    const schema = { properties: { resources: { required: ['limits'] } } };
    expect(violations(errorsOf(schema, { resources: {} }))).toEqual([{ instancePath: '/resources', missing: 'limits' }]);
  });

  it('reports the then-branch of an if, not the if', () => {
    const schema = { if: { properties: { a: { const: 1 } } }, then: { properties: { b: { const: 2 } } } };
    expect(violations(errorsOf(schema, { a: 1, b: 3 })).map((v) => v.instancePath)).toEqual(['/b']);
  });
});

describe('messages', () => {
  it('reads the subject, the value and the key', () => {
    const msg = renderMessage('container {{name}} sets {{key}}={{value}}', {
      subject: { name: 'app' },
      instancePath: '/securityContext/privileged',
      value: true,
      sensitive: false,
    });
    expect(msg).toBe('container app sets privileged=true');
  });

  it('masks values of sensitive rules and known secrets', () => {
    const token = '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';
    expect(maskSecret(token)).toBe('hf_Qx…');
    const ctx = { subject: { env: [{ name: 'HF_TOKEN', value: token }] }, instancePath: '/env/0', value: { name: 'HF_TOKEN', value: token }, sensitive: true };
    expect(renderMessage('{{value.name}} holds {{value.value}}', ctx)).toBe('HF_TOKEN holds hf_Qx…');
    expect(renderMessage('{{env.0.value}}', { ...ctx, sensitive: false, secrets: new Set([token]) })).toBe('hf_Qx…');
  });
});

describe('supersede', () => {
  const rule = (id: string, supersedes?: string[]) => ({ id, supersedes }) as unknown as Rule;
  const catalogue = { rules: [rule('gpu-privileged-container', ['privileged-container']), rule('privileged-container')], byId: new Map(), tables: {} } as Catalogue;
  const finding = (ruleId: string, pointer: string, file = 'a.yaml'): Finding => ({
    ruleId,
    severity: 'high',
    title: '',
    message: '',
    location: { file, pointer, position: { line: 1, column: 1, endLine: 1, endColumn: 1 } },
    object: { apiVersion: 'v1', kind: 'Pod', name: 'p' },
    subjectKey: 'k',
    fingerprint: 'f',
  });

  it('drops the generic finding where the specific one fires on the same field', () => {
    const ptr = '/spec/containers/0/securityContext/privileged';
    const out = supersede([finding('privileged-container', ptr), finding('gpu-privileged-container', ptr)], catalogue);
    expect(out.map((f) => f.ruleId)).toEqual(['gpu-privileged-container']);
  });

  it('keeps both on different fields, objects or files', () => {
    const a = '/spec/containers/0/securityContext/privileged';
    const b = '/spec/containers/1/securityContext/privileged';
    expect(supersede([finding('privileged-container', a), finding('gpu-privileged-container', b)], catalogue)).toHaveLength(2);
    expect(supersede([finding('privileged-container', a, 'x.yaml'), finding('gpu-privileged-container', a)], catalogue)).toHaveLength(2);
  });

  it('an object-level finding does not swallow field-level ones', () => {
    expect(supersede([finding('privileged-container', '/spec/x'), finding('gpu-privileged-container', '')], catalogue)).toHaveLength(2);
  });
});

describe('ajv contains guard', () => {
  it('an empty array does not inherit the previous item\'s contains', async () => {
    const { guardContains } = await import('../../../src/rules/ajv.js');
    const schema = { items: { not: { anyOf: [{ required: ['s'], properties: { s: { contains: { const: 'curl' } } } }] } } };
    const v = createAjv().compile(guardContains(schema));
    v([{ s: ['curl'] }, { s: [] }]);
    expect(violations(v.errors ?? []).map((x) => x.instancePath)).toEqual(['/0']);
  });
});
