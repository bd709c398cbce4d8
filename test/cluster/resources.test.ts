// The kinds aigis reads from a cluster and how rules are tied to fields other objects decide.

import { describe, expect, it } from 'vitest';
import { pluralOf, readsField, wantedKinds } from '../../src/loaders/cluster/resources.js';
import { testCatalogue } from '../helpers/scan.js';

describe('cluster resources', () => {
  it('guesses resource names as Kubernetes does', () => {
    expect(['Pod', 'Ingress', 'NetworkPolicy', 'Gateway', 'InferenceService', 'Notebook'].map(pluralOf)).toEqual(['pods', 'ingresses', 'networkpolicies', 'gateways', 'inferenceservices', 'notebooks']);
  });

  it('never reads Secrets or ConfigMaps, even when a table names them', async () => {
    const { tables } = await testCatalogue();
    const extra = { ...tables, 'cluster-resources': { kinds: [...(tables['cluster-resources']?.kinds ?? []), { kind: 'Secret', groups: [''] }, { kind: 'ConfigMap', groups: [''] }] } };
    const kinds = wantedKinds(extra).map((w) => `${w.group}/${w.kind}`);
    expect(kinds).not.toContain('/Secret');
    expect(kinds).not.toContain('/ConfigMap');
    expect(kinds).toContain('/Pod');
    expect(kinds).toContain('serving.kserve.io/InferenceService');
  });

  it('finds the subject fields a rule schema reads, through combinators but not below other fields', () => {
    expect(readsField({ properties: { networkPolicy: { properties: { ingressIsolated: { const: true } } } } }, 'networkPolicy')).toBe(true);
    expect(readsField({ required: ['networkPolicy'] }, 'networkPolicy')).toBe(true);
    expect(readsField({ anyOf: [{ required: ['gpu'] }, { not: { properties: { networkPolicy: {} } } }] }, 'networkPolicy')).toBe(true);
    expect(readsField({ if: { required: ['x'] }, then: { properties: { networkPolicy: {} } } }, 'networkPolicy')).toBe(true);
    expect(readsField({ properties: { pod: { properties: { networkPolicy: {} } } } }, 'networkPolicy')).toBe(false);
    expect(readsField({ properties: { securityContext: {} } }, 'networkPolicy')).toBe(false);
    expect(readsField(true, 'networkPolicy')).toBe(false);
  });
});
