// Deterministic generator of a manifest corpus for bench/manifests.mjs: N Kubernetes objects
// (a mix of core workloads, Services, ConfigMaps, RBAC and AI custom resources), about half of
// them carrying a weakness, written as files of very different sizes (single objects, small
// multi-document files, Helm-rendered streams, large `kubectl get -o yaml`-like dumps) in the
// spellings people actually write: both sequence indentation styles, quoted and plain strings,
// flow sequences, comments, block scalars, `# Source:` comments, the odd CRLF file and anchor.

import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: a small seeded PRNG, so that a corpus is the same on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['meta-llama/Llama-3.1-8B-Instruct', 'mistralai/Mistral-7B-Instruct-v0.3', 'Qwen/Qwen2.5-14B', 'google/gemma-2-9b-it', 'BAAI/bge-large-en-v1.5', 'microsoft/phi-3-mini-4k'];
const SERVERS = [
  { name: 'vllm', image: 'vllm/vllm-openai', tags: ['v0.6.3', 'v0.7.2', 'v0.8.4'], port: 8000 },
  { name: 'tgi', image: 'ghcr.io/huggingface/text-generation-inference', tags: ['2.4.0', '3.0.1'], port: 80 },
  { name: 'ollama', image: 'ollama/ollama', tags: ['0.5.7', '0.6.2'], port: 11434 },
  { name: 'triton', image: 'nvcr.io/nvidia/tritonserver', tags: ['24.08-py3', '24.12-py3'], port: 8000 },
  { name: 'tei', image: 'ghcr.io/huggingface/text-embeddings-inference', tags: ['1.5', '1.6'], port: 8080 },
];
const VECTOR_DBS = [
  { name: 'qdrant', image: 'qdrant/qdrant', tags: ['v1.12.4'], port: 6333 },
  { name: 'milvus', image: 'milvusdb/milvus', tags: ['v2.4.15'], port: 19530 },
  { name: 'weaviate', image: 'semitechnologies/weaviate', tags: ['1.27.2'], port: 8080 },
];
const GPUS = ['nvidia.com/gpu', 'nvidia.com/gpu', 'nvidia.com/gpu', 'amd.com/gpu', 'nvidia.com/mig-1g.10gb'];
const TEAMS = ['ml-platform', 'search', 'recsys', 'research', 'inference'];

/** A string that must be written quoted in YAML 1.1 (or it would read as another type or break). */
const NEEDS_QUOTES = /^(?:|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|n|N|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\d[\d_]*)?\.?\d[\d_.:eE+-]*|0x[0-9a-fA-F_]+|0o?[0-7_]+|0b[01_]+|\.inf|\.nan|[-+]?\.inf)$|^[\s?:,[\]{}#&*!|>'"%@`]|^-(?:\s|$)|^---|[\s:]$|: | #|\t|\n/;

class Writer {
  constructor(rnd, style) {
    this.rnd = rnd;
    this.style = style;
    this.lines = [];
  }

  str(s) {
    const { quote } = this.style;
    if (NEEDS_QUOTES.test(s) || quote === 'double') return JSON.stringify(s);
    if (quote === 'single' && /^[\x20-\x7e]*$/.test(s)) return `'${s.replace(/'/g, "''")}'`;
    return s;
  }

  scalar(v) {
    if (v === null) return this.style.nullTilde ? '~' : 'null';
    if (typeof v === 'boolean') return this.style.bool11 ? (v ? 'yes' : 'no') : String(v);
    if (typeof v === 'number') return String(v);
    return this.str(v);
  }

  key(k) {
    return NEEDS_QUOTES.test(k) ? JSON.stringify(k) : k;
  }

  isScalar(v) {
    return v === null || typeof v !== 'object';
  }

  flow(v) {
    if (Array.isArray(v)) return `[${v.map((x) => this.flow(x)).join(', ')}]`;
    if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${this.key(k)}: ${this.flow(x)}`).join(', ')}}`;
    if (typeof v === 'string' && /[,[\]{}]/.test(v)) return JSON.stringify(v);
    return this.scalar(v);
  }

  /** Emit `value` as the body of a block node at `indent`; `first` is the text before the first line. */
  map(obj, indent, first = null) {
    const pad = ' '.repeat(indent);
    let lead = first;
    for (const [k, v] of Object.entries(obj)) {
      const head = lead ?? pad;
      lead = null;
      if (this.style.comments && this.rnd() < 0.02) this.lines.push(`${pad}# ${k} (see runbook)`);
      if (this.isScalar(v)) {
        if (typeof v === 'string' && v.includes('\n')) {
          this.lines.push(`${head}${this.key(k)}: |`);
          for (const l of v.replace(/\n$/, '').split('\n')) this.lines.push(l ? `${pad}  ${l}` : '');
        } else {
          this.lines.push(`${head}${this.key(k)}: ${this.scalar(v)}${this.style.comments && this.rnd() < 0.01 ? '  # pinned' : ''}`);
        }
      } else if (Array.isArray(v) && v.length === 0) this.lines.push(`${head}${this.key(k)}: []`);
      else if (!Array.isArray(v) && Object.keys(v).length === 0) this.lines.push(`${head}${this.key(k)}: {}`);
      else if (this.style.flowShort && Array.isArray(v) && v.every((x) => typeof x === 'string') && v.length <= 6) {
        this.lines.push(`${head}${this.key(k)}: ${this.flow(v)}`);
      } else if (this.style.flowShort && !Array.isArray(v) && Object.values(v).every((x) => this.isScalar(x)) && Object.keys(v).length <= 2) {
        this.lines.push(`${head}${this.key(k)}: ${this.flow(v)}`);
      } else if (Array.isArray(v)) {
        this.lines.push(`${head}${this.key(k)}:`);
        this.seq(v, indent + this.style.seqIndent);
      } else {
        this.lines.push(`${head}${this.key(k)}:`);
        this.map(v, indent + 2);
      }
    }
  }

  seq(arr, indent) {
    const pad = ' '.repeat(indent);
    for (const v of arr) {
      if (this.isScalar(v)) this.lines.push(`${pad}- ${this.scalar(v)}`);
      else if (Array.isArray(v)) {
        this.lines.push(`${pad}- ${this.flow(v)}`);
      } else this.map(v, indent + 2, `${pad}- `);
    }
  }
}

function pick(rnd, list) {
  return list[Math.floor(rnd() * list.length)];
}

function resources(rnd, gpu, weak) {
  if (weak.has('no-limits')) return { requests: { cpu: '500m', memory: '1Gi' } };
  const r = { limits: { memory: `${8 * (1 + Math.floor(rnd() * 8))}Gi` } };
  if (gpu) r.limits[gpu] = 1 + Math.floor(rnd() * 4);
  if (rnd() < 0.3) r.requests = { cpu: String(1 + Math.floor(rnd() * 8)) };
  return r;
}

function securityContext(weak) {
  if (weak.has('privileged')) return { privileged: true };
  if (weak.has('caps')) return { capabilities: { add: ['SYS_ADMIN', 'NET_ADMIN'] } };
  if (weak.has('root')) return { runAsUser: 0, allowPrivilegeEscalation: true };
  return { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
}

function container(rnd, name, server, weak, gpu) {
  const tag = weak.has('latest') ? 'latest' : pick(rnd, server.tags);
  const model = pick(rnd, MODELS);
  const c = {
    name,
    image: `${server.image}:${tag}`,
    imagePullPolicy: 'IfNotPresent',
    args: rnd() < 0.5 ? ['--model', model] : ['--model', model, '--port', String(server.port)],
    ports: [{ name: 'http', containerPort: server.port, protocol: 'TCP' }],
    env: [
      { name: 'HF_HOME', value: '/models/cache' },
      weak.has('secret-literal') ? { name: 'HF_TOKEN', value: `hf_${Math.floor(rnd() * 1e12).toString(36)}abcdefghijklmnop` } : { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } },
    ],
    resources: resources(rnd, gpu, weak),
    securityContext: securityContext(weak),
  };
  if (weak.has('host-path') || rnd() < 0.4) c.volumeMounts = [{ name: 'models', mountPath: '/models' }];
  if (rnd() < 0.5) delete c.imagePullPolicy;
  if (rnd() < 0.3) c.readinessProbe = { httpGet: { path: '/health', port: server.port }, periodSeconds: 10 };
  return c;
}

function podSpec(rnd, containers, weak) {
  const spec = {};
  if (weak.has('host-network')) spec.hostNetwork = true;
  if (rnd() < 0.4) spec.serviceAccountName = 'inference';
  if (rnd() < 0.3) spec.nodeSelector = { 'nvidia.com/gpu.present': 'true' };
  if (rnd() < 0.4) spec.tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
  spec.containers = containers;
  if (containers.some((c) => c.volumeMounts)) {
    spec.volumes = [weak.has('host-path') ? { name: 'models', hostPath: { path: '/var/lib/models', type: 'DirectoryOrCreate' } } : { name: 'models', persistentVolumeClaim: { claimName: 'model-cache' } }];
  }
  return spec;
}

function meta(rnd, name, ns, extra = {}) {
  const m = { name, namespace: ns, labels: { app: name, team: pick(rnd, TEAMS), ...extra } };
  if (rnd() < 0.3) m.annotations = { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' };
  return m;
}

const WEAKNESSES = ['privileged', 'caps', 'root', 'latest', 'no-limits', 'host-path', 'host-network', 'secret-literal'];

function weaknesses(rnd) {
  const set = new Set();
  if (rnd() < 0.5) {
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) set.add(pick(rnd, WEAKNESSES));
  }
  return set;
}

/** One object of a kind drawn from a realistic mix. */
function object(rnd, i) {
  const ns = `team-${i % 97}`;
  const weak = weaknesses(rnd);
  const server = pick(rnd, SERVERS);
  const gpu = rnd() < 0.6 ? pick(rnd, GPUS) : undefined;
  const name = `${server.name}-${i}`;
  const r = rnd();
  const template = (c) => ({ metadata: { labels: { app: name } }, spec: podSpec(rnd, c, weak) });
  if (r < 0.18) {
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(rnd, name, ns), spec: { replicas: 1 + Math.floor(rnd() * 4), selector: { matchLabels: { app: name } }, template: template([container(rnd, server.name, server, weak, gpu)]) } };
  }
  if (r < 0.36) {
    const type = weak.size && rnd() < 0.5 ? 'LoadBalancer' : rnd() < 0.1 ? 'NodePort' : 'ClusterIP';
    return { apiVersion: 'v1', kind: 'Service', metadata: meta(rnd, name, ns), spec: { type, selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: server.port, protocol: 'TCP' }] } };
  }
  if (r < 0.40) {
    const db = pick(rnd, VECTOR_DBS);
    return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta(rnd, `${db.name}-${i}`, ns), spec: { serviceName: db.name, replicas: 3, selector: { matchLabels: { app: name } }, template: template([container(rnd, db.name, db, weak, undefined)]), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Gi' } } } }] } };
  }
  if (r < 0.43) {
    const c = container(rnd, 'exporter', { name: 'dcgm', image: 'nvcr.io/nvidia/k8s/dcgm-exporter', tags: ['3.3.8-3.6.0-ubuntu22.04'], port: 9400 }, weak, undefined);
    return { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta(rnd, `dcgm-exporter-${i}`, 'gpu-operator'), spec: { selector: { matchLabels: { app: name } }, template: template([c]) } };
  }
  if (r < 0.48) {
    const job = { backoffLimit: 2, template: { spec: { ...podSpec(rnd, [container(rnd, 'embed', server, weak, gpu)], weak), restartPolicy: 'Never' } } };
    if (rnd() < 0.5) return { apiVersion: 'batch/v1', kind: 'Job', metadata: meta(rnd, `embed-${i}`, ns), spec: job };
    return { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta(rnd, `reindex-${i}`, ns), spec: { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: job } } };
  }
  if (r < 0.58) {
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(rnd, `${name}-config`, ns), data: { 'config.yaml': `model: ${pick(rnd, MODELS)}\nmax_batch_size: ${8 * (1 + (i % 8))}\ndtype: bfloat16\n`, LOG_LEVEL: 'info', ENABLE_METRICS: 'true' } };
  }
  if (r < 0.63) {
    const predictor = { minReplicas: 1, model: { modelFormat: { name: 'huggingface' }, args: ['--model_name', name], storageUri: `hf://${pick(rnd, MODELS)}`, resources: resources(rnd, gpu, weak) } };
    if (weak.has('privileged')) predictor.model.securityContext = { privileged: true };
    return { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: meta(rnd, name, ns), spec: { predictor } };
  }
  if (r < 0.67) {
    const head = { rayStartParams: { 'dashboard-host': '0.0.0.0' }, template: { spec: podSpec(rnd, [container(rnd, 'ray-head', { name: 'ray', image: 'rayproject/ray-ml', tags: ['2.40.0-gpu'], port: 8265 }, weak, undefined)], weak) } };
    const worker = { groupName: 'gpu', replicas: 2, minReplicas: 0, maxReplicas: 8, rayStartParams: {}, template: { spec: podSpec(rnd, [container(rnd, 'ray-worker', { name: 'ray', image: 'rayproject/ray-ml', tags: ['2.40.0-gpu'], port: 8265 }, weak, gpu)], weak) } };
    return { apiVersion: 'ray.io/v1', kind: 'RayCluster', metadata: meta(rnd, `ray-${i}`, ns), spec: { rayVersion: '2.40.0', headGroupSpec: head, workerGroupSpecs: [worker] } };
  }
  if (r < 0.71) {
    const replica = (n) => ({ replicas: n, restartPolicy: 'OnFailure', template: { spec: podSpec(rnd, [container(rnd, 'pytorch', { name: 'train', image: 'pytorch/pytorch', tags: ['2.5.1-cuda12.4-cudnn9-runtime'], port: 23456 }, weak, gpu)], weak) } });
    return { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: meta(rnd, `train-${i}`, ns), spec: { pytorchReplicaSpecs: { Master: replica(1), Worker: replica(1 + Math.floor(rnd() * 4)) } } };
  }
  if (r < 0.75) {
    return { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', metadata: meta(rnd, `lws-${i}`, ns), spec: { replicas: 2, leaderWorkerTemplate: { size: 4, workerTemplate: template([container(rnd, server.name, server, weak, gpu)]) } } };
  }
  if (r < 0.82) {
    const ing = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta(rnd, name, ns), spec: { ingressClassName: 'nginx', rules: [{ host: `${name}.example.com`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { number: 80 } } } }] } }] } };
    if (!weak.size) ing.spec.tls = [{ hosts: [`${name}.example.com`], secretName: `${name}-tls` }];
    return ing;
  }
  if (r < 0.90) {
    return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: meta(rnd, `${name}-reader`, ns), rules: [{ apiGroups: [''], resources: weak.size ? ['*'] : ['pods', 'configmaps'], verbs: weak.size ? ['*'] : ['get', 'list', 'watch'] }] };
  }
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(rnd, 'inference', ns), automountServiceAccountToken: weak.size === 0 ? false : true };
}

/** How many objects the next file holds: mostly small files, a few very large ones. */
function fileSize(rnd) {
  const r = rnd();
  if (r < 0.5) return 1 + Math.floor(rnd() * 3);
  if (r < 0.8) return 4 + Math.floor(rnd() * 17);
  if (r < 0.95) return 20 + Math.floor(rnd() * 80);
  return 100 + Math.floor(rnd() * 500);
}

function renderFile(rnd, objects, fileIndex) {
  const style = {
    seqIndent: rnd() < 0.6 ? 0 : 2,
    quote: rnd() < 0.7 ? 'plain' : rnd() < 0.5 ? 'double' : 'single',
    bool11: rnd() < 0.05,
    nullTilde: false,
    comments: rnd() < 0.3,
    flowShort: rnd() < 0.3,
  };
  const helm = rnd() < 0.2;
  const leadingSeparator = helm || rnd() < 0.2;
  const parts = [];
  objects.forEach((obj, k) => {
    const w = new Writer(rnd, style);
    if (helm) w.lines.push(`# Source: ${obj.metadata.labels.team}/templates/${obj.kind.toLowerCase()}.yaml`);
    if (obj.kind === 'Deployment' && rnd() < 0.02) {
      // An anchor and alias, as some hand-written files share a block between containers.
      const text = yamlWithAnchor(w, obj);
      parts.push(text);
      return;
    }
    w.map(obj, 0);
    parts.push(w.lines.join('\n'));
    void k;
  });
  let text = (leadingSeparator ? '---\n' : '') + parts.join('\n---\n') + '\n';
  if (fileIndex % 53 === 7) text = text.replace(/\n/g, '\r\n');
  return text;
}

function yamlWithAnchor(w, obj) {
  const spec = { ...obj.spec };
  delete spec.template;
  w.map({ ...obj, spec }, 0);
  const lines = w.lines;
  const c = obj.spec.template.spec.containers[0];
  lines.push('  template:', '    spec:', '      containers:', `      - name: ${c.name}`, `        image: ${c.image}`, '        resources: &res', '          limits:', '            memory: 8Gi', `      - name: ${c.name}-sidecar`, '        image: busybox:1.36', '        resources: *res');
  return lines.join('\n');
}

/**
 * Write `count` objects under `dir` (created; emptied first). Returns the list of files, the
 * number of objects and bytes written.
 */
export function generateCorpus(dir, count, seed = 20_000) {
  const rnd = prng(seed);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  let written = 0;
  let bytes = 0;
  let fileIndex = 0;
  while (written < count) {
    const n = Math.min(fileSize(rnd), count - written);
    const objects = [];
    for (let k = 0; k < n; k++) objects.push(object(rnd, written + k));
    const text = renderFile(rnd, objects, fileIndex);
    const sub = path.join(dir, `team-${fileIndex % 13}`);
    fs.mkdirSync(sub, { recursive: true });
    const file = path.join(sub, `${objects[0].kind.toLowerCase()}-${fileIndex}.${fileIndex % 5 === 0 ? 'yml' : 'yaml'}`);
    fs.writeFileSync(file, text);
    files.push(file);
    written += n;
    bytes += Buffer.byteLength(text);
    fileIndex++;
  }
  return { files, objects: written, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = 'bench/out/manifests', n = '20000'] = process.argv.slice(2);
  const r = generateCorpus(dir, Number(n));
  console.log(`${r.objects} objects, ${r.files.length} files, ${(r.bytes / 1e6).toFixed(1)} MB in ${dir}`);
}
