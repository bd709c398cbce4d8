// Property tests of AdmissionReview handling: envelopes with fields of any type, Kubernetes-
// shaped objects (and old objects) whose fields hold anything, every operation and subresource;
// and raw bodies (truncated JSON, random bytes, invalid UTF-8, NUL, BOMs) sent to the running
// HTTPS server. Whatever arrives: parsing never throws; a review always answers for the
// request's uid, in time; in enforce mode an object that could not be evaluated is never
// allowed; no answer carries a secret the object held; and the server keeps serving /healthz.

import https from 'node:https';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reviewer, parseReview, type ReviewOutcome } from '../../src/webhook/review.js';
import { WebhookServer } from '../../src/webhook/server.js';
import { testCatalogue } from '../helpers/scan.js';
import { issueCert, makeCa } from '../helpers/tls.js';
import { request } from '../webhook/admission.js';
import { applyDamage, damage, kubernetesObject, weird } from './arbitraries.js';
import { fuzz, timed } from './bounds.js';

const REVIEW_MS = 2000;
const SECRETS = ['hf_AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'sk-' + 'x'.repeat(48), 'ghp_' + 'A'.repeat(36), 'sk-' + 'y'.repeat(40)];

const gvk = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(['', 'v1', 'Pod'], ['apps', 'v1', 'Deployment'], ['', 'v1', 'Service'], ['networking.k8s.io', 'v1', 'Ingress'], ['serving.kserve.io', 'v1beta1', 'InferenceService'], ['batch', 'v1', 'CronJob'], ['', 'v1', 'ConfigMap'], ['ray.io', 'v1', 'RayCluster']) },
  { weight: 1, arbitrary: fc.tuple(weird, weird, weird) },
);

const envelope = fc
  .record({
    apiVersion: fc.oneof({ weight: 8, arbitrary: fc.constant('admission.k8s.io/v1') }, { weight: 1, arbitrary: fc.constantFrom('admission.k8s.io/v1beta1', 'admission.k8s.io/v2', '') }, { weight: 1, arbitrary: weird }),
    kind: fc.oneof({ weight: 8, arbitrary: fc.constant('AdmissionReview') }, { weight: 1, arbitrary: weird }),
    uid: fc.oneof({ weight: 8, arbitrary: fc.uuid() }, { weight: 1, arbitrary: weird }),
    operation: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT') }, { weight: 1, arbitrary: weird }),
    gvk,
    subResource: fc.option(fc.oneof(fc.constantFrom('status', 'ephemeralcontainers', 'scale', 'exec'), weird), { nil: undefined, freq: 4 }),
    namespace: fc.option(fc.oneof(fc.constantFrom('ml', 'default'), weird), { nil: undefined }),
    name: fc.option(fc.oneof(fc.constantFrom('x', ''), weird), { nil: undefined }),
    object: fc.oneof({ weight: 6, arbitrary: kubernetesObject }, { weight: 1, arbitrary: weird }),
    oldObject: fc.option(fc.oneof(kubernetesObject, weird), { nil: undefined }),
    dryRun: fc.option(weird, { nil: undefined }),
  })
  .map((e) => {
    const [group, version, kind] = e.gvk as [unknown, unknown, unknown];
    const request: Record<string, unknown> = { uid: e.uid, kind: { group, version, kind }, resource: { group, version, resource: 'x' }, operation: e.operation, object: e.object };
    for (const k of ['subResource', 'namespace', 'name', 'oldObject', 'dryRun'] as const) if (e[k] !== undefined) request[k] = e[k];
    return { apiVersion: e.apiVersion, kind: e.kind, request };
  });

let enforce: Reviewer;
let warn: Reviewer;

beforeAll(async () => {
  const catalogue = await testCatalogue();
  const base = { catalogue, failOn: 'high' as const, warnOn: 'low' as const, allowInlineSuppressions: false, denyExisting: false, clusterName: 'fuzz' };
  enforce = new Reviewer({ ...base, mode: 'enforce' });
  warn = new Reviewer({ ...base, mode: 'warn' });
});

function checkOutcome(o: ReviewOutcome, uid: string, mode: 'enforce' | 'warn'): void {
  expect(o.response.uid).toBe(uid);
  expect(['allowed', 'denied', 'warned', 'skipped', 'error']).toContain(o.decision);
  // Never "allowed" for what could not be evaluated while --fail-on could have denied it.
  if (o.decision === 'error' && mode === 'enforce') expect(o.response.allowed).toBe(false);
  if (o.decision === 'denied') expect(o.response.allowed).toBe(false);
  const text = JSON.stringify(o.response);
  for (const s of SECRETS) expect(text).not.toContain(s);
  for (const w of o.response.warnings ?? []) {
    expect(w.length).toBeLessThanOrEqual(240);
    expect(w).not.toMatch(/[\u0000-\u001f]/);
  }
  expect(o.response.warnings?.length ?? 0).toBeLessThanOrEqual(11);
}

/** A review of `object` as a Pod (or `kind`), for the examples every run starts with. */
function example(object: unknown, kind = ['', 'v1', 'Pod'], operation = 'CREATE'): [Record<string, unknown>] {
  const [group, version, k] = kind;
  return [{ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'c0ffee00-0000-4000-8000-000000000001', kind: { group, version, kind: k }, resource: { group, version, resource: 'x' }, operation, namespace: 'ml', object } }];
}

// Each kind of answer at least once, whatever the random runs reach.
const EXAMPLES = [
  example({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ml' }, spec: { containers: [{ name: 'c', image: 'vllm/vllm-openai:v0.8.5', securityContext: { privileged: true } }] } }),
  example({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml' }, data: { a: 'b' } }, ['', 'v1', 'ConfigMap']),
  example(42),
];

describe('AdmissionReview bodies', () => {
  it('envelopes and objects with fields of any type: an answer for the uid, in time, fail closed, no secret', async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(envelope, async (review) => {
        const parsed = parseReview(JSON.stringify(review));
        if ('error' in parsed) {
          expect(parsed.error.length).toBeGreaterThan(0);
          return;
        }
        for (const [reviewer, mode] of [[enforce, 'enforce'], [warn, 'warn']] as const) {
          const { value: outcome, ms } = await timed(() => reviewer.review(parsed.request));
          expect(ms).toBeLessThan(REVIEW_MS);
          checkOutcome(outcome, parsed.request.uid, mode);
          seen.add(`${mode} ${outcome.decision}`);
        }
      }),
      { ...fuzz(300), examples: EXAMPLES },
    );
    // Every kind of answer was checked (else this property would prove little).
    expect([...seen].sort()).toEqual(expect.arrayContaining(['enforce denied', 'enforce skipped', 'warn warned', 'enforce error']));
  }, 240_000);

  it('damaged JSON text never makes parsing throw', async () => {
    await fc.assert(
      fc.property(envelope, damage, (review, ops) => {
        const text = applyDamage(Buffer.from(JSON.stringify(review)), ops, false).toString('utf8');
        const parsed = parseReview(text);
        if (!('error' in parsed)) checkOutcome(enforce.review(parsed.request), parsed.request.uid, 'enforce');
      }),
      fuzz(300),
    );
  }, 120_000);
});

describe('the HTTPS server under hostile bodies', () => {
  let server: WebhookServer;
  let agent: https.Agent;
  let url: string;

  beforeAll(async () => {
    const ca = makeCa();
    const cert = issueCert(ca);
    agent = new https.Agent({ ca: ca.ca, keepAlive: true, maxSockets: 4 });
    server = await WebhookServer.start({ host: '127.0.0.1', port: 0, tlsCert: cert.certFile, tlsKey: cert.keyFile, reloadIntervalMs: 60_000, maxBodyBytes: 256 * 1024, reviewer: enforce, log: () => undefined });
    url = `https://127.0.0.1:${server.port}`;
  });

  afterAll(async () => {
    agent.destroy();
    await server.close();
  });

  it('answers every body with a review or a 4xx Status, and stays healthy', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(envelope.map((e) => Buffer.from(JSON.stringify(e))), fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a))), damage, async (body, ops) => {
        const sent = applyDamage(body, ops, false);
        const a = await request(`${url}/validate?timeout=10s`, { body: sent, agent });
        expect([200, 400, 413]).toContain(a.status);
        const json = JSON.parse(a.body) as Record<string, unknown>;
        if (a.status === 200) expect((json.response as { uid?: unknown }).uid).toBeDefined();
        else expect(json).toMatchObject({ kind: 'Status', code: a.status });
      }),
      fuzz(100),
    );
    expect((await request(`${url}/healthz`, { method: 'GET', agent })).body).toBe('ok\n');
  }, 120_000);
});
