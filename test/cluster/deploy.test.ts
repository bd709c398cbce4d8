// deploy/ runs the auditor and the webhook in a cluster: aigis's own scan of it finds nothing at
// medium or above, and its RBAC and webhook rules match what the code reads and admits
// (rules.d/data/workload-kinds.yaml and cluster-resources.yaml), no more, no less.

import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pluralOf, wantedKinds } from '../../src/loaders/cluster/resources.js';
import { SEVERITY_RANK } from '../../src/model/types.js';
import { packageRoot } from '../../src/rules/paths.js';
import { scanPaths, testCatalogue } from '../helpers/scan.js';

// Parsed manifests are walked deep and freely here; the assertions check every value read.
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const deploy = path.join(packageRoot(), 'deploy');

function objects(dir: string): Obj[] {
  return fs
    .readdirSync(path.join(deploy, dir))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(deploy, dir, f), 'utf8')).map((d) => d.toJS() as Obj));
}

function find(list: Obj[], kind: string, name: string): Obj {
  const o = list.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
}

/** `group/resource` for every rule, with its verbs. */
function grants(role: Obj): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of role.rules as Obj[]) for (const g of r.apiGroups) for (const res of r.resources) out.set(`${g}/${res}`, r.verbs);
  return out;
}

async function wanted(filter: (w: ReturnType<typeof wantedKinds>[number]) => boolean): Promise<string[]> {
  const { tables } = await testCatalogue();
  return [...new Set(wantedKinds(tables).filter(filter).map((w) => `${w.group}/${pluralOf(w.kind)}`))].sort();
}

describe('deploy/', () => {
  it('aigis scan deploy/ reports nothing at medium or above', async () => {
    const r = await scanPaths([deploy]);
    expect(r.errors).toEqual([]);
    expect(r.stats.objects).toBeGreaterThan(15);
    const serious = r.findings.filter((f) => !f.suppression && SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium).map((f) => `${f.ruleId} ${f.location.file}:${f.location.position?.line}`);
    expect(serious).toEqual([]);
  });

  it('the audit ClusterRole grants get and list on exactly what aigis audit reads', async () => {
    const role = find(objects('audit'), 'ClusterRole', 'aigis-audit');
    const g = grants(role);
    expect([...g.keys()].sort()).toEqual(await wanted(() => true));
    for (const verbs of g.values()) expect(verbs).toEqual(['get', 'list']);
    expect([...g.keys()].some((k) => /^\/(secrets|configmaps)$/.test(k))).toBe(false);
    const binding = find(objects('audit'), 'ClusterRoleBinding', 'aigis-audit');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'aigis-audit', namespace: 'aigis-system' }]);
  });

  it('the audit CronJob runs aigis audit as that service account and writes JSON to its log', () => {
    const cj = find(objects('audit'), 'CronJob', 'aigis-audit');
    const pod = cj.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe('aigis-audit');
    expect(pod.containers[0].args.slice(0, 3)).toEqual(['audit', '--format', 'json']);
    expect(cj.spec.concurrencyPolicy).toBe('Forbid');
  });

  it('the webhook ClusterRole lists and watches exactly what --cluster-context caches', async () => {
    const g = grants(find(objects('webhook'), 'ClusterRole', 'aigis-webhook-context'));
    expect([...g.keys()].sort()).toEqual(await wanted((w) => w.context));
    for (const verbs of g.values()) expect(verbs).toEqual(['list', 'watch']);
  });

  it('the ValidatingWebhookConfiguration sends exactly the kinds the webhook checks', async () => {
    const vwc = find(objects('webhook'), 'ValidatingWebhookConfiguration', 'aigis');
    expect(vwc.webhooks.length).toBe(1);
    const w = vwc.webhooks[0];
    expect(w).toMatchObject({ admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fail', clientConfig: { service: { namespace: 'aigis-system', name: 'aigis-webhook', path: '/validate', port: 443 } } });
    expect(w.timeoutSeconds).toBeLessThanOrEqual(10);
    expect(w.namespaceSelector.matchExpressions).toContainEqual({ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['aigis-system', 'kube-system'] });
    const sent = new Set<string>();
    for (const r of w.rules as Obj[]) {
      expect(r.operations).toEqual(['CREATE', 'UPDATE']);
      for (const g of r.apiGroups) for (const res of r.resources) sent.add(`${g}/${res}`);
    }
    expect(sent.has('/pods/ephemeralcontainers')).toBe(true);
    sent.delete('/pods/ephemeralcontainers');
    expect([...sent].sort()).toEqual(await wanted((k) => k.admission));
    expect(vwc.metadata.annotations['cert-manager.io/inject-ca-from']).toBe('aigis-system/aigis-webhook');
  });

  it('the webhook runs two replicas behind a PDB and a Service, with the TLS Secret cert-manager makes', () => {
    const list = objects('webhook');
    const d = find(list, 'Deployment', 'aigis-webhook');
    expect(d.spec.replicas).toBe(2);
    const labels = d.spec.template.metadata.labels;
    expect(find(list, 'PodDisruptionBudget', 'aigis-webhook').spec).toEqual({ minAvailable: 1, selector: { matchLabels: d.spec.selector.matchLabels } });
    const svc = find(list, 'Service', 'aigis-webhook');
    for (const [k, v] of Object.entries(svc.spec.selector)) expect(labels[k]).toBe(v);
    expect(svc.spec.ports[0]).toMatchObject({ port: 443, targetPort: 'https' });
    const c = d.spec.template.spec.containers[0];
    expect(c.ports[0]).toMatchObject({ name: 'https', containerPort: 8443 });
    expect(c.args).toEqual(expect.arrayContaining(['webhook', '--tls-cert=/tls/tls.crt', '--tls-key=/tls/tls.key', '--cluster-context']));
    const secret = d.spec.template.spec.volumes.find((v: Obj) => v.name === 'tls').secret.secretName;
    expect(find(list, 'Certificate', 'aigis-webhook').spec.secretName).toBe(secret);
    expect(find(list, 'Certificate', 'aigis-webhook').spec.dnsNames).toContain('aigis-webhook.aigis-system.svc');
  });
});
