// aigis audit against the HTTPS stand-in API server (test/cluster/fake-api-server.ts), through a
// generated kubeconfig with a bearer token and a CA, as a user's kubectl would connect.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCluster, asLoaded, type ClusterAuditOptions } from '../../src/loaders/cluster/audit.js';
import { evaluateLoaded } from '../../src/engine/scan.js';
import type { Finding } from '../../src/model/types.js';
import { aigis } from '../helpers/cli.js';
import { aigisAsync } from '../helpers/cli-async.js';
import { sarifSchemaErrors } from '../helpers/sarif.js';
import { testCatalogue } from '../helpers/scan.js';
import { issueCert, makeCa, type TestCa, type TestCert } from '../helpers/tls.js';
import { BUILTIN_RESOURCES, FakeApiServer, writeKubeconfig, type FakeApiServerOptions } from './fake-api-server.js';
import { realisticCluster } from './objects.js';

const TOKEN = 'aigis-test-token-0123456789';
let ca: TestCa;
let cert: TestCert;
let dir: string;
const servers: FakeApiServer[] = [];

beforeAll(() => {
  ca = makeCa();
  cert = issueCert(ca);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-audit-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function fake(o: Partial<FakeApiServerOptions> = {}): Promise<{ server: FakeApiServer; kubeconfig: string }> {
  const server = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token: TOKEN, objects: realisticCluster(), ...o });
  servers.push(server);
  const kubeconfig = writeKubeconfig(path.join(dir, `kubeconfig-${servers.length}`), { server: server.url, ca: ca.ca, token: TOKEN });
  return { server, kubeconfig };
}

async function audit(kubeconfig: string, o: Partial<ClusterAuditOptions> = {}) {
  const catalogue = await testCatalogue();
  const result = await auditCluster({ kubeconfig, env: {}, cwd: dir, tables: catalogue.tables, client: { backoffMs: 5 }, ...o });
  const scan = evaluateLoaded(asLoaded(result.documents), { catalogue });
  return { ...result, findings: scan.findings, scan };
}

/** `cluster:fake/<ns>/<Kind>/<name>` of each kept document. */
function names(docs: Array<{ data: unknown; source: { context?: string } }>): string[] {
  return docs
    .map((d) => {
      const o = d.data as { kind: string; metadata: { name: string; namespace?: string } };
      return `${o.metadata.namespace ?? '_'}/${o.kind}/${o.metadata.name}`;
    })
    .sort();
}

/** Where the privileged flag is set: one finding per template, whatever rule reports it. */
function privileged(findings: Finding[]): string[] {
  return findings.filter((f) => f.location.pointer.endsWith('/securityContext/privileged')).map((f) => `${f.location.logical}${f.location.pointer}`).sort();
}

// Hand-listed from objects.ts: every template with privileged: true, each once, on the object
// that holds it (never a ReplicaSet, a replica, or an operator-made Deployment/StatefulSet).
const PRIVILEGED_TEMPLATES = [
  'cluster:fake/default/Pod/debug-gpu/spec/containers/0/securityContext/privileged',
  'cluster:fake/kube-system/DaemonSet/kube-proxy/spec/template/spec/containers/0/securityContext/privileged',
  'cluster:fake/ml-serving/Deployment/vllm/spec/template/spec/containers/0/securityContext/privileged',
  'cluster:fake/ml-serving/InferenceService/llama/spec/predictor/model/securityContext/privileged',
  'cluster:fake/ml-training/PyTorchJob/train-llama/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/securityContext/privileged',
  'cluster:fake/ml-training/RayService/chat/spec/rayClusterConfig/headGroupSpec/template/spec/containers/0/securityContext/privileged',
  'cluster:fake/notebooks/Notebook/alice/spec/template/spec/containers/0/securityContext/privileged',
];

describe('aigis audit', () => {
  it('reads every kind it understands, and checks controller-made objects through their owner', async () => {
    const { server, kubeconfig } = await fake();
    const r = await audit(kubeconfig);
    expect(r.warnings).toEqual([]);
    expect(names(r.documents)).toEqual([
      '_/ClusterRole/model-admin',
      '_/ClusterRoleBinding/model-admin',
      '_/Namespace/default',
      '_/Namespace/kube-system',
      '_/Namespace/ml-serving',
      '_/Namespace/ml-training',
      '_/Namespace/notebooks',
      'default/Pod/debug-gpu',
      'default/Pod/toolbox',
      'default/ServiceAccount/default',
      'kube-system/DaemonSet/kube-proxy',
      'kube-system/Deployment/coredns',
      'kube-system/ServiceAccount/default',
      'ml-serving/Deployment/vllm',
      'ml-serving/InferenceService/llama',
      'ml-serving/Ingress/vllm',
      'ml-serving/Role/reader',
      'ml-serving/RoleBinding/reader',
      'ml-serving/Service/vllm',
      'ml-serving/ServiceAccount/default',
      'ml-serving/ServiceAccount/vllm',
      'ml-training/CronJob/nightly-eval',
      'ml-training/NetworkPolicy/default-deny',
      'ml-training/PyTorchJob/train-llama',
      'ml-training/RayService/chat',
      'ml-training/ServiceAccount/default',
      'notebooks/Notebook/alice',
      'notebooks/ServiceAccount/default',
    ]);
    expect(privileged(r.findings)).toEqual(PRIVILEGED_TEMPLATES);
    // 19 controller-made pods (of 21), 3 ReplicaSets, 1 RayCluster, 1 Job, 1 operator Deployment
    // and 1 operator StatefulSet were listed and left to their owners.
    expect(r.stats.coveredByOwner + r.stats.replicas).toBe(19 + 3 + 1 + 1 + 1 + 1);
    // Built-in list items come without apiVersion/kind; the documents have them, and no managedFields.
    const pod = r.documents.find((d) => (d.data as { kind: string }).kind === 'Pod')!.data as Record<string, Record<string, unknown>>;
    expect(pod.apiVersion).toBe('v1');
    expect(pod.metadata!.managedFields).toBeUndefined();
    // Secrets and ConfigMaps are never asked for; every list is paginated.
    expect(server.requestsTo('secrets')).toEqual([]);
    expect(server.requestsTo('configmaps')).toEqual([]);
    const lists = server.requests.filter((q) => /\/(pods|deployments|rayservices)$/.test(q.path));
    expect(lists.length).toBe(3);
    for (const q of lists) expect(q.query.get('limit')).toBe('500');
  });

  it('locates findings as cluster:<context>/<namespace>/<kind>/<name> plus the field, in every output format', async () => {
    const { kubeconfig } = await fake();
    const r = await audit(kubeconfig);
    const f = r.findings.find((x) => x.location.logical === 'cluster:fake/ml-serving/Deployment/vllm' && x.location.pointer.endsWith('/privileged'))!;
    expect(f.location.file).toBeUndefined();
    expect(f.location.position).toBeUndefined();
    expect(f.object).toMatchObject({ kind: 'Deployment', namespace: 'ml-serving', name: 'vllm' });

    const { FORMATS } = await import('../../src/report/index.js');
    const { writeReports } = await import('../../src/cli/output.js');
    for (const format of FORMATS()) {
      let out = '';
      const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir, env: {} };
      await writeReports({ result: r.scan, catalogue: await testCatalogue(), failOn: 'low', targets: [{ format }], io, command: 'aigis audit' });
      expect(out, format).toContain('cluster:fake/ml-serving/Deployment/vllm');
      if (format === 'sarif') {
        const sarif = JSON.parse(out) as { runs: Array<{ results: Array<{ locations: Array<{ logicalLocations?: Array<{ fullyQualifiedName: string }>; physicalLocation?: unknown }> }> }> };
        expect(sarifSchemaErrors(sarif)).toEqual([]);
        const names = sarif.runs[0]!.results.flatMap((x) => x.locations.flatMap((l) => (l.logicalLocations ?? []).map((ll) => ll.fullyQualifiedName)));
        expect(names).toContain('cluster:fake/ml-serving/Deployment/vllm');
        expect(sarif.runs[0]!.results.every((x) => x.locations.every((l) => l.physicalLocation === undefined))).toBe(true);
      }
    }
  });

  it('pages through lists with limit and continue', async () => {
    const { server, kubeconfig } = await fake();
    const r = await audit(kubeconfig, { pageSize: 2 });
    expect(privileged(r.findings)).toEqual(PRIVILEGED_TEMPLATES);
    const pods = server.requests.filter((q) => q.path === '/api/v1/pods');
    // 21 pods, two a page: 11 requests, every one after the first with a continue token.
    expect(pods.length).toBe(11);
    expect(pods.filter((q) => q.query.get('continue')).length).toBe(10);
    expect(pods.every((q) => q.query.get('limit') === '2')).toBe(true);
  });

  it('names a resource it may not read (403) in a warning, goes on, and checks orphaned replicas once per template', async () => {
    const { kubeconfig } = await fake({ forbidden: ['replicasets.apps', 'rayclusters.ray.io'] });
    const r = await audit(kubeconfig);
    expect([...r.warnings].sort()).toEqual([
      'cannot list rayclusters.ray.io (403 Forbidden): not audited',
      'cannot list replicasets.apps (403 Forbidden): not audited',
    ]);
    // Without their ReplicaSets, the 3 vllm, 2 coredns and 2 llama-predictor pods are each
    // checked as one pod per template; without the RayCluster, its head and its 3 identical
    // workers are 2 pods.
    const pods = names(r.documents).filter((n) => n.includes('/Pod/'));
    expect(pods.length).toBe(2 + 1 + 1 + 1 + 2);
    expect(pods.filter((n) => n.startsWith('ml-serving/Pod/vllm-')).length).toBe(1);
    expect(pods.filter((n) => n.startsWith('ml-training/Pod/chat-raycluster-')).length).toBe(2);
    // The privileged vllm, llama and Ray head templates now also show on one pod each.
    const extra = privileged(r.findings).filter((p) => !PRIVILEGED_TEMPLATES.includes(p));
    expect(extra.length).toBe(3);
    expect(extra.every((p) => p.includes('/Pod/'))).toBe(true);
  });

  it('retries 429 (honouring Retry-After), 503 and an expired continue token', async () => {
    const { server, kubeconfig } = await fake({ throttleOnce: ['pods'], retryAfter: '0', unavailableOnce: ['deployments.apps'], expireContinueOnce: ['serviceaccounts'] });
    const r = await audit(kubeconfig, { pageSize: 3 });
    expect(r.warnings).toEqual([]);
    expect(privileged(r.findings)).toEqual(PRIVILEGED_TEMPLATES);
    const statuses = (p: string) => server.requests.filter((q) => q.path === p).map((q) => q.status);
    expect(statuses('/api/v1/pods').slice(0, 2)).toEqual([429, 200]);
    expect(statuses('/apis/apps/v1/deployments').slice(0, 2)).toEqual([503, 200]);
    // 6 service accounts, 3 a page: the first continue gets 410, the list starts over.
    expect(statuses('/api/v1/serviceaccounts')).toEqual([200, 410, 200, 200]);
    expect(names(r.documents).filter((n) => n.includes('/ServiceAccount/')).length).toBe(6);
  });

  it('gives up on a resource after its retries, names it with the server status, and audits the rest', async () => {
    const { kubeconfig } = await fake({ throttleOnce: ['pods'], retryAfter: '0' });
    const r = await audit(kubeconfig, { client: { retries: 0, backoffMs: 5 } });
    expect(r.unread).toEqual([{ resource: 'pods', error: 'GET /api/v1/pods: 429 Too Many Requests: Too many requests, please try again later.' }]);
    expect(names(r.documents)).toContain('ml-serving/Deployment/vllm');
  });

  it('audits only the namespaces named, listing inside them', async () => {
    const { server, kubeconfig } = await fake();
    const r = await audit(kubeconfig, { namespaces: ['ml-serving'] });
    expect(names(r.documents)).toEqual([
      '_/Namespace/ml-serving',
      'ml-serving/Deployment/vllm',
      'ml-serving/InferenceService/llama',
      'ml-serving/Ingress/vllm',
      'ml-serving/Role/reader',
      'ml-serving/RoleBinding/reader',
      'ml-serving/Service/vllm',
      'ml-serving/ServiceAccount/default',
      'ml-serving/ServiceAccount/vllm',
    ]);
    expect(server.requestsTo('/api/v1/namespaces/ml-serving/pods').length).toBe(1);
    expect(server.requests.some((q) => q.path === '/api/v1/pods' || q.path.endsWith('/clusterroles'))).toBe(false);
  });

  it('leaves out excluded namespaces', async () => {
    const { kubeconfig } = await fake();
    const r = await audit(kubeconfig, { excludeNamespaces: ['kube-system'] });
    expect(names(r.documents).some((n) => n.startsWith('kube-system/') || n === '_/Namespace/kube-system')).toBe(false);
    expect(privileged(r.findings)).toEqual(PRIVILEGED_TEMPLATES.filter((p) => !p.includes('/kube-system/')));
  });

  it('asks only for the CRDs the cluster serves', async () => {
    const { server, kubeconfig } = await fake({ resources: BUILTIN_RESOURCES, objects: realisticCluster().filter((o) => !String(o.apiVersion).match(/kserve|ray\.io|kubeflow/)) });
    const r = await audit(kubeconfig);
    expect(r.warnings).toEqual([]);
    expect(server.requests.some((q) => /ray\.io|kserve|kubeflow/.test(q.path))).toBe(false);
    // The operator-made objects are now the top of their chains and are checked themselves.
    expect(names(r.documents)).toContain('ml-serving/Deployment/llama-predictor');
    expect(names(r.documents)).toContain('notebooks/StatefulSet/alice');
  });

  it('reads gzip-compressed answers', async () => {
    const { kubeconfig } = await fake({ gzip: true });
    const r = await audit(kubeconfig);
    expect(privileged(r.findings)).toEqual(PRIVILEGED_TEMPLATES);
  });

  it('connects with the service account of the pod it runs in', async () => {
    const { server } = await fake();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-sa-'));
    const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, 'token'), TOKEN);
    fs.writeFileSync(path.join(sa, 'ca.crt'), ca.ca);
    const port = new URL(server.url).port;
    const catalogue = await testCatalogue();
    const r = await auditCluster({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, cwd: dir, serviceAccountRoot: root, tables: catalogue.tables });
    expect(r.cluster).toBe('in-cluster');
    expect(r.documents.length).toBe(28);
  });

  it('merges $KUBECONFIG files like kubectl and picks --context', async () => {
    const { server } = await fake();
    const a = writeKubeconfig(path.join(dir, 'merge-a'), { server: 'https://127.0.0.1:1', ca: ca.ca, token: 'wrong', context: 'stale' });
    const b = writeKubeconfig(path.join(dir, 'merge-b'), { server: server.url, ca: ca.ca, token: TOKEN, context: 'prod', caFile: true });
    const catalogue = await testCatalogue();
    const r = await auditCluster({ env: { KUBECONFIG: [a, path.join(dir, 'missing'), b].join(path.delimiter) }, context: 'prod', cwd: dir, tables: catalogue.tables });
    expect(r.cluster).toBe('prod');
    expect(r.documents.length).toBe(28);
    await expect(auditCluster({ env: { KUBECONFIG: a }, context: 'nope', cwd: dir, tables: catalogue.tables })).rejects.toThrow('context "nope" is not in the kubeconfig (contexts: stale)');
  });

  it('stops with one clear error on bad credentials, an unreachable server or an unknown CA', async () => {
    const { server } = await fake();
    const catalogue = await testCatalogue();
    const run = (kubeconfig: string) => auditCluster({ kubeconfig, env: {}, cwd: dir, tables: catalogue.tables, client: { backoffMs: 5 } });
    const badToken = writeKubeconfig(path.join(dir, 'bad-token'), { server: server.url, ca: ca.ca, token: 'nope', context: 'prod' });
    await expect(run(badToken)).rejects.toThrow(`the API server rejected the credentials of context prod (401 Unauthorized: Unauthorized)`);
    const closed = writeKubeconfig(path.join(dir, 'closed'), { server: 'https://127.0.0.1:9', ca: ca.ca, token: TOKEN, context: 'prod' });
    await expect(run(closed)).rejects.toThrow(/^cannot reach the API server at https:\/\/127\.0\.0\.1:9 \(context prod\): connect ECONNREFUSED/);
    const otherCa = makeCa('another-ca');
    const wrongCa = writeKubeconfig(path.join(dir, 'wrong-ca'), { server: server.url, ca: otherCa.ca, token: TOKEN, context: 'prod' });
    await expect(run(wrongCa)).rejects.toThrow(/^TLS with the API server at https:\/\/127\.0\.0\.1:\d+ \(context prod\) failed: /);
    await expect(run(path.join(dir, 'no-such-file'))).rejects.toThrow(/cannot read kubeconfig: ENOENT/);
    const exec = path.join(dir, 'exec-plugin');
    fs.writeFileSync(
      exec,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: server.url, 'certificate-authority-data': Buffer.from(ca.ca).toString('base64') } }],
        users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: '/nonexistent/get-token', args: ['--cluster', 'prod'] } } }],
        contexts: [{ name: 'eks', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'eks',
      }),
    );
    await expect(run(exec)).rejects.toThrow(/^cannot get the credentials of context eks: /);
    await expect(auditCluster({ env: { HOME: dir }, cwd: dir, tables: catalogue.tables })).rejects.toThrow(/^no cluster configuration: pass --kubeconfig/);
  });
});

describe('aigis audit (CLI)', () => {
  it('writes a JSON report, warns on stderr, and exits 1 on findings', async () => {
    const { kubeconfig } = await fake({ forbidden: ['roles.rbac.authorization.k8s.io'] });
    const r = await aigisAsync(['audit', '--kubeconfig', kubeconfig, '--format', 'json', '--exclude-namespace', 'kube-system']);
    expect(r.stderr).toBe('aigis: warning: cannot list roles.rbac.authorization.k8s.io (403 Forbidden): not audited\n');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { findings: Array<{ location: { logical?: string; pointer: string } }> };
    const places = report.findings.filter((f) => f.location.pointer.endsWith('/securityContext/privileged')).map((f) => `${f.location.logical}${f.location.pointer}`).sort();
    expect(places).toEqual(PRIVILEGED_TEMPLATES.filter((p) => !p.includes('/kube-system/')));
  });

  it('shows progress on stderr only when it is a terminal', async () => {
    const { kubeconfig } = await fake();
    const { auditCommand } = await import('../../src/cli/commands/audit.js');
    const run = async (isTTY: boolean) => {
      let stdout = '';
      let stderr = '';
      const io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s), isTTY }, cwd: dir, env: {} };
      const code = await auditCommand.run(['--kubeconfig', kubeconfig, '--format', 'json'], io);
      return { code, stdout, stderr };
    };
    const tty = await run(true);
    expect(tty.code).toBe(1);
    const kinds = /\r\x1b\[2Kaigis: listing 0\/(\d+) kinds · 0 objects/.exec(tty.stderr)![1];
    expect(tty.stderr).toContain(`aigis: listing ${kinds}/${kinds} kinds`);
    expect(tty.stderr).toMatch(new RegExp(`aigis: fake: \\d+ objects of ${kinds} kinds listed; 28 checked, 26 through their owner's template\\n$`));
    expect(JSON.parse(tty.stdout).summary.objects).toBe(28);
    const piped = await run(false);
    expect(piped.stderr).toBe('');
    expect(piped.stdout).toBe(tty.stdout);
  });

  it('applies .aigis.yaml: rule settings and ignore entries naming objects', async () => {
    const { kubeconfig } = await fake();
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-audit-config-'));
    fs.writeFileSync(
      path.join(cwd, '.aigis.yaml'),
      'rules:\n  rbac-wildcard: off\nignore:\n  - rule: privileged-container\n    objects: [DaemonSet/kube-system/kube-proxy]\n    reason: node agent, privileged by design\n',
    );
    const r = await aigisAsync(['audit', '--kubeconfig', kubeconfig, '--format', 'json'], { cwd });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; location: { logical?: string }; suppression?: { kind: string; justification: string } }> };
    const proxy = report.findings.filter((f) => f.ruleId === 'privileged-container' && f.location.logical === 'cluster:fake/kube-system/DaemonSet/kube-proxy');
    expect(proxy.map((f) => f.suppression)).toEqual([{ kind: 'external', justification: 'node agent, privileged by design', source: 'config' }]);
    expect(report.findings.some((f) => f.ruleId === 'rbac-wildcard')).toBe(false);
  });

  it('exits 2 with one line when it cannot connect', () => {
    const kubeconfig = writeKubeconfig(path.join(dir, 'cli-closed'), { server: 'https://127.0.0.1:9', ca: ca.ca, token: TOKEN, context: 'prod' });
    const r = aigis(['audit', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aigis: cannot reach the API server at https:\/\/127\.0\.0\.1:9 \(context prod\): connect ECONNREFUSED 127\.0\.0\.1:9\n$/);
  });

  it('rejects bad flags', () => {
    expect(aigis(['audit', '--namespace', 'a', '--exclude-namespace', 'b']).stderr).toMatch(/do not go together/);
    expect(aigis(['audit', '--page-size', '0']).code).toBe(2);
    expect(aigis(['audit', 'somewhere/']).stderr).toMatch(/audit takes no paths/);
  });
});
