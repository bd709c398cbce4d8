// One weakness, one finding, with the whole catalogue running (the rule harness runs one rule at
// a time, so supersession between a GPU rule and its generic twin is checked here).

import { describe, expect, it } from 'vitest';
import { brief, scanYaml } from '../../helpers/scan.js';

const PRIVILEGED_GPU = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: trainer
spec:
  selector:
    matchLabels: { app: trainer }
  template:
    metadata:
      labels: { app: trainer }
    spec:
      containers:
        - name: trainer
          image: nvcr.io/nvidia/pytorch:24.07-py3
          securityContext:
            privileged: true
          resources:
            limits: { nvidia.com/gpu: 1 }
`;

describe('GPU rules supersede their generic twins', () => {
  it('a privileged GPU container is one critical finding (gpu-privileged-container), not two', async () => {
    const { findings } = await scanYaml(PRIVILEGED_GPU);
    // Line 16, column 13: securityContext.privileged.
    const atPrivileged = findings.filter((f) => f.location.position?.line === 16 && f.location.position?.column === 13);
    expect(brief(atPrivileged)).toEqual(['gpu-privileged-container@16:13']);
    expect(atPrivileged[0]!.severity).toBe('critical');
    expect(findings.some((f) => f.ruleId === 'privileged-container')).toBe(false);
  });

  it('the same container without a GPU keeps the generic finding', async () => {
    const { findings } = await scanYaml(PRIVILEGED_GPU.replace('          resources:\n            limits: { nvidia.com/gpu: 1 }\n', ''));
    expect(brief(findings.filter((f) => f.ruleId.includes('privileged-container')))).toEqual(['privileged-container@16:13']);
  });

  it('host IPC, host network, capabilities, hostPath, tags, limits and env secrets each report once on a GPU pod', async () => {
    const yaml = `apiVersion: v1
kind: Pod
metadata:
  name: llm
spec:
  hostIPC: true
  hostNetwork: true
  volumes:
    - name: models
      hostPath: { path: /data/models }
  containers:
    - name: vllm
      image: vllm/vllm-openai:latest
      env:
        - { name: HF_TOKEN, value: hf_kQeXbVtLmNpRsTuWyZaBcDeFgHiJkLmNoP }
      securityContext:
        capabilities:
          add: [SYS_ADMIN]
      volumeMounts:
        - { name: models, mountPath: /models }
      resources:
        limits: { nvidia.com/gpu: 1 }
`;
    const { findings } = await scanYaml(yaml);
    const ids = findings.map((f) => f.ruleId);
    for (const generic of [
      'host-ipc',
      'host-network',
      'dangerous-capabilities',
      'capabilities-not-dropped',
      'host-path-volume',
      'image-mutable-tag',
      'image-not-digest-pinned',
      'ai-image-mutable-tag',
      'resource-limits-missing',
      'secret-in-env-literal',
    ]) {
      expect(ids, generic).not.toContain(generic);
    }
    for (const gpu of ['gpu-host-ipc', 'gpu-host-network', 'gpu-excess-capabilities', 'model-hostpath-mount', 'gpu-unpinned-image', 'gpu-resource-misconfigured', 'ai-token-in-plain-env']) {
      expect(ids, gpu).toContain(gpu);
    }
    // Every place reports at most one finding per rule family: no two findings share a location.
    const places = findings.map((f) => `${f.location.pointer}#${f.ruleId}`);
    expect(new Set(places).size).toBe(places.length);
  });

  it('a GPU Operator DaemonSet stays with the generic rule (infrastructure, privileged by design)', async () => {
    const yaml = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: nvidia-device-plugin-daemonset
  namespace: gpu-operator
spec:
  selector:
    matchLabels: { app: dp }
  template:
    metadata:
      labels: { app: dp }
    spec:
      tolerations:
        - { key: nvidia.com/gpu, operator: Exists }
      containers:
        - name: nvidia-device-plugin
          image: nvcr.io/nvidia/k8s-device-plugin:v0.17.4
          securityContext:
            privileged: true
`;
    const { findings } = await scanYaml(yaml);
    expect(brief(findings.filter((f) => f.ruleId.includes('privileged')))).toEqual(['privileged-container@19:13']);
    expect(findings.filter((f) => f.ruleId.startsWith('gpu-'))).toEqual([]);
  });
});
