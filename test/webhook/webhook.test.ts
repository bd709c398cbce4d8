// aigis webhook over HTTPS on loopback: real AdmissionReview v1 bodies (CREATE, UPDATE with
// oldObject, DELETE, dryRun, subresources), malformed and oversized requests, metrics, probes
// and certificate rotation.

import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reviewer, type ReviewerOptions } from '../../src/webhook/review.js';
import { WebhookServer } from '../../src/webhook/server.js';
import { testCatalogue } from '../helpers/scan.js';
import { issueCert, makeCa, type TestCa } from '../helpers/tls.js';
import { admissionReview, request, type Answer } from './admission.js';

type Obj = Record<string, unknown>;

let ca: TestCa;
let agent: https.Agent;
let certDir: string;
const servers: WebhookServer[] = [];
const logs: Array<Record<string, unknown>> = [];

const HARDENED_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const DIGEST = 'sha256:3f1c5e7b9d2a4c6e8f0a1b3d5c7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e';

function gpuPod(name: string, securityContext: Obj, extra: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ml-serving', labels: { app: name } },
    spec: {
      automountServiceAccountToken: false,
      containers: [
        {
          name: 'vllm',
          image: `vllm/vllm-openai:v0.6.3@${DIGEST}`,
          args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'],
          ports: [{ containerPort: 8000 }],
          resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
          securityContext,
        },
      ],
      ...extra,
    },
  };
}

const privilegedGpuPod = () => gpuPod('llm-privileged', { privileged: true });
const hardenedGpuPod = () => gpuPod('llm-hardened', HARDENED_CONTEXT);

function deployment(name: string, securityContext: Obj): Obj {
  const pod = gpuPod(name, securityContext);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'ml-serving', labels: { app: name } },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: pod.spec } },
  };
}

async function start(o: Partial<ReviewerOptions> = {}, server: { maxBodyBytes?: number; reloadIntervalMs?: number; cert?: { certFile: string; keyFile: string } } = {}): Promise<{ url: string; server: WebhookServer }> {
  const cert = server.cert ?? issueCert(ca);
  const reviewer = new Reviewer({ catalogue: await testCatalogue(), mode: 'enforce', failOn: 'high', warnOn: 'low', allowInlineSuppressions: false, denyExisting: false, clusterName: 'admission', ...o });
  const s = await WebhookServer.start({
    host: '127.0.0.1',
    port: 0,
    tlsCert: cert.certFile,
    tlsKey: cert.keyFile,
    reloadIntervalMs: server.reloadIntervalMs ?? 60_000,
    maxBodyBytes: server.maxBodyBytes ?? 1024 * 1024,
    reviewer,
    log: (e) => logs.push(e),
  });
  servers.push(s);
  return { url: `https://127.0.0.1:${s.port}`, server: s };
}

function post(url: string, review: Obj, query = '?timeout=10s'): Promise<Answer> {
  return request(`${url}/validate${query}`, { body: JSON.stringify(review), agent });
}

let enforce: string;
let warn: string;

beforeAll(async () => {
  ca = makeCa();
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-webhook-'));
  agent = new https.Agent({ ca: ca.ca, keepAlive: true });
  enforce = (await start()).url;
  warn = (await start({ mode: 'warn' })).url;
});

afterAll(async () => {
  agent.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

describe('aigis webhook: admission reviews', () => {
  it('denies a privileged GPU pod in enforce mode, naming the rule and the field, and echoes the uid', async () => {
    const review = admissionReview({ object: privilegedGpuPod(), uid: '705ab4f5-6393-11e8-b7cc-42010a800002' });
    const a = await post(enforce, review);
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toBe('application/json');
    const body = a.json();
    expect(body.apiVersion).toBe('admission.k8s.io/v1');
    expect(body.kind).toBe('AdmissionReview');
    expect(body.response.uid).toBe('705ab4f5-6393-11e8-b7cc-42010a800002');
    expect(body.response.allowed).toBe(false);
    expect(body.response.status!.code).toBe(403);
    expect(body.response.status!.message).toMatch(/^aigis denied Pod ml-serving\/llm-privileged: \S*privileged\S* \((critical|high)\) at \/spec\/containers\/0\/securityContext\/privileged: container vllm /);
    expect(body.response.auditAnnotations!.decision).toBe('denied');
    expect(body.response.auditAnnotations!['denied-by']).toMatch(/privileged/);
  });

  it('allows a privileged GPU pod in warn mode and says what enforce would deny', async () => {
    const body = (await post(warn, admissionReview({ object: privilegedGpuPod() }))).json();
    expect(body.response.allowed).toBe(true);
    expect(body.response.status).toBeUndefined();
    const denying = body.response.warnings!.filter((w) => w.endsWith('(enforce mode would deny)'));
    expect(denying.length).toBeGreaterThan(0);
    expect(denying.some((w) => /^aigis (critical|high) \S*privileged\S* at \/spec\/containers\/0\/securityContext\/privileged: container vllm /.test(w))).toBe(true);
    for (const w of body.response.warnings!) expect(w.length).toBeLessThanOrEqual(240);
    expect(body.response.auditAnnotations!.decision).toBe('warned');
  });

  it('allows a hardened GPU pod', async () => {
    const body = (await post(enforce, admissionReview({ object: hardenedGpuPod() }))).json();
    expect(body.response.allowed).toBe(true);
    expect(body.response.status).toBeUndefined();
    for (const w of body.response.warnings ?? []) expect(w).not.toMatch(/^aigis (critical|high) /);
  });

  it('checks workloads and AI custom resources through their pod templates', async () => {
    const d = (await post(enforce, admissionReview({ object: deployment('llm', { privileged: true }) }))).json();
    expect(d.response.allowed).toBe(false);
    expect(d.response.status!.message).toContain('at /spec/template/spec/containers/0/securityContext/privileged');
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name: 'llama', namespace: 'ml-serving' },
      spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, image: `kserve/huggingfaceserver:v0.14.1@${DIGEST}`, securityContext: { privileged: true } } } },
    };
    const i = (await post(enforce, admissionReview({ object: isvc }))).json();
    expect(i.response.allowed).toBe(false);
    expect(i.response.status!.message).toContain('at /spec/predictor/model/securityContext/privileged');
  });

  it('gives a dry run the same answer', async () => {
    const real = (await post(enforce, admissionReview({ object: privilegedGpuPod(), uid: 'a' }))).json();
    const dry = (await post(enforce, admissionReview({ object: privilegedGpuPod(), uid: 'b', dryRun: true }))).json();
    expect({ ...dry.response, uid: 'a' }).toEqual(real.response);
  });

  it('on UPDATE denies only what the update brings, unless --deny-existing', async () => {
    const old = privilegedGpuPod();
    const relabelled = privilegedGpuPod();
    (relabelled.metadata as Obj).labels = { app: 'llm-privileged', team: 'search' };
    const kept = (await post(enforce, admissionReview({ operation: 'UPDATE', object: relabelled, oldObject: old }))).json();
    expect(kept.response.allowed).toBe(true);
    expect(kept.response.warnings!.some((w) => /privileged.*\(already there before this update\)$/.test(w))).toBe(true);

    const becomesPrivileged = (await post(enforce, admissionReview({ operation: 'UPDATE', object: privilegedGpuPod(), oldObject: gpuPod('llm-privileged', HARDENED_CONTEXT) }))).json();
    expect(becomesPrivileged.response.allowed).toBe(false);

    const strict = (await start({ denyExisting: true })).url;
    const denied = (await post(strict, admissionReview({ operation: 'UPDATE', object: relabelled, oldObject: old }))).json();
    expect(denied.response.allowed).toBe(false);
  });

  it('checks ephemeral containers (kubectl debug) and lets status updates through', async () => {
    const pod = hardenedGpuPod();
    const debugged = structuredClone(pod);
    (debugged.spec as Obj).ephemeralContainers = [{ name: 'debugger', image: `busybox:1.36@${DIGEST}`, securityContext: { privileged: true }, targetContainerName: 'vllm' }];
    const eph = (await post(enforce, admissionReview({ operation: 'UPDATE', subResource: 'ephemeralcontainers', object: debugged, oldObject: pod }))).json();
    expect(eph.response.allowed).toBe(false);
    expect(eph.response.status!.message).toContain('at /spec/ephemeralContainers/0/securityContext/privileged');
    const status = (await post(enforce, admissionReview({ operation: 'UPDATE', subResource: 'status', object: privilegedGpuPod(), oldObject: privilegedGpuPod() }))).json();
    expect(status.response).toEqual({ uid: status.response.uid, allowed: true });
  });

  it('allows DELETE and kinds it does not know at once', async () => {
    const del = (await post(enforce, admissionReview({ operation: 'DELETE', object: null, oldObject: privilegedGpuPod() }))).json();
    expect(del.response).toEqual({ uid: del.response.uid, allowed: true });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ml-serving' }, data: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz0123456789' } };
    const other = (await post(enforce, admissionReview({ object: cm }))).json();
    expect(other.response).toEqual({ uid: other.response.uid, allowed: true });
  });

  it('ignores inline suppression annotations unless --allow-inline-suppressions', async () => {
    // A privileged node agent (no GPU, no model server): privileged-container is its only
    // finding at high or above.
    const pod = gpuPod('node-agent', { ...HARDENED_CONTEXT, privileged: true, allowPrivilegeEscalation: true });
    const c = (pod.spec as { containers: Obj[] }).containers[0]!;
    Object.assign(c, { name: 'agent', image: `registry.example.com/platform/node-agent:1.4.0@${DIGEST}`, args: ['--interval', '30s'], ports: [] });
    c.resources = { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } };
    (pod.metadata as Obj).annotations = { 'ignore.aigis.dev/privileged-container': 'node agent, reviewed by platform team' };
    const ignored = (await post(enforce, admissionReview({ object: pod }))).json();
    expect(ignored.response.allowed).toBe(false);
    expect(ignored.response.auditAnnotations!['denied-by']).toBe('privileged-container');
    const honouring = (await start({ allowInlineSuppressions: true })).url;
    const honoured = (await post(honouring, admissionReview({ object: pod }))).json();
    expect(honoured.response.allowed).toBe(true);
  });

  it('applies the ignore entries of --config for the objects they name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-webhook-config-'));
    const file = path.join(dir, 'aigis.yaml');
    fs.writeFileSync(file, 'ignore:\n  - rule: privileged-container\n    objects: [Pod/ml-serving/node-agent]\n    reason: node agent, reviewed\n');
    const { clusterRunConfig } = await import('../../src/cli/cluster-config.js');
    const run = await clusterRunConfig({ config: file, search: false, cwd: dir });
    const url = (await start({ ruleSettings: run.ruleSettings, ignores: run.ignores })).url;
    const agent = (name: string) => {
      const pod = gpuPod(name, { ...HARDENED_CONTEXT, privileged: true, allowPrivilegeEscalation: true });
      Object.assign((pod.spec as { containers: Obj[] }).containers[0]!, { name: 'agent', image: `registry.example.com/platform/node-agent:1.4.0@${DIGEST}`, args: [], ports: [], resources: { limits: { cpu: '200m', memory: '128Mi' } } });
      return pod;
    };
    expect((await post(url, admissionReview({ object: agent('node-agent') }))).json().response.allowed).toBe(true);
    expect((await post(url, admissionReview({ object: agent('other-agent') }))).json().response.allowed).toBe(false);
  });

  it('never echoes a secret it saw', async () => {
    const token = 'hf_QWERTYuiopASDFGhjklZXCVBnm1234567890';
    const pod = privilegedGpuPod();
    (pod.spec as { containers: Obj[] }).containers[0]!.env = [{ name: 'HF_TOKEN', value: token }];
    const a = await post(warn, admissionReview({ object: pod }));
    expect(a.body).not.toContain(token);
    expect(a.body).not.toContain(token.slice(5));
  });

  it('denies what it cannot evaluate when --fail-on could have denied it', async () => {
    const noObject = admissionReview({ object: privilegedGpuPod() });
    (noObject.request as Obj).object = 'not an object';
    const enforced = (await post(enforce, noObject)).json();
    expect(enforced.response.allowed).toBe(false);
    expect(enforced.response.status).toMatchObject({ code: 500, reason: 'InternalError' });
    expect(enforced.response.status!.message).toMatch(/^aigis could not evaluate Pod ml-serving\/llm-privileged: the request carries no object; denied, because a finding at or above high could not be ruled out$/);
    const warned = (await post(warn, noObject)).json();
    expect(warned.response.allowed).toBe(true);
    expect(warned.response.warnings![0]).toMatch(/^aigis could not evaluate Pod/);
  });
});

describe('aigis webhook: HTTP', () => {
  it('answers a malformed body with 400 and a message, and keeps serving', async () => {
    const bad = await request(`${enforce}/validate`, { body: '{"apiVersion": "admission.k8s.io/v1", "kind": ', agent });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ kind: 'Status', code: 400 });
    expect(JSON.parse(bad.body).message).toMatch(/^body is not JSON: /);
    const wrongKind = await post(enforce, { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: { uid: 'x' } });
    expect(wrongKind.status).toBe(400);
    expect(JSON.parse(wrongKind.body).message).toBe('expected an admission.k8s.io/v1 AdmissionReview (got apiVersion "admission.k8s.io/v1beta1", kind "AdmissionReview")');
    const noUid = await post(enforce, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { operation: 'CREATE' } });
    expect(noUid.status).toBe(400);
    expect(JSON.parse(noUid.body).message).toBe('request.uid is missing');
    const after = (await post(enforce, admissionReview({ object: privilegedGpuPod() }))).json();
    expect(after.response.allowed).toBe(false);
  });

  it('refuses bodies over the cap, wrong methods, types and paths, and keeps serving', async () => {
    const big = await request(`${enforce}/validate`, { body: Buffer.alloc(2 * 1024 * 1024, 0x20), agent });
    expect(big.status).toBe(413);
    const streamed = await new Promise<number>((resolve, reject) => {
      // No Content-Length: the cap applies as the body arrives.
      const req = https.request(`${enforce}/validate`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 40; i++) req.write(Buffer.alloc(64 * 1024, 0x20));
      req.end();
    });
    expect(streamed).toBe(413);
    expect((await request(`${enforce}/validate`, { method: 'GET', agent })).status).toBe(405);
    expect((await request(`${enforce}/validate`, { body: 'x', headers: { 'content-type': 'text/plain' }, agent })).status).toBe(415);
    expect((await request(`${enforce}/mutate`, { body: '{}', agent })).status).toBe(404);
    const after = (await post(enforce, admissionReview({ object: hardenedGpuPod() }))).json();
    expect(after.response.allowed).toBe(true);
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect((await request(`${enforce}/healthz`, { method: 'GET', agent })).body).toBe('ok\n');
    expect((await request(`${enforce}/readyz`, { method: 'GET', agent })).status).toBe(200);
    await post(enforce, admissionReview({ object: privilegedGpuPod() }));
    const m = await request(`${enforce}/metrics`, { method: 'GET', agent });
    expect(m.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(m.body).toContain('# TYPE aigis_webhook_requests_total counter');
    expect(m.body).toMatch(/^aigis_webhook_requests_total\{decision="denied",kind="Pod",operation="CREATE"\} \d+$/m);
    expect(m.body).toMatch(/^aigis_webhook_denials_total\{rule="[a-z-]*privileged[a-z-]*"\} \d+$/m);
    expect(m.body).toMatch(/^aigis_webhook_http_errors_total\{code="400"\} \d+$/m);
    expect(m.body).toContain('# TYPE aigis_webhook_review_duration_seconds histogram');
    const count = Number(/^aigis_webhook_review_duration_seconds_count (\d+)$/m.exec(m.body)![1]);
    const inf = Number(/^aigis_webhook_review_duration_seconds_bucket\{le="\+Inf"\} (\d+)$/m.exec(m.body)![1]);
    expect(inf).toBe(count);
    expect(count).toBeGreaterThan(0);
  });

  it('reports its processing time in Server-Timing, well inside the API server timeout', async () => {
    const a = await post(enforce, admissionReview({ object: privilegedGpuPod() }));
    const ms = Number(/^review;dur=([\d.]+)$/.exec(String(a.headers['server-timing']))![1]);
    expect(ms).toBeLessThan(1000);
  });

  it('reloads the certificate when its files change', async () => {
    const first = issueCert(ca, 'rotating', 'first.webhook.test');
    const certFile = path.join(certDir, 'tls.crt');
    const keyFile = path.join(certDir, 'tls.key');
    fs.copyFileSync(first.certFile, certFile);
    fs.copyFileSync(first.keyFile, keyFile);
    const { server } = await start({}, { cert: { certFile, keyFile }, reloadIntervalMs: 50 });
    const peer = () =>
      new Promise<string>((resolve, reject) => {
        const s = tls.connect({ host: '127.0.0.1', port: server.port, ca: ca.ca, servername: 'localhost' }, () => {
          resolve(String(s.getPeerCertificate().subject.CN));
          s.end();
        });
        s.on('error', reject);
      });
    expect(await peer()).toBe('first.webhook.test');
    // A half-done rotation (new certificate, old key) keeps the old pair in service.
    const second = issueCert(ca, 'rotating', 'second.webhook.test');
    fs.copyFileSync(second.certFile, certFile);
    await new Promise((r) => setTimeout(r, 200));
    expect(await peer()).toBe('first.webhook.test');
    fs.copyFileSync(second.keyFile, keyFile);
    await new Promise((r) => setTimeout(r, 200));
    expect(await peer()).toBe('second.webhook.test');
    expect(logs.some((l) => l.msg === 'TLS certificate not reloaded')).toBe(true);
    expect(server.metrics.get('tls_reloads_total', { result: 'ok' })).toBe(1);
  });

  it('stops answering ready while draining, but keeps reviewing', async () => {
    const { url, server } = await start();
    server.drain();
    expect((await request(`${url}/readyz`, { method: 'GET', agent })).status).toBe(503);
    expect((await post(url, admissionReview({ object: privilegedGpuPod() }))).json().response.allowed).toBe(false);
  });

  it('logs denials as JSON entries', () => {
    expect(logs.some((l) => l.msg === 'denied' && l.kind === 'Pod' && Array.isArray(l.rules))).toBe(true);
  });
});
