// aigis audit under faults of the API server (test/cluster/fake-api-server.ts `faults`): a
// connection dropped in the middle of a page, 500s, a page cut short. A fault that passes is
// retried away and the audit equals a clean one; a fault that lasts makes the audit name exactly
// the resources it could not read — on standard error and in every report — audit the rest, and
// exit 2, unless --allow-partial (then they are warnings, and only when something was read).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCluster } from '../../src/loaders/cluster/audit.js';
import { aigisAsync } from '../helpers/cli-async.js';
import { testCatalogue } from '../helpers/scan.js';
import { issueCert, makeCa, type TestCa, type TestCert } from '../helpers/tls.js';
import { FakeApiServer, writeKubeconfig, type FakeFault } from './fake-api-server.js';
import { realisticCluster } from './objects.js';

const TOKEN = 'aigis-faults-token-0123456789';
let ca: TestCa;
let cert: TestCert;
let dir: string;
const servers: FakeApiServer[] = [];

beforeAll(() => {
  ca = makeCa();
  cert = issueCert(ca);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-faults-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function fake(faults: FakeFault[] = []): Promise<{ server: FakeApiServer; kubeconfig: string }> {
  const server = await FakeApiServer.start({ cert: cert.cert, key: cert.key, token: TOKEN, objects: realisticCluster(), faults });
  servers.push(server);
  return { server, kubeconfig: writeKubeconfig(path.join(dir, `kubeconfig-${servers.length}`), { server: server.url, ca: ca.ca, token: TOKEN }) };
}

async function audit(kubeconfig: string, retries = 2) {
  const catalogue = await testCatalogue();
  return auditCluster({ kubeconfig, env: {}, cwd: dir, tables: catalogue.tables, pageSize: 2, client: { backoffMs: 5, retries } });
}

const documentNames = (docs: Array<{ data: unknown }>) => docs.map((d) => JSON.stringify((d.data as { metadata: unknown }).metadata)).sort();

// Faults that last: a drop on every page after the first of pods, 500 on every deployments
// list, every services page cut short.
const LASTING: FakeFault[] = [
  { resource: 'pods', kind: 'drop', page: 'continue' },
  { resource: 'deployments.apps', kind: 'status', status: 500 },
  { resource: 'services', kind: 'truncate' },
];

describe('aigis audit under API server faults', () => {
  it('retries a dropped connection mid-list, a 500 and a page cut short, and ends with what a clean audit reads', async () => {
    const clean = await audit((await fake()).kubeconfig);
    const { server, kubeconfig } = await fake([
      { resource: 'pods', kind: 'drop', page: 'continue', times: 1 },
      { resource: 'deployments.apps', kind: 'status', status: 500, times: 2 },
      { resource: 'services', kind: 'truncate', times: 1 },
    ]);
    const r = await audit(kubeconfig);
    expect(r.unread).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(documentNames(r.documents)).toEqual(documentNames(clean.documents));
    const statuses = (p: string) => server.requests.filter((q) => q.path === p).map((q) => q.status);
    expect(statuses('/apis/apps/v1/deployments').slice(0, 3)).toEqual([500, 500, 200]);
    // The dropped page was asked for again with the same continue token.
    const pods = server.requests.filter((q) => q.path === '/api/v1/pods');
    expect(pods[2]!.query.get('continue')).toBe(pods[1]!.query.get('continue'));
  });

  it('names exactly the resources that kept failing, and audits the rest', async () => {
    const { kubeconfig } = await fake(LASTING);
    const r = await audit(kubeconfig);
    expect(r.unread.map((u) => u.resource).sort()).toEqual(['deployments.apps', 'pods', 'services']);
    const errors = Object.fromEntries(r.unread.map((u) => [u.resource, u.error]));
    expect(errors['deployments.apps']).toBe('GET /apis/apps/v1/deployments: 500 Internal Server Error: injected fault: 500 on deployments.apps');
    expect(errors.pods).toMatch(/^cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(context fake\): (aborted|socket hang up)/);
    expect(errors.services).toBe('the API server answered /api/v1/services with something that is not JSON (a page cut short?)');
    const kinds = new Set(r.documents.map((d) => (d.data as { kind: string }).kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['DaemonSet', 'CronJob', 'Namespace', 'InferenceService', 'ClusterRole', 'Notebook']));
    expect(kinds.has('Deployment')).toBe(false);
    expect(kinds.has('Service')).toBe(false);
  });

  it('CLI: exit 2, each unread resource on stderr and in every report; --allow-partial makes them warnings', async () => {
    const { kubeconfig } = await fake(LASTING);
    const args = ['audit', '--kubeconfig', kubeconfig, '--retries', '1', '--page-size', '2'];
    const json = await aigisAsync([...args, '--format', 'json'], { cwd: dir });
    expect(json.code).toBe(2);
    const lines = json.stderr.split('\n').filter(Boolean).sort();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('aigis: cluster:fake: cannot read deployments.apps (GET /apis/apps/v1/deployments: 500 Internal Server Error: injected fault: 500 on deployments.apps); not audited');
    expect(lines[1]).toMatch(/^aigis: cluster:fake: cannot read pods \(cannot reach the API server at \S+ \(context fake\): .+\); not audited$/);
    expect(lines[2]).toBe('aigis: cluster:fake: cannot read services (the API server answered /api/v1/services with something that is not JSON (a page cut short?)); not audited');
    const report = JSON.parse(json.stdout) as { summary: { failed: boolean; unreadable: number; findings: number }; errors: Array<{ file: string; message: string }> };
    expect(report.summary).toMatchObject({ failed: true, unreadable: 3 });
    expect(report.summary.findings).toBeGreaterThan(0);
    expect(report.errors.map((e) => `${e.file} ${e.message.split(' (')[0]}`).sort()).toEqual(['cluster:fake cannot read deployments.apps', 'cluster:fake cannot read pods', 'cluster:fake cannot read services']);

    const text = await aigisAsync(args, { cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stdout.trimEnd().split('\n').pop()).toMatch(/^✖ \d+ findings \(.*\) · cluster fake, \d+ objects, 3 unreadable · fail-on low$/);
    const sarif = JSON.parse((await aigisAsync([...args, '--format', 'sarif'], { cwd: dir })).stdout);
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications).toHaveLength(3);

    const partial = await aigisAsync([...args, '--format', 'json', '--allow-partial'], { cwd: dir });
    expect(partial.code).toBe(1);
    expect(partial.stderr.split('\n').filter(Boolean).map((l) => l.replace(/ \(.*$/, '')).sort()).toEqual([
      'aigis: warning: cannot read deployments.apps',
      'aigis: warning: cannot read pods',
      'aigis: warning: cannot read services',
    ]);
    expect(partial.stderr).toMatch(/; not audited \(--allow-partial\)\n$/);
    const partialReport = JSON.parse(partial.stdout) as { summary: { unreadable: number }; errors: unknown[] };
    expect(partialReport.errors).toEqual([]);
    expect(partialReport.summary.unreadable).toBe(3);
  }, 60_000);

  it('--allow-partial does not pass an audit that read nothing', async () => {
    const { kubeconfig } = await fake([{ resource: '*', kind: 'status', status: 500 }]);
    const r = await aigisAsync(['audit', '--kubeconfig', kubeconfig, '--retries', '0', '--allow-partial', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    const report = JSON.parse(r.stdout) as { summary: { objects: number; unreadable: number } };
    expect(report.summary.objects).toBe(0);
    expect(report.summary.unreadable).toBeGreaterThan(10);
  }, 30_000);
});
