import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import { buildModel } from '../../../src/model/build.js';
import { parseImageRef } from '../../../src/model/image-ref.js';
import { testCatalogue } from '../../helpers/scan.js';

async function model(yaml: string) {
  const docs = loadManifestText(yaml, { kind: 'file', path: 'x.yaml' }).documents;
  return buildModel(docs, (await testCatalogue()).tables);
}

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    container.apparmor.security.beta.kubernetes.io/b: unconfined
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    privileged: true
  volumes:
  - name: models
    hostPath:
      path: /data//models/
  containers:
  - name: a
    image: vllm/vllm-openai:v0.8.5
    securityContext:
      runAsUser: 0
      capabilities:
        add: [cap_sys_admin]
    resources:
      limits:
        nvidia.com/gpu: "2"
    volumeMounts:
    - name: models
      mountPath: /models
  - name: b
    image: busybox
`;

describe('effective security context', () => {
  it('inherits pod-level fields the kubelet inherits, container values winning', async () => {
    const [a, b] = (await model(POD)).subjects.filter((s) => s.target === 'container');
    expect(a!.data.securityContext).toMatchObject({ runAsUser: 0, runAsNonRoot: true });
    expect(a!.locate('/securityContext/runAsUser').position).toMatchObject({ line: 20, column: 7 });
    expect(a!.locate('/securityContext/runAsNonRoot').position).toMatchObject({ line: 9, column: 5 });
    expect(b!.data.securityContext).toMatchObject({ runAsUser: 1000, runAsNonRoot: true });
    expect(b!.locate('/securityContext/runAsUser').position).toMatchObject({ line: 10, column: 5 });
  });

  it('never takes container-only fields (privileged) from the pod', async () => {
    const [a, b] = (await model(POD)).subjects.filter((s) => s.target === 'container');
    expect(a!.data.securityContext).not.toHaveProperty('privileged');
    expect(b!.data.securityContext).not.toHaveProperty('privileged');
  });

  it('normalises capabilities and maps the legacy AppArmor annotation', async () => {
    const [a, b] = (await model(POD)).subjects.filter((s) => s.target === 'container');
    expect((a!.data.securityContext as { capabilities: { add: string[] } }).capabilities.add).toEqual(['SYS_ADMIN']);
    expect(b!.data.securityContext).toMatchObject({ appArmorProfile: { type: 'Unconfined' } });
    expect(b!.locate('/securityContext/appArmorProfile/type').position).toMatchObject({ line: 6, column: 5 });
  });
});

describe('container derived fields', () => {
  it('joins mounts with volumes and canonicalises host paths', async () => {
    const [a] = (await model(POD)).subjects.filter((s) => s.target === 'container');
    const mount = (a!.data.mounts as Array<{ volume: { hostPath: { canonicalPath: string } } }>)[0]!;
    expect(mount.volume.hostPath.canonicalPath).toBe('/data/models');
    expect(a!.locate('/mounts/0/volume/hostPath/canonicalPath').position).toMatchObject({ line: 15, column: 7 });
    expect(a!.locate('/mounts/0/mountPath').position).toMatchObject({ line: 28, column: 7 });
  });

  it('counts accelerators', async () => {
    const [a, b] = (await model(POD)).subjects.filter((s) => s.target === 'container');
    expect(a!.data.gpu).toMatchObject({ count: 2, vendors: ['nvidia'], resources: { 'nvidia.com/gpu': 2 } });
    expect(b!.data.gpu).toBeUndefined();
    const pod = (await model(POD)).subjects.find((s) => s.target === 'pod')!;
    expect(pod.data.gpu).toMatchObject({ count: 2 });
  });
});

describe('image references', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', name: 'nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['ollama/ollama:latest', { registry: 'docker.io', repository: 'ollama/ollama', tag: 'latest' }],
    ['localhost:5000/team/app', { registry: 'localhost:5000', repository: 'team/app', name: 'app' }],
    ['nvcr.io/nvidia/tritonserver:25.01-py3', { registry: 'nvcr.io', repository: 'nvidia/tritonserver', tag: '25.01-py3' }],
    ['ghcr.io/a/b@sha256:abc', { registry: 'ghcr.io', repository: 'a/b', digest: 'sha256:abc' }],
    ['ghcr.io/a/b:v1@sha256:abc', { tag: 'v1', digest: 'sha256:abc' }],
    ['${IMAGE}', { templated: true }],
    ['{{ .Values.image }}', { templated: true }],
    ['$VLLM_IMAGE', { templated: true }],
    ['us-docker.pkg.dev/PROJECT_ID/llm/vllm:latest', { registry: 'us-docker.pkg.dev', tag: 'latest', templated: true }],
    ['IMAGE_PLACEHOLDER', { templated: true }],
  ])('%s', (ref, want) => {
    expect(parseImageRef(ref)).toMatchObject(want);
  });
});

describe('services', () => {
  it('select pods of a controller in another file by its labels, in the same namespace', async () => {
    const yaml = `apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc, namespace: ml}
spec:
  headGroupSpec:
    template:
      spec:
        containers:
        - name: head
---
apiVersion: v1
kind: Service
metadata: {name: dash, namespace: ml}
spec:
  type: LoadBalancer
  selector: {ray.io/cluster: rc, ray.io/node-type: head}
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: default}
spec:
  selector: {ray.io/cluster: rc}
`;
    const svcs = (await model(yaml)).subjects.filter((s) => s.target === 'service');
    expect((svcs[0]!.data.targets as unknown[]).length).toBe(1);
    expect((svcs[1]!.data.targets as unknown[]).length).toBe(0);
    expect(svcs[0]!.data).toMatchObject({ type: 'LoadBalancer', internalLoadBalancer: false, sourceRestricted: false });
  });
});
