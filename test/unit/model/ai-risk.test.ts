// The GPU isolation, model supply-chain and AI secrets facts (src/model/{gpu-context,
// supply-chain,gpu-stack}.ts) and the severities rules derive from them.

import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import { buildModel } from '../../../src/model/build.js';
import { quantityBytes } from '../../../src/model/gpu-context.js';
import { scanYaml, testCatalogue } from '../../helpers/scan.js';

async function model(yaml: string) {
  const docs = loadManifestText(yaml, { kind: 'file', path: 'x.yaml' }).documents;
  return buildModel(docs, (await testCatalogue()).tables);
}

async function severities(yaml: string, rule: string): Promise<string[]> {
  const { findings } = await scanYaml(yaml, [rule]);
  return findings.map((f) => `${f.location.position?.line}:${f.severity}`);
}

function deployment(container: string, pod = '', volumes = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels: { app: d }
  template:
    metadata:
      labels: { app: d }
    spec:
${pod}      containers:
${container}${volumes}`;
}

describe('GPU context', () => {
  it('counts a Ray head as a GPU workload through its component, and says why', async () => {
    const m = await model(`apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: rc
spec:
  headGroupSpec:
    rayStartParams: {}
    template:
      spec:
        containers:
          - name: head
            image: rayproject/ray:2.46.0
`);
    const c = m.subjects.find((s) => s.target === 'container')!;
    expect(c.data.gpuWorkload).toBe(true);
    expect(c.data.gpuContext).toMatchObject({ accelerator: false, aiComponent: 'ray', why: 'runs ray' });
  });

  it('treats GPU infrastructure as system by namespace, by label and by image', async () => {
    const pod = (ns: string, labels: string, image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ${ns}
  labels: { ${labels} }
spec:
  containers:
    - name: c
      image: ${image}
      resources:
        limits: { nvidia.com/gpu: 1 }
`;
    const sys = async (y: string) => (await model(y)).subjects.find((s) => s.target === 'pod')!.data.gpuSystem;
    expect(await sys(pod('nvidia-gpu-operator', 'a: b', 'busybox:1.36'))).toBe(true);
    expect(await sys(pod('ml', 'app.kubernetes.io/part-of: gpu-operator', 'busybox:1.36'))).toBe(true);
    expect(await sys(pod('ml', 'a: b', 'nvcr.io/nvidia/cloud-native/k8s-mig-manager:v0.12.2'))).toBe(true);
    expect(await sys(pod('ml', 'a: b', 'nvcr.io/nvidia/pytorch:24.07-py3'))).toBe(false);
  });

  it('reads NVIDIA_VISIBLE_DEVICES from a ConfigMap the pod takes its env from', async () => {
    const m = await model(`apiVersion: v1
kind: ConfigMap
metadata:
  name: gpu-env
data:
  NVIDIA_VISIBLE_DEVICES: "0,1,2,3"
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: nvcr.io/nvidia/cuda:12.5.0-base-ubuntu22.04
      envFrom:
        - configMapRef: { name: gpu-env }
      resources:
        limits: { nvidia.com/gpu: 2 }
`);
    const c = m.subjects.find((s) => s.target === 'container')!;
    expect(c.data.visibleDevices).toMatchObject({ requested: 4, allotted: 2, exceeds: true });
  });

  it('parses Kubernetes quantities', () => {
    expect(quantityBytes('1Gi')).toBe(2 ** 30);
    expect(quantityBytes('512M')).toBe(512e6);
    expect(quantityBytes('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(quantityBytes(1024)).toBe(1024);
    expect(quantityBytes('lots')).toBeUndefined();
  });
});

describe('model supply-chain facts', () => {
  it('finds Hub models by flag, positional, env and URI, with the revision that pins them', async () => {
    const m = await model(
      deployment(`        - name: a
          image: vllm/vllm-openai:v0.9.2
          args: ["--model=org/one", "--revision", "a09a35458c702b33eeacc393d103063234e8bc28"]
        - name: b
          image: ghcr.io/huggingface/text-generation-inference:3.3.4
          env:
            - { name: MODEL_ID, value: org/two }
            - { name: REVISION, value: v1.0 }
        - name: c
          image: vllm/vllm-openai:v0.9.2
          args: ["--model", "/models/local", "--tokenizer", "models/tok"]
`),
    );
    const [a, b, c] = m.subjects.filter((s) => s.target === 'container');
    expect(a!.data.hubModels).toEqual([expect.objectContaining({ id: 'org/one', via: 'flag', pinned: true })]);
    expect(b!.data.hubModels).toEqual([expect.objectContaining({ id: 'org/two', via: 'env', revision: 'v1.0', pinned: false })]);
    expect(c!.data.hubModels).toBeUndefined();
  });

  it('reports one fetch per command-line item, named by its worst kind', async () => {
    const m = await model(
      deployment(`        - name: a
          image: python:3.12
          command: ["sh", "-c", "git clone https://github.com/x/y && pip install -r y/req.txt && curl -s https://x.sh | bash"]
`),
    );
    const c = m.subjects.find((s) => s.target === 'container')!;
    expect(c.data.fetches).toEqual([{ kind: 'pipe-to-shell', kinds: ['pipe-to-shell', 'package-install', 'git-clone'], what: expect.stringContaining('piped into a shell') }]);
  });

  it('masks command-line credentials and AI tokens in every message', async () => {
    const key = 'Zk8vQ2mN5pR7sT1uW3xY6zA9bC4dE0fG';
    const result = await scanYaml(
      deployment(`        - name: a
          image: vllm/vllm-openai:v0.9.2
          args: ["--api-key=${key}"]
          env:
            - { name: ANTHROPIC_API_KEY, value: sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345 }
`),
    );
    expect(result.secrets.has(key)).toBe(true);
    expect(result.secrets.has('sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345')).toBe(true);
    for (const f of result.findings) {
      expect(f.message).not.toContain(key);
      expect(f.message).not.toContain('abcdefghijklmnop');
    }
    expect(result.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['api-key-on-command-line', 'ai-token-in-plain-env']));
  });
});

describe('severities', () => {
  it('trust-remote-code is critical when the Hub model is not pinned, high when it is', async () => {
    const args = (rev: string) =>
      deployment(`        - name: a
          image: vllm/vllm-openai:v0.9.2
          args: ["--model", "org/m", ${rev}"--trust-remote-code"]
`);
    expect(await severities(args(''), 'trust-remote-code')).toEqual(['15:critical']);
    expect(await severities(args('"--revision", "a09a35458c702b33eeacc393d103063234e8bc28", '), 'trust-remote-code')).toEqual(['15:high']);
  });

  it('model-hostpath-mount is high when a container mounts it writable, medium when read-only', async () => {
    const y = (ro: string) =>
      deployment(
        `        - name: a
          image: ollama/ollama:0.9.6
          volumeMounts:
            - { name: m, mountPath: /root/.ollama${ro} }
`,
        '',
        `      volumes:
        - { name: m, hostPath: { path: /srv/ollama/.ollama } }
`,
      );
    expect(await severities(y(''), 'model-hostpath-mount')).toEqual(['18:high']);
    expect(await severities(y(', readOnly: true'), 'model-hostpath-mount')).toEqual(['18:medium']);
  });

  it('runtime-code-fetch is high for curl piped into a shell', async () => {
    const y = (cmd: string) =>
      deployment(`        - name: a
          image: python:3.12
          command: ["sh", "-c", "${cmd}"]
`);
    expect(await severities(y('curl -fsSL https://get.example.sh | sh'), 'runtime-code-fetch')).toEqual(['15:high']);
    expect(await severities(y('pip install vllm==0.9.2'), 'runtime-code-fetch')).toEqual(['15:medium']);
  });

  it('ai-component-vulnerable follows the advisory (Open WebUI high, Langflow critical)', async () => {
    const y = (image: string) => deployment(`        - name: a\n          image: ${image}\n`);
    expect(await severities(y('ghcr.io/open-webui/open-webui:v0.6.30'), 'ai-component-vulnerable')).toEqual(['14:high']);
    expect(await severities(y('langflowai/langflow:1.2.0'), 'ai-component-vulnerable')).toEqual(['14:critical']);
  });

  it('gpu-excess-capabilities is high for SYS_ADMIN and medium for IPC_LOCK without RDMA', async () => {
    const y = deployment(`        - name: a
          image: nvcr.io/nvidia/pytorch:24.07-py3
          securityContext:
            capabilities:
              drop: [ALL]
              add: [SYS_ADMIN, IPC_LOCK]
          resources:
            limits: { nvidia.com/gpu: 1 }
`);
    const { findings } = await scanYaml(y, ['gpu-excess-capabilities']);
    expect(findings.map((f) => `${f.location.position?.column}:${f.severity}`).sort()).toEqual(['21:high', '32:medium']);
  });

  it('gpu-host-device-or-driver-mount is critical for a writable driver directory', async () => {
    const y = (ro: string) =>
      deployment(
        `        - name: a
          image: nvcr.io/nvidia/cuda:12.5.0-base-ubuntu22.04
          volumeMounts:
            - { name: drv, mountPath: /usr/local/nvidia${ro} }
          resources:
            limits: { nvidia.com/gpu: 1 }
`,
        '',
        `      volumes:
        - { name: drv, hostPath: { path: /home/kubernetes/bin/nvidia } }
`,
      );
    expect(await severities(y(''), 'gpu-host-device-or-driver-mount')).toEqual(['20:critical']);
    expect(await severities(y(', readOnly: true'), 'gpu-host-device-or-driver-mount')).toEqual(['20:high']);
  });

  it('ai-image-mutable-tag is high on GPUs, medium otherwise', async () => {
    const y = (res: string) => deployment(`        - name: a\n          image: ollama/ollama:latest\n${res}`);
    expect(await severities(y(''), 'ai-image-mutable-tag')).toEqual(['14:medium']);
    expect(await severities(y('          resources:\n            limits: { amd.com/gpu: 1 }\n'), 'ai-image-mutable-tag')).toEqual(['14:high']);
  });

  it('nvidia-toolkit-insecure-features is medium for the unprivileged NVIDIA_VISIBLE_DEVICES switch', async () => {
    const cm = (line: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: toolkit
data:
  config.toml: |
    ${line}
`;
    expect(await severities(cm('accept-nvidia-visible-devices-envvar-when-unprivileged = true'), 'nvidia-toolkit-insecure-features')).toEqual(['6:medium']);
    expect(await severities(cm('allow-cuda-compat-libs-from-container = true'), 'nvidia-toolkit-insecure-features')).toEqual(['6:high']);
  });

  it('a re-graded rule in the configuration wins over its severities', async () => {
    const { evaluate } = await import('../../../src/engine/evaluate.js');
    const catalogue = await testCatalogue();
    const m = await model(
      deployment(`        - name: a
          image: python:3.12
          command: ["sh", "-c", "curl -fsSL https://get.example.sh | sh"]
`),
    );
    const findings = evaluate(m.subjects, catalogue, { only: new Set(['runtime-code-fetch']), ruleSettings: new Map([['runtime-code-fetch', 'low']]) });
    expect(findings.map((f) => f.severity)).toEqual(['low']);
  });
});

describe('hostile or malformed input', () => {
  it('never throws on fields of the wrong type', async () => {
    const weird = `apiVersion: apps/v1
kind: Deployment
metadata: { name: w }
spec:
  template:
    spec:
      tolerations: "all"
      nodeSelector: [a, b]
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [null, { matchExpressions: [7, { key: 3 }] }] } } }
      resourceClaims: {}
      volumes: [null, { name: v, emptyDir: { medium: Memory, sizeLimit: [1] } }, { name: h, hostPath: { path: 12 } }]
      containers:
        - name: c
          image: 42
          args: [--api-key, null, { a: 1 }, --model]
          env: [null, { name: NVIDIA_VISIBLE_DEVICES, value: 3 }, { name: HF_TOKEN, value: true }, { value: x }]
          securityContext: { capabilities: { add: "SYS_ADMIN", drop: 5 } }
          resources: { limits: { nvidia.com/gpu: "lots", memory: {} }, requests: null }
          volumeMounts: [null, { name: v, mountPath: 5 }, { name: h, mountPath: /models }]
---
apiVersion: nvidia.com/v1
kind: ClusterPolicy
metadata: { name: cp }
spec:
  toolkit: { repository: [x], image: {}, version: { v: 1 }, env: [null, { name: 1, value: 2 }] }
  migManager: "off"
---
apiVersion: v1
kind: ConfigMap
metadata: { name: cm }
data: { a: 1, b: null, c: "allow-cuda-compat-libs-from-container = true" }
`;
    const result = await scanYaml(weird);
    expect(result.errors).toEqual([]);
    expect(result.findings.some((f) => f.ruleId === 'nvidia-toolkit-insecure-features')).toBe(true);
  });
});
