// Behaviour of the first rule catalogue that one rule's fixtures cannot show: rules that
// supersede each other (evaluated together), and inheritance across pod and container.

import { describe, expect, it } from 'vitest';
import { brief, scanYaml } from '../../helpers/scan.js';

const HOST_PATHS = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: agent
spec:
  template:
    spec:
      containers:
        - name: agent
          image: busybox:1.36
      volumes:
        - name: sock
          hostPath:
            path: /var/run/docker.sock
        - name: kubelet
          hostPath:
            path: /var/lib/kubelet
        - name: data
          hostPath:
            path: /mnt/data
`;

const HOST_RULES = ['host-path-volume', 'sensitive-host-path', 'container-runtime-socket'];

describe('host path rules', () => {
  it('report each hostPath once, by the most specific rule', async () => {
    const r = await scanYaml(HOST_PATHS, HOST_RULES);
    expect(brief(r.findings).sort()).toEqual([
      'container-runtime-socket@14:13',
      'host-path-volume@19:11',
      'sensitive-host-path@17:13',
    ]);
  });

  it('each report every hostPath they match when evaluated alone', async () => {
    expect(brief((await scanYaml(HOST_PATHS, ['host-path-volume'])).findings)).toHaveLength(3);
    // The socket file itself is container-runtime-socket's alone; its directory is sensitive too.
    expect(brief((await scanYaml(HOST_PATHS, ['sensitive-host-path'])).findings)).toEqual(['sensitive-host-path@17:13']);
    expect(brief((await scanYaml(HOST_PATHS.replace('/var/run/docker.sock', '/var/run'), ['sensitive-host-path'])).findings)).toEqual([
      'sensitive-host-path@14:13',
      'sensitive-host-path@17:13',
    ]);
  });
});

describe('image rules', () => {
  const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: ${image}
`;
  const IMAGE_RULES = ['image-mutable-tag', 'image-not-digest-pinned'];

  it('report a latest tag once (mutable tag, not also the missing digest)', async () => {
    expect(brief((await scanYaml(deployment('ollama/ollama:latest'), IMAGE_RULES)).findings)).toEqual(['image-mutable-tag@10:11']);
    expect(brief((await scanYaml(deployment('ollama/ollama'), IMAGE_RULES)).findings)).toEqual(['image-mutable-tag@10:11']);
  });

  it('report a release tag as not digest-pinned only', async () => {
    expect(brief((await scanYaml(deployment('ollama/ollama:0.5.7'), IMAGE_RULES)).findings)).toEqual(['image-not-digest-pinned@10:11']);
  });

  it('leave digests and templated references alone', async () => {
    const digest = 'ollama/ollama@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a';
    expect((await scanYaml(deployment(digest), IMAGE_RULES)).findings).toEqual([]);
    expect((await scanYaml(deployment('"${REGISTRY}/ollama:${TAG}"'), IMAGE_RULES)).findings).toEqual([]);
    expect((await scanYaml(deployment('"{{ .Values.image.repository }}:{{ .Values.image.tag }}"'), IMAGE_RULES)).findings).toEqual([]);
  });
});

describe('security context inheritance', () => {
  const POD_LEVEL = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  securityContext:
    runAsNonRoot: true
    privileged: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities: { add: [SYS_ADMIN], drop: [ALL] }
    procMount: Unmasked
  containers:
    - name: app
      image: nginx:1.27
`;

  it('takes inherited fields from the pod and container-only fields only from the container', async () => {
    const rules = [
      'run-as-root',
      'privileged-container',
      'privilege-escalation-allowed',
      'writable-root-filesystem',
      'dangerous-capabilities',
      'capabilities-not-dropped',
      'unsafe-proc-mount',
    ];
    // runAsNonRoot at pod level satisfies run-as-root; the container-only fields written at pod
    // level neither trigger their rules (privileged, SYS_ADMIN, Unmasked) nor satisfy them (the
    // missing ones are reported at the container, line 14).
    expect(brief((await scanYaml(POD_LEVEL, rules)).findings).sort()).toEqual([
      'capabilities-not-dropped@14:7',
      'privilege-escalation-allowed@14:7',
      'writable-root-filesystem@14:7',
    ]);
  });
});
