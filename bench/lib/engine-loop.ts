// In-process loops over the shared engine (src/engine/scan.ts evaluateLoaded), for
// bench/engine.mjs (bundled by it with esbuild, like the CLI, so that the precompiled catalogue
// in dist/ is used). No HTTP, TLS or process start: only the per-object cost the webhook, the
// cluster audit and every scan pay.
//
//   node bench/out/engine-loop.mjs reviews N     N admission reviews (the bench/webhook.mjs mix)
//   node bench/out/engine-loop.mjs scan DIR N    load DIR once, then evaluate it N times
//
// Prints one JSON line: { what, count, cpuMs, wallMs, perItemUs, findings }.

import { discover } from '../../src/loaders/discover.js';
import { evaluateLoaded, loadInputs } from '../../src/engine/scan.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';
import { Reviewer, type AdmissionRequest } from '../../src/webhook/review.js';

type Obj = Record<string, unknown>;

const DIGEST = 'sha256:3f1c5e7b9d2a4c6e8f0a1b3d5c7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e';
const hardened = { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const podSpec = (securityContext: Obj): Obj => ({
  automountServiceAccountToken: false,
  containers: [
    {
      name: 'vllm',
      image: `vllm/vllm-openai:v0.6.3@${DIGEST}`,
      args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct', '--port', '8000'],
      ports: [{ containerPort: 8000, name: 'http' }],
      env: [{ name: 'HF_HOME', value: '/models' }],
      resources: { requests: { cpu: '4', memory: '16Gi' }, limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' } },
      volumeMounts: [{ name: 'models', mountPath: '/models', readOnly: true }],
      securityContext,
    },
  ],
  volumes: [{ name: 'models', persistentVolumeClaim: { claimName: 'models', readOnly: true } }],
});
const pod = (name: string, sc: Obj): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ml-serving', labels: { app: name } }, spec: podSpec(sc) });
const deployment = (name: string, sc: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ml-serving', labels: { app: name } },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec(sc) } },
});
const GVK: Record<string, [string, string]> = { Pod: ['', 'v1'], Deployment: ['apps', 'v1'], Service: ['', 'v1'], ConfigMap: ['', 'v1'], InferenceService: ['serving.kserve.io', 'v1beta1'] };
function request(object: Obj | null, operation = 'CREATE', oldObject: Obj | null = null): AdmissionRequest {
  const subject = (object ?? oldObject)!;
  const [group, version] = GVK[subject.kind as string]!;
  const meta = subject.metadata as Obj;
  return { uid: 'u', kind: { group, version, kind: subject.kind as string }, operation, name: meta.name as string, namespace: meta.namespace as string, object, oldObject };
}
// The mix of bench/webhook.mjs (the DELETE is answered before evaluation, as there).
const relabelled = deployment('llm', { privileged: true });
(relabelled.metadata as Obj).labels = { app: 'llm', team: 'search' };
const MIX: AdmissionRequest[] = [
  request(pod('llm', { privileged: true })),
  request(pod('llm', hardened)),
  request(deployment('llm', { privileged: true })),
  request(deployment('llm', hardened)),
  request({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'llama', namespace: 'ml-serving' }, spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, image: `kserve/huggingfaceserver:v0.14.1@${DIGEST}`, securityContext: { privileged: true } } } } }),
  request({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'llm', namespace: 'ml-serving' }, spec: { type: 'ClusterIP', selector: { app: 'llm' }, ports: [{ port: 80, targetPort: 8000 }] } }),
  request(relabelled, 'UPDATE', deployment('llm', { privileged: true })),
  request(pod('llm', { privileged: true })),
  request(null, 'DELETE', pod('llm', { privileged: true })),
  request({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ml-serving' }, data: { a: 'b' } }),
];

const [what, a, b] = process.argv.slice(2);
const catalogue = await loadCatalogue();
const measure = (count: number, body: () => number) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const findings = body();
  const used = process.cpuUsage(c0);
  const cpuMs = (used.user + used.system) / 1000;
  return { what, count, cpuMs: Math.round(cpuMs), wallMs: Math.round(performance.now() - t0), perItemUs: Math.round((cpuMs * 1000) / count), findings };
};

if (what === 'reviews') {
  const n = Number(a ?? 20000);
  const reviewer = new Reviewer({ catalogue, mode: 'enforce', failOn: 'high', warnOn: 'low', allowInlineSuppressions: false, denyExisting: false, clusterName: 'admission' });
  // Warm-up, as the webhook bench does.
  for (let i = 0; i < 2000; i++) reviewer.review(MIX[i % MIX.length]!);
  console.log(JSON.stringify(measure(n, () => {
    let findings = 0;
    for (let i = 0; i < n; i++) findings += reviewer.review(MIX[i % MIX.length]!).findings.length;
    return findings;
  })));
} else if (what === 'scan') {
  const dir = a!;
  const n = Number(b ?? 10);
  const found = discover([dir], { cwd: process.cwd() });
  const loaded = await loadInputs(found.inputs, { catalogue });
  const { stats } = evaluateLoaded(loaded, { catalogue });
  console.log(JSON.stringify({ ...measure(n, () => {
    let findings = 0;
    for (let i = 0; i < n; i++) findings += evaluateLoaded(loaded, { catalogue }).findings.length;
    return findings;
  }), objects: loaded.documents.length, subjects: stats.subjects }));
} else {
  throw new Error('usage: engine-loop.mjs reviews N | scan DIR N');
}
