// --cluster-context: the webhook's informer cache (client-node informers over the stand-in API
// server) gives an admitted object the objects around it, so rules linking objects fire at
// admission. Two rules written for the test (in a rules folder, as a user would add them) read
// exactly those links: a Service's `targets` and a container's `exposure`.

import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/loaders/cluster/audit.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';
import type { Catalogue } from '../../src/engine/rule.js';
import { ContextCache } from '../../src/webhook/context-cache.js';
import { Reviewer } from '../../src/webhook/review.js';
import { spawn } from 'node:child_process';
import { packageRoot } from '../../src/rules/paths.js';
import { issueCert, makeCa, type TestCa, type TestCert } from '../helpers/tls.js';
import { FakeApiServer, writeKubeconfig } from '../cluster/fake-api-server.js';
import { container, deployment, podSpec, realisticCluster, service } from '../cluster/objects.js';
import { admissionReview, request } from './admission.js';

type Obj = Record<string, unknown>;

const TOKEN = 'context-test-token';
const RULES = {
  'lb-selects-gpu-pods': `id: lb-selects-gpu-pods
title: LoadBalancer Service in front of GPU pods
severity: high
target: service
when:
  required: [type]
  properties: { type: { const: LoadBalancer } }
expect:
  properties:
    targets:
      not: { contains: { required: [gpu], properties: { gpu: { type: object } } } }
at: /targets
message: "Service {{metadata.name}} puts GPU pods behind a load balancer"
remediation: Keep GPU pods behind a ClusterIP Service.
`,
  'pod-isolated': `id: pod-isolated
title: Pod not isolated by a NetworkPolicy
severity: high
target: pod
expect:
  properties:
    networkPolicy:
      properties: { ingressIsolated: { const: true } }
message: "no NetworkPolicy isolates {{workload.kind}}/{{workload.name}}"
remediation: Add a default-deny ingress NetworkPolicy.
`,
  'container-exposed-externally': `id: container-exposed-externally
title: Container reachable from outside the cluster
severity: high
target: container
expect:
  properties:
    exposure:
      not: { contains: { required: [external], properties: { external: { const: true } } } }
message: "container {{name}} is reachable from outside the cluster"
remediation: Put it behind a ClusterIP Service.
`,
};

let ca: TestCa;
let cert: TestCert;
let dir: string;
let fake: FakeApiServer;
let kubeconfig: string;
let catalogue: Catalogue;
let cache: ContextCache;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  ca = makeCa();
  cert = issueCert(ca);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-context-'));
  const rules = path.join(dir, 'rules', 'linked');
  fs.mkdirSync(rules, { recursive: true });
  for (const [id, text] of Object.entries(RULES)) fs.writeFileSync(path.join(rules, `${id}.yaml`), text);
  catalogue = await loadCatalogue({ ruleDirs: [path.join(dir, 'rules')] });
  fake = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token: TOKEN, objects: realisticCluster(), forbidden: ['serviceaccounts'] });
  kubeconfig = writeKubeconfig(path.join(dir, 'kubeconfig'), { server: fake.url, ca: ca.ca, token: TOKEN });
  const { config, client } = await connect({ kubeconfig, env: {}, cwd: dir }, { maxSockets: 4 });
  cache = await ContextCache.start({ config, client, tables: catalogue.tables, clusterName: 'fake', log: (e) => logs.push(e), restartMs: 50 });
});

afterAll(async () => {
  await cache?.stop();
  await fake?.close();
});

function reviewer(withContext: boolean, only: string[] = ['lb-selects-gpu-pods', 'container-exposed-externally']): Reviewer {
  return new Reviewer({
    catalogue,
    mode: 'enforce',
    failOn: 'high',
    warnOn: 'high',
    allowInlineSuppressions: false,
    denyExisting: false,
    clusterName: 'fake',
    only: new Set(only),
    context: withContext ? cache : undefined,
  });
}

function review(object: Obj, operation: 'CREATE' | 'UPDATE' = 'CREATE') {
  const r = admissionReview({ object, operation, oldObject: operation === 'UPDATE' ? object : undefined }).request as Parameters<Reviewer['review']>[0];
  return r;
}

async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting for the cache');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const canary = () => deployment('ml-serving', 'vllm-canary', podSpec([container({ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3', gpus: 1, port: 8000 })]), { labels: { app: 'vllm' } })[0]!;

describe('aigis webhook --cluster-context', () => {
  it('lists every readable kind, names the one it may not read, and is ready', () => {
    expect(cache.ready()).toBe(true);
    expect(logs.some((l) => l.msg === 'cannot list serviceaccounts (403 Forbidden): rules linking objects will not see them')).toBe(true);
    const sizes = Object.fromEntries(cache.sizes().map((s) => [s.labels.resource, s.value]));
    expect(sizes['services']).toBe(1);
    expect(sizes['deployments.apps']).toBe(3);
    expect(sizes['serviceaccounts']).toBeUndefined();
  });

  it('denies a LoadBalancer Service that selects cached GPU pods; without the cache it cannot know', () => {
    const lb = service('ml-serving', 'vllm-public', { app: 'vllm' }, 'LoadBalancer');
    delete lb.status;
    const withCache = reviewer(true).review(review(lb));
    expect(withCache.response.allowed).toBe(false);
    expect(withCache.deniedBy).toEqual(['lb-selects-gpu-pods']);
    expect(withCache.response.status!.message).toBe('aigis denied Service ml-serving/vllm-public: lb-selects-gpu-pods (high) at /spec/selector: Service vllm-public puts GPU pods behind a load balancer');
    expect(reviewer(false).review(review(lb)).response.allowed).toBe(true);
  });

  it('denies a workload that a cached public Service would expose, and only for its own findings', () => {
    const withCache = reviewer(true).review(review(canary()));
    expect(withCache.response.allowed).toBe(false);
    expect(withCache.deniedBy).toEqual(['container-exposed-externally']);
    // The cached Service's own finding (it selects GPU pods) is not this request's.
    expect(withCache.findings.every((f) => f.object?.kind === 'Deployment' && f.object?.name === 'vllm-canary')).toBe(true);
    expect(reviewer(false).review(review(canary())).response.allowed).toBe(true);
  });

  it('runs rules about absent objects (no NetworkPolicy) only when it knows the namespace', () => {
    const gpu = (ns: string) => deployment(ns, 'trainer', podSpec([container({ name: 'train', image: 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', gpus: 1 })]))[0]!;
    const isolated = (r: Reviewer, ns: string) => r.review(review(gpu(ns))).findings.every((f) => f.ruleId !== 'pod-isolated');
    // ml-training has a default-deny NetworkPolicy in the cache; ml-serving has none.
    expect(isolated(reviewer(true, ['pod-isolated']), 'ml-training')).toBe(true);
    expect(isolated(reviewer(true, ['pod-isolated']), 'ml-serving')).toBe(false);
    // Alone, every pod would look unisolated: the rule does not run.
    expect(reviewer(false, ['pod-isolated']).needsContext()).toContain('pod-isolated');
    expect(isolated(reviewer(false, ['pod-isolated']), 'ml-serving')).toBe(true);
  });

  it('follows the cluster through its watches', async () => {
    const labels = { app: 'chat' };
    const chat = deployment('ml-training', 'chat-ui', podSpec([container({ name: 'ui', image: 'ghcr.io/open-webui/open-webui:v0.5.4', port: 8080 })]), { labels })[0]!;
    expect(reviewer(true).review(review(chat)).response.allowed).toBe(true);
    const lb = service('ml-training', 'chat', labels, 'LoadBalancer');
    fake.add(lb);
    await eventually(() => cache.documentsFor({ namespace: 'ml-training', group: 'apps', kind: 'Deployment', name: 'chat-ui', podTemplates: true }).some((d) => (d.data as { kind: string; metadata: { name: string } }).metadata.name === 'chat'));
    expect(reviewer(true).review(review(chat)).response.allowed).toBe(false);
    fake.remove(lb);
    await eventually(() => reviewer(true).review(review(chat)).response.allowed);
  });

  it('runs from the command line against the cluster its kubeconfig names, and stops on SIGTERM', async () => {
    const tls = issueCert(ca, 'cli');
    const child = spawn(
      process.execPath,
      [path.join(packageRoot(), 'bin', 'aigis.js'), 'webhook', '--cluster-context', '--kubeconfig', kubeconfig, '--tls-cert', tls.certFile, '--tls-key', tls.keyFile,
        '--host', '127.0.0.1', '--port', '0', '--rules', path.join(dir, 'rules'), '--rule', 'lb-selects-gpu-pods', '--shutdown-delay', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const entries: Array<Record<string, unknown>> = [];
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stderr.setEncoding('utf8');
    let buffered = '';
    child.stderr.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) entries.push(JSON.parse(line) as Record<string, unknown>);
    });
    try {
      await eventually(() => entries.some((e) => e.msg === 'listening'), 30_000);
      const port = entries.find((e) => e.msg === 'listening')!.port as number;
      expect(entries.find((e) => e.msg === 'listening')).toMatchObject({ level: 'info', mode: 'enforce', failOn: 'high', clusterContext: true });
      const agent = new https.Agent({ ca: ca.ca });
      const lb = service('ml-serving', 'vllm-public', { app: 'vllm' }, 'LoadBalancer');
      const a = await request(`https://127.0.0.1:${port}/validate?timeout=5s`, { body: JSON.stringify(admissionReview({ object: lb })), agent });
      expect(a.json().response.allowed).toBe(false);
      expect(a.json().response.status!.message).toMatch(/^aigis denied Service ml-serving\/vllm-public: lb-selects-gpu-pods \(high\)/);
      expect((await request(`https://127.0.0.1:${port}/readyz`, { method: 'GET', agent })).status).toBe(200);
      agent.destroy();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(entries.map((e) => e.msg)).toEqual(expect.arrayContaining(['starting the cluster context cache', 'listening', 'denied', 'shutting down', 'stopped']));
  });
});
