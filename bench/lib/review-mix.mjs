// The AdmissionReview mix of the webhook benches (bench/webhook.mjs over HTTPS, and
// bench/lib/engine-loop.ts in process): CREATE of a privileged and a hardened GPU pod and
// Deployment, a KServe InferenceService, a Service; an UPDATE with oldObject; a dry run; a DELETE
// and a ConfigMap (allowed at once). Each body's uid is `@UID@`, for the sender to replace.

const DIGEST = 'sha256:3f1c5e7b9d2a4c6e8f0a1b3d5c7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e';
const hardened = { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
const podSpec = (securityContext) => ({
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
const pod = (name, sc) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ml-serving', labels: { app: name } }, spec: podSpec(sc) });
const deployment = (name, sc) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ml-serving', labels: { app: name } },
  spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: podSpec(sc) } },
});
const gvk = {
  Pod: ['', 'v1', 'pods'],
  Deployment: ['apps', 'v1', 'deployments'],
  Service: ['', 'v1', 'services'],
  ConfigMap: ['', 'v1', 'configmaps'],
  InferenceService: ['serving.kserve.io', 'v1beta1', 'inferenceservices'],
};
function review(object, { operation = 'CREATE', oldObject = null, dryRun = false } = {}) {
  const subject = object ?? oldObject;
  const [group, version, resource] = gvk[subject.kind];
  return {
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: '@UID@',
      kind: { group, version, kind: subject.kind },
      resource: { group, version, resource },
      requestKind: { group, version, kind: subject.kind },
      requestResource: { group, version, resource },
      name: subject.metadata.name,
      namespace: subject.metadata.namespace,
      operation,
      userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts', 'system:authenticated'] },
      object,
      oldObject,
      dryRun,
      options: { kind: `${operation === 'DELETE' ? 'Delete' : operation === 'UPDATE' ? 'Update' : 'Create'}Options`, apiVersion: 'meta.k8s.io/v1' },
    },
  };
}
const relabelled = deployment('llm', { privileged: true });
relabelled.metadata.labels.team = 'search';
/** `allowed` is what enforce mode must answer. */
export const MIX = [
  { name: 'privileged GPU pod', allowed: false, body: review(pod('llm', { privileged: true })) },
  { name: 'hardened GPU pod', allowed: true, body: review(pod('llm', hardened)) },
  { name: 'privileged Deployment', allowed: false, body: review(deployment('llm', { privileged: true })) },
  { name: 'hardened Deployment', allowed: true, body: review(deployment('llm', hardened)) },
  { name: 'privileged InferenceService', allowed: false, body: review({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'llama', namespace: 'ml-serving' }, spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, image: `kserve/huggingfaceserver:v0.14.1@${DIGEST}`, securityContext: { privileged: true } } } } }) },
  { name: 'ClusterIP Service', allowed: true, body: review({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'llm', namespace: 'ml-serving' }, spec: { type: 'ClusterIP', selector: { app: 'llm' }, ports: [{ port: 80, targetPort: 8000 }] } }) },
  { name: 'UPDATE keeping a finding', allowed: true, body: review(relabelled, { operation: 'UPDATE', oldObject: deployment('llm', { privileged: true }) }) },
  { name: 'dry-run privileged pod', allowed: false, body: review(pod('llm', { privileged: true }), { dryRun: true }) },
  { name: 'DELETE', allowed: true, body: review(null, { operation: 'DELETE', oldObject: pod('llm', { privileged: true }) }) },
  { name: 'ConfigMap', allowed: true, body: review({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ml-serving' }, data: { a: 'b' } }) },
];
