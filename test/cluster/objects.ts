// Objects for the fake API server, shaped as a real cluster holds them: controllers and what they
// made (Deployment → ReplicaSet → Pods with pod-template-hash, StatefulSet and DaemonSet pods with
// controller-revision-hash, CronJob → Job → Pod, AI operators' owned objects), uids and
// ownerReferences, managedFields, status, a service account token volume per pod.

import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;

export function uid(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('/')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function suffix(seed: string, n: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const h = createHash('sha1').update(seed).digest();
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[h[i]! % alphabet.length];
  return out;
}

interface Owner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

function ownerOf(obj: Obj): Owner {
  const m = obj.metadata as Obj;
  return { apiVersion: String(obj.apiVersion), kind: String(obj.kind), name: String(m.name), uid: String(m.uid) };
}

function object(apiVersion: string, kind: string, namespace: string | undefined, name: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string>; owner?: Owner } = {}): Obj {
  const metadata: Obj = { name };
  if (namespace) metadata.namespace = namespace;
  metadata.uid = uid(apiVersion, kind, namespace ?? '', name);
  metadata.creationTimestamp = '2025-06-01T12:00:00Z';
  if (extra.labels) metadata.labels = extra.labels;
  if (extra.annotations) metadata.annotations = extra.annotations;
  if (extra.owner) metadata.ownerReferences = [{ ...extra.owner, controller: true, blockOwnerDeletion: true }];
  // What the server keeps and no rule reads; the audit drops it.
  metadata.managedFields = [
    { manager: extra.owner ? 'kube-controller-manager' : 'kubectl-client-side-apply', operation: 'Update', apiVersion, time: '2025-06-01T12:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } }, 'f:spec': { '.': {} } } },
  ];
  return { apiVersion, kind, metadata };
}

export interface ContainerOptions {
  name: string;
  image: string;
  privileged?: boolean;
  gpus?: number;
  port?: number;
  hardened?: boolean;
  args?: string[];
}

export function container(o: ContainerOptions): Obj {
  const c: Obj = { name: o.name, image: o.image, imagePullPolicy: 'IfNotPresent' };
  if (o.args) c.args = o.args;
  if (o.port) c.ports = [{ name: 'http', containerPort: o.port, protocol: 'TCP' }];
  const limits: Obj = { cpu: '4', memory: '16Gi' };
  if (o.gpus) limits['nvidia.com/gpu'] = String(o.gpus);
  c.resources = { requests: { cpu: '2', memory: '8Gi' }, limits };
  if (o.privileged) c.securityContext = { privileged: true };
  else if (o.hardened) {
    c.securityContext = { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
  }
  c.terminationMessagePath = '/dev/termination-log';
  c.terminationMessagePolicy = 'File';
  return c;
}

export function podSpec(containers: Obj[], extra: Obj = {}): Obj {
  return { containers, restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default', schedulerName: 'default-scheduler', ...extra };
}

/** A running pod made from `template` by a controller (or standalone when no owner). */
function podFrom(namespace: string, name: string, template: Obj, owner: Owner | undefined, node: string, labels: Record<string, string> = {}): Obj {
  const tmeta = (template.metadata ?? {}) as Obj;
  const pod = object('v1', 'Pod', namespace, name, { labels: { ...((tmeta.labels as Record<string, string>) ?? {}), ...labels }, owner });
  if (tmeta.annotations) (pod.metadata as Obj).annotations = tmeta.annotations;
  if (owner) (pod.metadata as Obj).generateName = name.slice(0, name.lastIndexOf('-') + 1);
  const spec = structuredClone(template.spec) as Obj;
  const token = `kube-api-access-${suffix(name, 5)}`;
  spec.nodeName = node;
  spec.volumes = [...((spec.volumes as Obj[]) ?? []), { name: token, projected: { defaultMode: 420, sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] } }];
  spec.containers = (spec.containers as Obj[]).map((c) => ({ ...c, volumeMounts: [...((c.volumeMounts as Obj[]) ?? []), { name: token, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }));
  pod.spec = spec;
  pod.status = {
    phase: 'Running',
    podIP: `10.0.${name.length % 250}.${(name.charCodeAt(0) * 7) % 250}`,
    hostIP: '192.168.1.10',
    startTime: '2025-06-01T12:01:00Z',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2025-06-01T12:01:30Z' }],
    containerStatuses: (spec.containers as Obj[]).map((c) => ({ name: c.name, image: c.image, imageID: `docker.io/library/x@sha256:${createHash('sha256').update(String(c.image)).digest('hex')}`, ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2025-06-01T12:01:10Z' } } })),
  };
  return pod;
}

function template(labels: Record<string, string>, spec: Obj): Obj {
  return { metadata: { labels }, spec };
}

function nodeFor(i: number): string {
  return `node-${(i % 3) + 1}`;
}

/** Deployment → ReplicaSet → pods. `owner` when an operator made the Deployment. */
export function deployment(namespace: string, name: string, spec: Obj, o: { replicas?: number; owner?: Owner; labels?: Record<string, string> } = {}): Obj[] {
  const labels = o.labels ?? { app: name };
  const tpl = template(labels, spec);
  const d = object('apps/v1', 'Deployment', namespace, name, { labels, owner: o.owner });
  const replicas = o.replicas ?? 1;
  d.spec = { replicas, selector: { matchLabels: labels }, template: tpl, strategy: { type: 'RollingUpdate' }, revisionHistoryLimit: 10 };
  d.status = { replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: 1 };
  const hash = suffix(`${namespace}/${name}/template`, 10);
  const rsName = `${name}-${hash}`;
  const rs = object('apps/v1', 'ReplicaSet', namespace, rsName, { labels: { ...labels, 'pod-template-hash': hash }, owner: ownerOf(d) });
  const rsTpl = template({ ...labels, 'pod-template-hash': hash }, spec);
  rs.spec = { replicas, selector: { matchLabels: { ...labels, 'pod-template-hash': hash } }, template: rsTpl };
  rs.status = { replicas, readyReplicas: replicas };
  const pods = Array.from({ length: replicas }, (_, i) => podFrom(namespace, `${rsName}-${suffix(`${rsName}/${i}`, 5)}`, rsTpl, ownerOf(rs), nodeFor(i)));
  return [d, rs, ...pods];
}

export function daemonSet(namespace: string, name: string, spec: Obj, nodes = 3): Obj[] {
  const labels = { 'k8s-app': name };
  const tpl = template(labels, spec);
  const ds = object('apps/v1', 'DaemonSet', namespace, name, { labels });
  ds.spec = { selector: { matchLabels: labels }, template: tpl, updateStrategy: { type: 'RollingUpdate' } };
  const hash = suffix(`${namespace}/${name}/rev`, 10);
  const pods = Array.from({ length: nodes }, (_, i) => podFrom(namespace, `${name}-${suffix(`${name}/${i}`, 5)}`, tpl, ownerOf(ds), nodeFor(i), { 'controller-revision-hash': hash, 'pod-template-generation': '1' }));
  return [ds, ...pods];
}

export function statefulSet(namespace: string, name: string, spec: Obj, o: { replicas?: number; owner?: Owner; labels?: Record<string, string> } = {}): Obj[] {
  const labels = o.labels ?? { app: name };
  const tpl = template(labels, spec);
  const sts = object('apps/v1', 'StatefulSet', namespace, name, { labels, owner: o.owner });
  const replicas = o.replicas ?? 1;
  sts.spec = { replicas, serviceName: name, selector: { matchLabels: labels }, template: tpl };
  const hash = `${name}-${suffix(`${namespace}/${name}/rev`, 10)}`;
  const pods = Array.from({ length: replicas }, (_, i) => podFrom(namespace, `${name}-${i}`, tpl, ownerOf(sts), nodeFor(i), { 'controller-revision-hash': hash, 'statefulset.kubernetes.io/pod-name': `${name}-${i}` }));
  return [sts, ...pods];
}

export function cronJob(namespace: string, name: string, spec: Obj): Obj[] {
  const labels = { app: name };
  const cj = object('batch/v1', 'CronJob', namespace, name, { labels });
  const jobTpl = { metadata: { labels }, spec: { backoffLimit: 2, template: template(labels, { ...spec, restartPolicy: 'OnFailure' }) } };
  cj.spec = { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: jobTpl };
  const job = object('batch/v1', 'Job', namespace, `${name}-29140980`, { labels, owner: ownerOf(cj) });
  job.spec = structuredClone(jobTpl.spec);
  const jobLabels = { ...labels, 'batch.kubernetes.io/job-name': `${name}-29140980`, 'batch.kubernetes.io/controller-uid': String((job.metadata as Obj).uid) };
  const pod = podFrom(namespace, `${name}-29140980-${suffix(name, 5)}`, template(jobLabels, (jobTpl.spec.template as Obj).spec as Obj), ownerOf(job), 'node-1');
  return [cj, job, pod];
}

export function standalonePod(namespace: string, name: string, spec: Obj, labels: Record<string, string> = { run: name }): Obj {
  return podFrom(namespace, name, template(labels, spec), undefined, 'node-2');
}

/** KServe InferenceService and the Deployment its controller makes for the predictor. */
export function inferenceService(namespace: string, name: string, model: Obj, replicas = 2): Obj[] {
  const isvc = object('serving.kserve.io/v1beta1', 'InferenceService', namespace, name);
  isvc.spec = { predictor: { minReplicas: replicas, model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://meta-llama/Llama-3.1-8B-Instruct', ...model } } };
  isvc.status = { url: `http://${name}.${namespace}.example.com`, conditions: [{ type: 'Ready', status: 'True' }] };
  const labels = { app: `isvc.${name}-predictor`, component: 'predictor', 'serving.kserve.io/inferenceservice': name };
  const spec = podSpec([{ ...model, name: 'kserve-container' }, container({ name: 'queue-proxy', image: 'gcr.io/knative-releases/knative.dev/serving/cmd/queue:v1.15.2', port: 8012, hardened: true })]);
  return [isvc, ...deployment(namespace, `${name}-predictor`, spec, { replicas, owner: ownerOf(isvc), labels })];
}

/** RayService → RayCluster → head and worker pods (made directly, no template hash label). */
export function rayService(namespace: string, name: string, head: Obj, worker: Obj, workers = 3): Obj[] {
  const headTpl = template({ 'ray.io/node-type': 'head' }, podSpec([head]));
  const workerTpl = template({ 'ray.io/node-type': 'worker' }, podSpec([worker]));
  const clusterSpec = { rayVersion: '2.40.0', headGroupSpec: { rayStartParams: { 'dashboard-host': '0.0.0.0' }, template: headTpl }, workerGroupSpecs: [{ groupName: 'gpu-workers', replicas: workers, minReplicas: 1, maxReplicas: 8, rayStartParams: {}, template: workerTpl }] };
  const svc = object('ray.io/v1', 'RayService', namespace, name);
  svc.spec = { serveConfigV2: 'applications: []\n', rayClusterConfig: clusterSpec };
  const rcName = `${name}-raycluster-${suffix(name, 5)}`;
  const rc = object('ray.io/v1', 'RayCluster', namespace, rcName, { labels: { 'ray.io/originated-from-crd': 'RayService' }, owner: ownerOf(svc) });
  rc.spec = structuredClone(clusterSpec);
  const base = { 'ray.io/cluster': rcName, 'app.kubernetes.io/created-by': 'kuberay-operator' };
  const pods = [podFrom(namespace, `${rcName}-head-${suffix(`${rcName}/head`, 5)}`, headTpl, ownerOf(rc), 'node-1', { ...base, 'ray.io/group': 'headgroup' })];
  for (let i = 0; i < workers; i++) {
    pods.push(podFrom(namespace, `${rcName}-gpu-workers-worker-${suffix(`${rcName}/w${i}`, 5)}`, workerTpl, ownerOf(rc), nodeFor(i), { ...base, 'ray.io/group': 'gpu-workers' }));
  }
  return [svc, rc, ...pods];
}

/** Kubeflow PyTorchJob: the training operator makes the pods itself. */
export function pyTorchJob(namespace: string, name: string, master: Obj, worker: Obj, workers = 2): Obj[] {
  const job = object('kubeflow.org/v1', 'PyTorchJob', namespace, name);
  const masterTpl = template({}, podSpec([master], { restartPolicy: 'OnFailure' }));
  const workerTpl = template({}, podSpec([worker], { restartPolicy: 'OnFailure' }));
  job.spec = { pytorchReplicaSpecs: { Master: { replicas: 1, restartPolicy: 'OnFailure', template: masterTpl }, Worker: { replicas: workers, restartPolicy: 'OnFailure', template: workerTpl } } };
  const labels = (type: string, i: number) => ({ 'training.kubeflow.org/job-name': name, 'training.kubeflow.org/replica-type': type, 'training.kubeflow.org/replica-index': String(i) });
  const pods = [podFrom(namespace, `${name}-master-0`, masterTpl, ownerOf(job), 'node-1', labels('master', 0))];
  for (let i = 0; i < workers; i++) pods.push(podFrom(namespace, `${name}-worker-${i}`, workerTpl, ownerOf(job), nodeFor(i), labels('worker', i)));
  return [job, ...pods];
}

/** Kubeflow Notebook → StatefulSet → pod. */
export function notebook(namespace: string, name: string, c: Obj): Obj[] {
  const nb = object('kubeflow.org/v1', 'Notebook', namespace, name);
  const spec = podSpec([c]);
  nb.spec = { template: { spec } };
  return [nb, ...statefulSet(namespace, name, spec, { owner: ownerOf(nb), labels: { 'notebook-name': name, statefulset: name } })];
}

export function namespace(name: string, labels: Record<string, string> = {}): Obj {
  const ns = object('v1', 'Namespace', undefined, name, { labels: { 'kubernetes.io/metadata.name': name, ...labels } });
  ns.spec = { finalizers: ['kubernetes'] };
  ns.status = { phase: 'Active' };
  return ns;
}

export function service(namespace: string, name: string, selector: Record<string, string>, type = 'ClusterIP', port = 80, targetPort = 8000): Obj {
  const s = object('v1', 'Service', namespace, name);
  s.spec = { type, selector, ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }], clusterIP: '10.96.12.34', sessionAffinity: 'None' };
  s.status = type === 'LoadBalancer' ? { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } : { loadBalancer: {} };
  return s;
}

function serviceAccount(namespace: string, name: string): Obj {
  return object('v1', 'ServiceAccount', namespace, name);
}

const VLLM = 'vllm/vllm-openai:v0.6.3';

/** A small, varied cluster: AI workloads with their owner chains, a privileged DaemonSet in kube-system, RBAC, a Secret. */
export function realisticCluster(): Obj[] {
  const hardened = (name: string, image: string, port?: number) => container({ name, image, port, hardened: true });
  const out: Obj[] = [
    namespace('default'),
    namespace('kube-system'),
    namespace('ml-serving', { 'pod-security.kubernetes.io/enforce': 'baseline' }),
    namespace('ml-training'),
    namespace('notebooks'),
    ...['node-1', 'node-2', 'node-3'].map((n) => object('v1', 'Node', undefined, n, { labels: { 'kubernetes.io/hostname': n, 'nvidia.com/gpu.present': 'true' } })),
  ];
  for (const ns of ['default', 'kube-system', 'ml-serving', 'ml-training', 'notebooks']) out.push(serviceAccount(ns, 'default'));

  // kube-system: a hardened Deployment and a privileged node agent.
  out.push(...deployment('kube-system', 'coredns', podSpec([hardened('coredns', 'registry.k8s.io/coredns/coredns:v1.11.3', 53)]), { replicas: 2, labels: { 'k8s-app': 'kube-dns' } }));
  out.push(...daemonSet('kube-system', 'kube-proxy', podSpec([container({ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.4', privileged: true })], { hostNetwork: true })));

  // ml-serving: a privileged GPU model server behind a public load balancer, and a KServe model.
  out.push(...deployment('ml-serving', 'vllm', podSpec([container({ name: 'vllm', image: VLLM, privileged: true, gpus: 1, port: 8000, args: ['--model', 'meta-llama/Llama-3.1-8B-Instruct'] })]), { replicas: 3 }));
  out.push(service('ml-serving', 'vllm', { app: 'vllm' }, 'LoadBalancer'));
  const ing = object('networking.k8s.io/v1', 'Ingress', 'ml-serving', 'vllm');
  ing.spec = { ingressClassName: 'nginx', rules: [{ host: 'llm.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'vllm', port: { number: 80 } } } }] } }] };
  out.push(ing);
  out.push(...inferenceService('ml-serving', 'llama', container({ name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.14.1', privileged: true, gpus: 1, port: 8080 })));
  out.push(serviceAccount('ml-serving', 'vllm'));
  const secret = object('v1', 'Secret', 'ml-serving', 'hf-token');
  secret.type = 'Opaque';
  secret.data = { HF_TOKEN: Buffer.from('hf_FAKEfakeFAKEfakeFAKEfakeFAKEfake12').toString('base64') };
  out.push(secret);
  const cm = object('v1', 'ConfigMap', 'ml-serving', 'vllm-config');
  cm.data = { 'config.yaml': 'max_model_len: 8192\n' };
  out.push(cm);

  // ml-training: Ray, PyTorch and a nightly CronJob.
  out.push(...rayService('ml-training', 'chat', container({ name: 'ray-head', image: 'rayproject/ray-ml:2.40.0-gpu', privileged: true, port: 8265 }), container({ name: 'ray-worker', image: 'rayproject/ray-ml:2.40.0-gpu', gpus: 1 })));
  out.push(...pyTorchJob('ml-training', 'train-llama', container({ name: 'pytorch', image: 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', gpus: 1 }), container({ name: 'pytorch', image: 'pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime', gpus: 1, privileged: true })));
  out.push(...cronJob('ml-training', 'nightly-eval', podSpec([hardened('eval', 'ghcr.io/example/eval:1.4.2')])));
  const netpol = object('networking.k8s.io/v1', 'NetworkPolicy', 'ml-training', 'default-deny');
  netpol.spec = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
  out.push(netpol);

  // notebooks: a privileged notebook.
  out.push(...notebook('notebooks', 'alice', container({ name: 'alice', image: 'kubeflownotebookswg/jupyter-pytorch-cuda-full:v1.9.0', privileged: true, port: 8888 })));

  // default: a standalone privileged GPU debug pod and a hardened toolbox.
  out.push(standalonePod('default', 'debug-gpu', podSpec([container({ name: 'debug', image: 'nvidia/cuda:12.4.1-base-ubuntu22.04', privileged: true, gpus: 1 })], { restartPolicy: 'Never' })));
  out.push(standalonePod('default', 'toolbox', podSpec([hardened('toolbox', 'ghcr.io/example/toolbox:2.1.0')], { restartPolicy: 'Never' })));

  // RBAC
  const cr = object('rbac.authorization.k8s.io/v1', 'ClusterRole', undefined, 'model-admin');
  cr.rules = [{ apiGroups: ['serving.kserve.io'], resources: ['*'], verbs: ['*'] }];
  const crb = object('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', undefined, 'model-admin');
  crb.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'model-admin' };
  crb.subjects = [{ kind: 'ServiceAccount', name: 'vllm', namespace: 'ml-serving' }];
  const role = object('rbac.authorization.k8s.io/v1', 'Role', 'ml-serving', 'reader');
  role.rules = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }];
  const rb = object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'ml-serving', 'reader');
  rb.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' };
  rb.subjects = [{ kind: 'ServiceAccount', name: 'default', namespace: 'ml-serving' }];
  out.push(cr, crb, role, rb);
  return out;
}

/**
 * The scale test: `namespaces` namespaces, each with `deployments` Deployments of `replicas` pods
 * (one privileged container per template) and a Service.
 */
export function scaleCluster(namespaces: number, deployments: number, replicas: number): Obj[] {
  const out: Obj[] = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${String(n).padStart(3, '0')}`;
    out.push(namespace(ns), serviceAccount(ns, 'default'));
    for (let d = 0; d < deployments; d++) {
      const name = `model-${d}`;
      const spec = podSpec([
        container({ name: 'server', image: VLLM, privileged: true, gpus: 1, port: 8000, args: ['--model', 'Qwen/Qwen2.5-7B-Instruct', '--port', '8000'] }),
        container({ name: 'metrics', image: 'ghcr.io/example/metrics-sidecar:1.2.0', port: 9100, hardened: true }),
      ]);
      out.push(...deployment(ns, name, spec, { replicas }));
    }
    out.push(service(ns, 'models', { tier: 'models' }));
  }
  return out;
}
