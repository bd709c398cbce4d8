// The stand-in API server stays faithful: kubectl itself, through the same generated kubeconfig
// (token and CA), lists pods across namespaces (paginated, server-side printed) and discovers
// the API resources, AI CRDs included. kubectl is installed on these machines (and CI's): a
// missing kubectl fails here rather than letting the fake drift unchecked.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCert, makeCa } from '../helpers/tls.js';
import { FakeApiServer, writeKubeconfig } from './fake-api-server.js';
import { realisticCluster } from './objects.js';

const run = promisify(execFile);

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const TOKEN = 'kubectl-test-token';
let fake: FakeApiServer;
let env: NodeJS.ProcessEnv;

it('kubectl is on PATH', () => {
  expect(hasKubectl(), 'kubectl is needed to keep the fake API server faithful').toBe(true);
});

describe('kubectl against the stand-in API server', () => {
  beforeAll(async () => {
    const ca = makeCa();
    const cert = issueCert(ca);
    fake = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token: TOKEN, objects: realisticCluster() });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-kubectl-'));
    const kubeconfig = writeKubeconfig(path.join(home, 'kubeconfig'), { server: fake.url, ca: ca.ca, token: TOKEN });
    // A fresh HOME: kubectl caches discovery under ~/.kube/cache.
    env = { ...process.env, HOME: home, KUBECONFIG: kubeconfig };
  });

  afterAll(async () => {
    await fake?.close();
  });

  const kubectl = async (...args: string[]) => (await run('kubectl', args, { env, timeout: 30_000 })).stdout;

  it('kubectl get pods -A lists every pod, page by page', async () => {
    const out = await kubectl('get', 'pods', '-A', '--chunk-size=5');
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    // 21 pods in objects.ts (realisticCluster).
    expect(lines.length - 1).toBe(21);
    expect(out).toMatch(/^ml-serving\s+vllm-\S+\s+1\/1\s+Running\s+0\s+7d$/m);
    expect(out).toMatch(/^default\s+debug-gpu\s+1\/1\s+Running\s+0\s+7d$/m);
    const pages = fake.requests.filter((r) => r.path === '/api/v1/pods');
    expect(pages.length).toBe(5);
    expect(pages.slice(1).every((r) => r.query.get('continue') && r.query.get('limit') === '5')).toBe(true);
  });

  it('kubectl api-resources discovers built-in kinds and the AI CRDs', async () => {
    const out = await kubectl('api-resources');
    expect(out).toMatch(/^pods\s+po\s+v1\s+true\s+Pod$/m);
    expect(out).toMatch(/^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    expect(out).toMatch(/^inferenceservices\s+serving\.kserve\.io\/v1beta1\s+true\s+InferenceService$/m);
    expect(out).toMatch(/^servingruntimes\s+serving\.kserve\.io\/v1alpha1\s+true\s+ServingRuntime$/m);
    expect(out).toMatch(/^rayclusters\s+ray\.io\/v1\s+true\s+RayCluster$/m);
    expect(out).toMatch(/^clusterroles\s+rbac\.authorization\.k8s\.io\/v1\s+false\s+ClusterRole$/m);
  });

  it('kubectl reads custom resources as JSON', async () => {
    const list = JSON.parse(await kubectl('get', 'inferenceservices', '-n', 'ml-serving', '-o', 'json')) as { items: Array<{ kind: string; metadata: { name: string } }> };
    expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(['InferenceService/llama']);
  });
});
