// Component fingerprints: which container runs which AI component, and what its auth state is.

import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import { buildModel } from '../../../src/model/build.js';
import { argvTokens, parseFlags, shellWords } from '../../../src/model/components.js';
import { testCatalogue } from '../../helpers/scan.js';

type Obj = Record<string, unknown>;

async function model(text: string) {
  const { documents } = loadManifestText(text, { kind: 'file', path: 'test.yaml' });
  return buildModel(documents, (await testCatalogue()).tables);
}

async function component(text: string, container?: string): Promise<Obj | null> {
  const m = await model(text);
  const c = container ? m.graph.containers.find((x) => x.subject.data.name === container) : m.graph.containers[0];
  return (c?.subject.data.component as Obj | null) ?? null;
}

const pod = (container: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: { name: p, namespace: ns }
spec:
  containers:
${container
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
${extra}`;

describe('command lines', () => {
  it('splits shell scripts into words, honouring quotes', () => {
    expect(shellWords(`ollama serve & sleep 5; ollama pull "llama 3"`)).toEqual(['ollama', 'serve', '&', 'sleep', '5', ';', 'ollama', 'pull', 'llama 3']);
    expect(shellWords(`jupyter lab --ServerApp.token='' --ip=0.0.0.0`)).toEqual(['jupyter', 'lab', '--ServerApp.token=', '--ip=0.0.0.0']);
  });

  it('parses --name=value, --name value and bare flags; the last occurrence wins', () => {
    const flags = parseFlags(argvTokens(['vllm', 'serve', 'm', '--port', '8000', '--trust-remote-code', '--api-key=a', '--api-key=b']));
    expect(Object.fromEntries([...flags].map(([k, v]) => [k, v.value]))).toEqual({ '--port': '8000', '--trust-remote-code': true, '--api-key': 'b' });
  });

  it('reads the script given to sh -c, but not the shell’s own -c', () => {
    const flags = parseFlags(argvTokens(['/bin/sh', '-c', 'ray start --head --dashboard-host=0.0.0.0 && sleep infinity']));
    expect([...flags.keys()]).toEqual(['--head', '--dashboard-host']);
    expect(flags.get('--head')!.index).toBe(2);
  });
});

describe('matching', () => {
  it('matches by image, ignoring registry and tag, and takes the version from the tag', async () => {
    const c = await component(pod('- name: s\n  image: docker.io/ollama/ollama:0.1.33-rocm'));
    expect(c).toMatchObject({ id: 'ollama', class: 'model-server', matchedBy: 'image', version: '0.1.33' });
  });

  it('uses component-specific version patterns (Triton yy.mm, llama.cpp bNNNN)', async () => {
    expect(await component(pod('- name: s\n  image: nvcr.io/nvidia/tritonserver:24.08-trtllm-python-py3'))).toMatchObject({ id: 'triton', version: '24.08' });
    expect(await component(pod('- name: s\n  image: ghcr.io/ggml-org/llama.cpp:server-cuda-b3561'))).toMatchObject({ id: 'llama-cpp', version: 'b3561' });
  });

  it('gives no version for floating tags or when only the command matched', async () => {
    expect(await component(pod('- name: s\n  image: vllm/vllm-openai:latest'))).toMatchObject({ id: 'vllm', version: null });
    expect(await component(pod('- name: s\n  image: python:3.11.9\n  command: [python, -m, vllm.entrypoints.openai.api_server]'))).toMatchObject({
      id: 'vllm',
      matchedBy: 'command',
      version: null,
    });
  });

  it('matches pods created by operators through their owner (RayCluster head and workers)', async () => {
    const m = await model(`apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: rc }
spec:
  headGroupSpec:
    template:
      spec:
        containers: [{ name: head, image: registry.example.com/ray-app:1.0 }]
  workerGroupSpecs:
    - template:
        spec:
          containers: [{ name: worker, image: registry.example.com/ray-app:1.0 }]
`);
    expect(m.graph.containers.map((c) => [c.subject.data.name, (c.subject.data.component as Obj).id, (c.subject.data.component as Obj).matchedBy])).toEqual([
      ['head', 'ray', 'owner'],
      ['worker', 'ray', 'owner'],
    ]);
  });

  it('leaves other containers without a component', async () => {
    expect(await component(pod('- name: s\n  image: nginx:1.27'))).toBeNull();
  });
});

describe('auth', () => {
  it('is off by default for servers without auth, on once their key is set', async () => {
    expect(((await component(pod('- name: s\n  image: vllm/vllm-openai:v0.8.5'))) as Obj).auth).toMatchObject({ enabled: false, default: false, canEnable: true });
    const withKey = (await component(pod('- name: s\n  image: vllm/vllm-openai:v0.8.5\n  env: [{ name: VLLM_API_KEY, valueFrom: { secretKeyRef: { name: k, key: k } } }]'))) as Obj;
    expect(withKey.auth).toMatchObject({ enabled: true, by: [{ kind: 'env', name: 'VLLM_API_KEY' }] });
  });

  it('is unknown when an env source outside the scan may set the key', async () => {
    const c = (await component(pod('- name: s\n  image: vllm/vllm-openai:v0.8.5\n  envFrom: [{ secretRef: { name: vllm-env } }]'))) as Obj;
    expect(c.auth).toMatchObject({ enabled: null, unresolved: ['Secret/vllm-env'] });
  });

  it('reads env sources that are in the scan', async () => {
    const text = `${pod('- name: s\n  image: vllm/vllm-openai:v0.8.5\n  envFrom: [{ configMapRef: { name: vllm-env } }]')}---
apiVersion: v1
kind: ConfigMap
metadata: { name: vllm-env, namespace: ns }
data: { VLLM_API_KEY: sk-0123456789abcdefghij }
`;
    const m = await model(text);
    expect(m.graph.containers[0]!.subject.data.component).toMatchObject({ auth: { enabled: true } });
    expect(m.graph.secrets.has('sk-0123456789abcdefghij')).toBe(true);
  });

  it('lets a disable switch that wins beat an enable switch (Weaviate anonymous access)', async () => {
    const c = (await component(
      pod('- name: s\n  image: semitechnologies/weaviate:1.30.0\n  env:\n    - { name: AUTHENTICATION_APIKEY_ENABLED, value: "true" }\n    - { name: AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED, value: "true" }'),
    )) as Obj;
    expect((c.auth as Obj).enabled).toBe(false);
  });

  it('lets a password beat an empty token (Jupyter)', async () => {
    const c = (await component(pod("- name: s\n  image: quay.io/jupyter/base-notebook:2025-01-01\n  args: [\"--ServerApp.token=''\", --ServerApp.password=sha1:abc]"))) as Obj;
    expect(c.auth).toMatchObject({ enabled: true, disabledBy: [{ kind: 'flag', name: '--ServerApp.token', value: '' }] });
  });

  it('uses the version-dependent default (TorchServe token auth since 0.11.0)', async () => {
    expect(((await component(pod('- name: s\n  image: pytorch/torchserve:0.10.0-gpu'))) as Obj).auth).toMatchObject({ enabled: false, default: false });
    expect(((await component(pod('- name: s\n  image: pytorch/torchserve:0.12.0-gpu'))) as Obj).auth).toMatchObject({ enabled: true, default: true });
  });

  it('knows versions with no auth at all (Chroma 1.0.0-1.0.10)', async () => {
    const c = (await component(pod('- name: s\n  image: chromadb/chroma:1.0.5\n  env: [{ name: CHROMA_SERVER_AUTHN_PROVIDER, value: x }]'))) as Obj;
    expect(c.auth).toMatchObject({ enabled: false, unavailable: true, canEnable: false });
  });

  it('reads the owning object (KubeRay spec.authOptions)', async () => {
    const m = await model(`apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: rc }
spec:
  authOptions: { mode: token }
  headGroupSpec:
    template:
      spec:
        containers: [{ name: head, image: rayproject/ray:2.52.0 }]
`);
    expect(m.graph.containers[0]!.subject.data.component).toMatchObject({ auth: { enabled: true, by: [{ kind: 'object', name: '/spec/authOptions/mode', value: 'token' }] } });
  });

  it('reads mounted config files and takes a proxy’s auth from the component behind it', async () => {
    const m = await model(`apiVersion: v1
kind: ConfigMap
metadata: { name: hub }
data:
  values.yaml: |
    hub: { config: { JupyterHub: { authenticator_class: dummy } } }
---
apiVersion: v1
kind: Pod
metadata: { name: hub }
spec:
  volumes: [{ name: config, configMap: { name: hub } }]
  containers:
    - name: hub
      image: quay.io/jupyterhub/k8s-hub:4.1.0
      volumeMounts: [{ name: config, mountPath: /etc/jupyterhub }]
---
apiVersion: v1
kind: Pod
metadata: { name: proxy }
spec:
  containers: [{ name: chp, image: quay.io/jupyterhub/configurable-http-proxy:4.6.3 }]
`);
    const [hub, chp] = m.graph.containers.map((c) => c.subject.data.component as Obj);
    expect(hub!.auth).toMatchObject({ enabled: false, disabledBy: [{ kind: 'config', name: 'ConfigMap/hub values.yaml' }] });
    expect(chp!.auth).toMatchObject({ enabled: false, from: { component: 'jupyterhub', container: 'hub' } });
  });
});

describe('bind address and settings', () => {
  it('follows bind flags and env', async () => {
    expect(await component(pod('- name: s\n  image: ghcr.io/ggml-org/llama.cpp:server-b5000'))).toMatchObject({ listensAll: false });
    expect(await component(pod('- name: s\n  image: ghcr.io/ggml-org/llama.cpp:server-b5000\n  args: [--host, 0.0.0.0]'))).toMatchObject({ listensAll: true });
    expect(await component(pod('- name: s\n  image: ollama/ollama:0.9.0\n  env: [{ name: OLLAMA_HOST, value: "127.0.0.1:11434" }]'))).toMatchObject({ listensAll: false });
    expect(await component(pod('- name: s\n  image: yanwk/comfyui-boot:cu126\n  args: [--listen]'))).toMatchObject({ listensAll: true });
  });

  it('names risky settings wherever they are set', async () => {
    const c = (await component(pod('- name: s\n  image: vllm/vllm-openai:v0.10.0\n  args: [--tool-server, "demo,ext"]\n  env: [{ name: VLLM_SERVER_DEV_MODE, value: "1" }]'))) as Obj;
    expect(c.settings).toEqual({ devMode: { kind: 'env', name: 'VLLM_SERVER_DEV_MODE', value: '1' }, demoToolServer: { kind: 'flag', name: '--tool-server', value: 'demo,ext' } });
  });

  it('lists the components of each pod on the pod and on each container’s pod summary', async () => {
    const m = await model(pod('- name: ui\n  image: ghcr.io/open-webui/open-webui:main\n- name: tunnel\n  image: cloudflare/cloudflared:2025.7.0'));
    expect(m.graph.pods[0]!.subject.data.components).toEqual([
      { container: 'ui', containerType: 'container', id: 'open-webui', class: 'chat-ui' },
      { container: 'tunnel', containerType: 'container', id: 'cloudflared', class: 'tunnel' },
    ]);
    expect((m.graph.containers[1]!.subject.data.pod as Obj).components).toHaveLength(2);
  });
});
