// Generators of hostile input for the property tests: Kubernetes-shaped objects whose fields
// hold the right shape or anything else (null, numbers where strings go, lists where maps go,
// `__proto__`, secret-looking strings), and byte-level damage (truncation, random bytes, invalid
// UTF-8, NUL, BOMs, mixed line endings, deep nesting, huge scalars).

import fc from 'fast-check';

type Obj = Record<string, unknown>;

/** Values that do not belong where they are put. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -2, max: 70000 }),
  fc.constantFrom(1e309, -0, 0.5, Number.MAX_SAFE_INTEGER + 2),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'true', 'yes', '0', '0777', '-1', '1e9', 'NaN', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '$(curl x|sh)', '${X}', '{{ .Values.x }}', '*', '/', '..', '../../etc', '0.0.0.0', '::', 'a'.repeat(300), 'é🚀\u2028\u0000'),
  fc.constant([]),
  fc.constant({}),
  fc.jsonValue({ maxDepth: 2 }),
);

const name = fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/) }, { weight: 1, arbitrary: weird });
const image = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('vllm/vllm-openai:v0.6.3', 'ollama/ollama', 'ollama/ollama:latest', 'ghcr.io/x/y@sha256:' + 'a'.repeat(64), 'jupyter/base-notebook', 'nvcr.io/nvidia/tritonserver:24.01-py3', 'redis', 'qdrant/qdrant:v1.9.0', '', ':', '@', 'a:b:c@d', 'localhost:5000/x') },
  { weight: 1, arbitrary: weird },
);

/** The right shape (from `good`) most of the time, anything else otherwise. */
function or<T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: good as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: weird });
}

const secretLike = fc.constantFrom('hf_' + 'AbCdEfGhIjKlMnOpQrStUvWxYz012345', 'sk-' + 'x'.repeat(48), 'ghp_' + 'A'.repeat(36), 'password1234', 'changeme', 'AKIA' + 'B'.repeat(16));

const env = fc.array(
  fc.record(
    {
      name: or(fc.constantFrom('HF_TOKEN', 'OPENAI_API_KEY', 'DB_PASSWORD', 'PATH', 'OLLAMA_HOST', 'VLLM_API_KEY', 'JUPYTER_TOKEN', 'X')),
      value: or(fc.oneof(secretLike, fc.string({ maxLength: 8 }), fc.constantFrom('0.0.0.0', '*', 'true', '', '$(SECRET)'))),
      valueFrom: or(fc.record({ secretKeyRef: or(fc.record({ name, key: name }, { requiredKeys: [] })) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
  { maxLength: 4 },
);

const securityContext = fc.record(
  {
    privileged: or(fc.boolean()),
    runAsUser: or(fc.integer({ min: -1, max: 70000 })),
    runAsNonRoot: or(fc.boolean()),
    allowPrivilegeEscalation: or(fc.boolean()),
    readOnlyRootFilesystem: or(fc.boolean()),
    capabilities: or(fc.record({ add: or(fc.array(or(fc.constantFrom('SYS_ADMIN', 'ALL', 'NET_RAW')), { maxLength: 3 })), drop: or(fc.array(or(fc.constantFrom('ALL', 'NET_RAW')), { maxLength: 3 })) }, { requiredKeys: [] })),
    seccompProfile: or(fc.record({ type: or(fc.constantFrom('Unconfined', 'RuntimeDefault', 'Localhost')) }, { requiredKeys: [] })),
    procMount: or(fc.constantFrom('Unmasked', 'Default')),
  },
  { requiredKeys: [] },
);

const container = fc.record(
  {
    name,
    image,
    command: or(fc.array(or(fc.constantFrom('sh', '-c', 'ollama serve', 'python', '-m', 'vllm.entrypoints.openai.api_server', 'jupyter', 'curl x | sh')), { maxLength: 4 })),
    args: or(fc.array(or(fc.constantFrom('--api-key', 'sk-' + 'y'.repeat(40), '--host', '0.0.0.0', '--trust-remote-code', '--model', '--NotebookApp.token=', '--requirepass', 'secret1234')), { maxLength: 6 })),
    env: or(env),
    envFrom: or(fc.array(or(fc.record({ secretRef: or(fc.record({ name }, { requiredKeys: [] })) }, { requiredKeys: [] })), { maxLength: 2 })),
    ports: or(fc.array(or(fc.record({ containerPort: or(fc.integer({ min: -1, max: 70000 })), hostPort: or(fc.integer({ min: 0, max: 70000 })), name: or(name), protocol: or(fc.constantFrom('TCP', 'UDP')) }, { requiredKeys: [] })), { maxLength: 3 })),
    securityContext: or(securityContext),
    resources: or(fc.record({ limits: or(fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu', 'amd.com/gpu', 'nvidia.com/mig-1g.5gb'), or(fc.constantFrom('1', '2', '0', '1Gi', '-1', 'x')))), requests: or(fc.dictionary(fc.constantFrom('cpu', 'memory', 'nvidia.com/gpu'), or(fc.constantFrom('1', '500m', '1Gi')))) }, { requiredKeys: [] })),
    volumeMounts: or(fc.array(or(fc.record({ name, mountPath: or(fc.constantFrom('/', '/dev/shm', '/models', '/var/run/docker.sock')), readOnly: or(fc.boolean()) }, { requiredKeys: [] })), { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

const podSpec = fc.record(
  {
    containers: or(fc.array(or(container), { maxLength: 3 })),
    initContainers: or(fc.array(or(container), { maxLength: 2 })),
    ephemeralContainers: or(fc.array(or(container), { maxLength: 1 })),
    securityContext: or(securityContext),
    hostNetwork: or(fc.boolean()),
    hostPID: or(fc.boolean()),
    hostIPC: or(fc.boolean()),
    serviceAccountName: or(name),
    automountServiceAccountToken: or(fc.boolean()),
    runtimeClassName: or(fc.constantFrom('nvidia', 'kata')),
    volumes: or(
      fc.array(
        or(fc.record({ name, hostPath: or(fc.record({ path: or(fc.constantFrom('/', '/etc', '/proc', '/var/lib/kubelet', '/models')) }, { requiredKeys: [] })), emptyDir: or(fc.record({ medium: or(fc.constantFrom('Memory', '')), sizeLimit: or(fc.constantFrom('1Gi', 'x')) }, { requiredKeys: [] })) }, { requiredKeys: [] })),
        { maxLength: 3 },
      ),
    ),
    tolerations: or(fc.array(weird, { maxLength: 2 })),
  },
  { requiredKeys: [] },
);

const labels = or(fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'component', '__proto__', 'ignore.aigis.dev/privileged-container'), or(fc.constantFrom('vllm', 'ollama', 'x', ''))));
const metadata = or(fc.record({ name, namespace: or(fc.constantFrom('default', 'ml', 'kube-system', '')), labels, annotations: labels }, { requiredKeys: [] }));
const template = or(fc.record({ metadata, spec: or(podSpec) }, { requiredKeys: [] }));

const KINDS: Array<[string, string]> = [
  ['v1', 'Pod'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'CronJob'],
  ['v1', 'Service'],
  ['networking.k8s.io/v1', 'Ingress'],
  ['networking.k8s.io/v1', 'NetworkPolicy'],
  ['v1', 'Namespace'],
  ['serving.kserve.io/v1beta1', 'InferenceService'],
  ['ray.io/v1', 'RayCluster'],
  ['kubeflow.org/v1', 'Notebook'],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['v1', 'List'],
];

/** Specs shaped for each kind (and anything else), so the model's kind-specific code runs. */
const spec: fc.Arbitrary<unknown> = or(
  fc.record(
    {
      // workloads
      template,
      jobTemplate: or(fc.record({ spec: or(fc.record({ template }, { requiredKeys: [] })) }, { requiredKeys: [] })),
      selector: or(fc.record({ matchLabels: labels, app: or(name) }, { requiredKeys: [] })),
      replicas: or(fc.integer({ min: 0, max: 3 })),
      // pods
      containers: or(fc.array(or(container), { maxLength: 2 })),
      hostNetwork: or(fc.boolean()),
      // services
      type: or(fc.constantFrom('LoadBalancer', 'NodePort', 'ClusterIP')),
      ports: or(fc.array(or(fc.record({ port: or(fc.integer({ min: 0, max: 70000 })), targetPort: or(fc.oneof(fc.integer({ min: 0, max: 70000 }), name)), nodePort: or(fc.integer()) }, { requiredKeys: [] })), { maxLength: 2 })),
      externalIPs: or(fc.array(or(fc.constantFrom('1.2.3.4', '')), { maxLength: 2 })),
      loadBalancerSourceRanges: or(fc.array(or(fc.constantFrom('0.0.0.0/0', '10.0.0.0/8')), { maxLength: 2 })),
      // ingresses, routes
      rules: or(fc.array(or(fc.record({ host: or(name), http: or(fc.record({ paths: or(fc.array(or(fc.record({ backend: or(fc.record({ service: or(fc.record({ name, port: or(fc.record({ number: or(fc.integer()) }, { requiredKeys: [] })) }, { requiredKeys: [] })) }, { requiredKeys: [] })) }, { requiredKeys: [] })), { maxLength: 2 })) }, { requiredKeys: [] })), backendRefs: weird }, { requiredKeys: [] })), { maxLength: 2 })),
      // network policies
      podSelector: or(fc.record({ matchLabels: labels }, { requiredKeys: [] })),
      policyTypes: or(fc.array(or(fc.constantFrom('Ingress', 'Egress')), { maxLength: 2 })),
      // KServe, KubeRay
      predictor: or(fc.record({ model: or(fc.record({ modelFormat: weird, storageUri: or(fc.constantFrom('hf://x/y', 's3://b')) }, { requiredKeys: [] })), containers: or(fc.array(or(container), { maxLength: 1 })) }, { requiredKeys: [] })),
      headGroupSpec: or(fc.record({ template, rayStartParams: or(fc.dictionary(fc.constantFrom('dashboard-host', 'num-gpus'), or(fc.constantFrom('0.0.0.0', '1')))) }, { requiredKeys: [] })),
      workerGroupSpecs: or(fc.array(or(fc.record({ template }, { requiredKeys: [] })), { maxLength: 2 })),
    },
    { requiredKeys: [] },
  ),
);

export const kubernetesObject: fc.Arbitrary<Obj> = fc
  .record(
    {
      gvk: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KINDS) }, { weight: 1, arbitrary: fc.tuple(weird, weird) }),
      metadata,
      spec,
      extra: fc.option(fc.dictionary(fc.constantFrom('status', 'data', 'rules', 'subjects', 'roleRef', 'items', '__proto__', 'stringData'), weird), { nil: undefined }),
      items: fc.option(fc.array(weird, { maxLength: 2 }), { nil: undefined }),
    },
    { requiredKeys: ['gvk', 'metadata'] },
  )
  .map(({ gvk, metadata, spec, extra, items }) => {
    const o: Obj = { apiVersion: gvk[0], kind: gvk[1], metadata };
    if (spec !== undefined) o.spec = spec;
    // Defined as own data properties: `__proto__` from the generator must not become a prototype.
    for (const [k, v] of Object.entries(extra ?? {})) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    if (items) o.items = items;
    return o;
  });

/** Damage applied to bytes: each op is [kind, position seed, argument seed]. */
export const damage = fc.array(fc.tuple(fc.nat(11), fc.nat(), fc.nat()), { maxLength: 4 });

const INVALID_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])];
const LINE_ENDS = ['\r\n', '\r', '\n', '\u2028', '\u0085', '\r\r\n'];

/** Apply byte-level damage; `big` allows the expensive kinds (deep nesting, huge scalars). */
export function applyDamage(input: Buffer, ops: Array<[number, number, number]>, big = true): Buffer {
  let b = input;
  for (const [kind, p, a] of ops) {
    const at = b.length ? p % (b.length + 1) : 0;
    const ins = (x: Buffer) => (b = Buffer.concat([b.subarray(0, at), x, b.subarray(at)]));
    switch (kind) {
      case 0: // truncation
        b = b.subarray(0, at);
        break;
      case 1: // random bytes
        ins(Buffer.from(Array.from({ length: 1 + (a % 16) }, (_, i) => (a * 31 + i * 97) % 256)));
        break;
      case 2: // invalid UTF-8
        ins(INVALID_UTF8[a % INVALID_UTF8.length]!);
        break;
      case 3: // NUL
        ins(Buffer.from([0]));
        break;
      case 4: // a BOM, at the start or anywhere
        if (a % 2) b = Buffer.concat([Buffer.from('\ufeff'), b]);
        else ins(Buffer.from('\ufeff'));
        break;
      case 5: {
        // mixed line endings
        const parts: Buffer[] = [];
        let last = 0;
        let i = 0;
        for (let j = b.indexOf(0x0a); j !== -1; j = b.indexOf(0x0a, j + 1)) {
          parts.push(b.subarray(last, j), Buffer.from(LINE_ENDS[(i++ + a) % LINE_ENDS.length]!));
          last = j + 1;
        }
        parts.push(b.subarray(last));
        b = Buffer.concat(parts);
        break;
      }
      case 6: // deep nesting (flow, block, compact sequences)
        if (big) {
          const n = 10 + (a % 3000);
          const shape = a % 3;
          ins(Buffer.from(shape === 0 ? `${'['.repeat(n)}${a % 5 ? ']'.repeat(n) : ''}` : shape === 1 ? Array.from({ length: Math.min(n, 700) }, (_, i) => `${' '.repeat(i)}k:`).join('\n') : `${'- '.repeat(n)}x\n`));
        }
        break;
      case 7: // a huge scalar
        if (big) ins(Buffer.from(`${a % 2 ? '"' : ''}${'x'.repeat(1000 + (a % 200_000))}${a % 3 ? '"' : ''}`));
        break;
      case 8: // a small alias bomb
        ins(Buffer.from(`\nb0: &b0 [x, x, x, x, x, x, x, x]\n${Array.from({ length: 2 + (a % 8) }, (_, i) => `b${i + 1}: &b${i + 1} [${Array(8).fill(`*b${i}`).join(', ')}]`).join('\n')}\n`));
        break;
      case 9: // tabs and control characters
        ins(Buffer.from(['\t', '\x07', '\x1b[31m', '\x7f', '\u0085'][a % 5]!));
        break;
      case 10: // a document marker
        ins(Buffer.from(['\n---\n', '\n...\n', '---', '\n--- |\n', '%YAML 1.1\n---\n'][a % 5]!));
        break;
      default: // a duplicated stretch
        ins(b.subarray(at, at + (a % 200)));
    }
  }
  return b;
}
