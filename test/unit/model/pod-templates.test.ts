// Every kind in rules.d/data/workload-kinds.yaml: the containers aigis finds, and where they are.

import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import { buildModel } from '../../../src/model/build.js';
import { testCatalogue } from '../../helpers/scan.js';

async function containers(yaml: string) {
  const docs = loadManifestText(yaml, { kind: 'file', path: 'x.yaml' }).documents;
  const model = buildModel(docs, (await testCatalogue()).tables);
  return model.subjects
    .filter((s) => s.target === 'container')
    .map((s) => `${s.data.name}@${s.locate('').position!.line}`);
}

const cases: Array<[string, string, string[]]> = [
  ['Pod', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  initContainers:\n  - name: init\n  containers:\n  - name: main\n', ['init@6', 'main@8']],
  ['CronJob', 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: job\n', ['job@10']],
  [
    'InferenceService',
    'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: i}\nspec:\n  predictor:\n    model:\n      modelFormat: {name: huggingface}\n    containers:\n    - name: side\n    workerSpec:\n      containers:\n      - name: worker\n  transformer:\n    containers:\n    - name: tx\n',
    ['side@9', 'kserve-container@6', 'worker@12', 'tx@15'],
  ],
  ['ServingRuntime', 'apiVersion: serving.kserve.io/v1alpha1\nkind: ClusterServingRuntime\nmetadata: {name: r}\nspec:\n  containers:\n  - name: kserve-container\n', ['kserve-container@6']],
  ['LLMInferenceService', 'apiVersion: serving.kserve.io/v1alpha1\nkind: LLMInferenceService\nmetadata: {name: l}\nspec:\n  template:\n    containers:\n    - name: main\n  prefill:\n    template:\n      containers:\n      - name: prefill\n', ['main@7', 'prefill@11']],
  [
    'RayCluster',
    'apiVersion: ray.io/v1\nkind: RayCluster\nmetadata: {name: r}\nspec:\n  headGroupSpec:\n    template:\n      spec:\n        containers:\n        - name: head\n  workerGroupSpecs:\n  - template:\n      spec:\n        containers:\n        - name: w1\n  - template:\n      spec:\n        containers:\n        - name: w2\n',
    ['head@9', 'w1@14', 'w2@18'],
  ],
  ['RayJob submitter', 'apiVersion: ray.io/v1\nkind: RayJob\nmetadata: {name: j}\nspec:\n  submitterPodTemplate:\n    spec:\n      containers:\n      - name: submit\n', ['submit@8']],
  ['PyTorchJob', 'apiVersion: kubeflow.org/v1\nkind: PyTorchJob\nmetadata: {name: t}\nspec:\n  pytorchReplicaSpecs:\n    Master:\n      template:\n        spec:\n          containers:\n          - name: pytorch\n    Worker:\n      template:\n        spec:\n          containers:\n          - name: pytorch\n', ['pytorch@10', 'pytorch@15']],
  ['Notebook', 'apiVersion: kubeflow.org/v1\nkind: Notebook\nmetadata: {name: n}\nspec:\n  template:\n    spec:\n      containers:\n      - name: nb\n', ['nb@8']],
  ['TrainingRuntime', 'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: ClusterTrainingRuntime\nmetadata: {name: t}\nspec:\n  template:\n    spec:\n      replicatedJobs:\n      - name: node\n        template:\n          spec:\n            template:\n              spec:\n                containers:\n                - name: node\n', ['node@14']],
  ['TrainJob (flattened)', 'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata: {name: t}\nspec:\n  trainer:\n    image: pytorch/pytorch:2.5.0\n    env:\n    - {name: A, value: b}\n', ['trainer@5']],
  ['LeaderWorkerSet', 'apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: l}\nspec:\n  leaderWorkerTemplate:\n    leaderTemplate:\n      spec:\n        containers:\n        - name: leader\n    workerTemplate:\n      spec:\n        containers:\n        - name: worker\n', ['leader@9', 'worker@13']],
  ['JobSet', 'apiVersion: jobset.x-k8s.io/v1alpha2\nkind: JobSet\nmetadata: {name: j}\nspec:\n  replicatedJobs:\n  - name: w\n    template:\n      spec:\n        template:\n          spec:\n            containers:\n            - name: w\n', ['w@12']],
  ['Volcano Job', 'apiVersion: batch.volcano.sh/v1alpha1\nkind: Job\nmetadata: {name: v}\nspec:\n  tasks:\n  - name: t\n    template:\n      spec:\n        containers:\n        - name: t\n', ['t@10']],
  [
    'Argo Workflow',
    'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: w}\nspec:\n  hostNetwork: true\n  templates:\n  - name: a\n    container:\n      image: busybox\n  - name: b\n    script:\n      image: python\n      source: print(1)\n  - name: c\n    containerSet:\n      containers:\n      - name: c1\n    sidecars:\n    - name: s\n    initContainers:\n    - name: i\n',
    ['main@8', 'main@11', 'i@21', 'c1@17', 's@19'],
  ],
  ['Knative Service', 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: k}\nspec:\n  template:\n    spec:\n      containers:\n      - image: x\n', ['@8']],
  ['SeldonDeployment', 'apiVersion: machinelearning.seldon.io/v1\nkind: SeldonDeployment\nmetadata: {name: s}\nspec:\n  predictors:\n  - componentSpecs:\n    - spec:\n        containers:\n        - name: classifier\n', ['classifier@9']],
  ['KAITO Workspace', 'apiVersion: kaito.sh/v1beta1\nkind: Workspace\nmetadata: {name: k}\ninference:\n  template:\n    spec:\n      containers:\n      - name: custom\n', ['custom@8']],
  ['NIMService (flattened)', 'apiVersion: apps.nvidia.com/v1alpha1\nkind: NIMService\nmetadata: {name: n}\nspec:\n  image:\n    repository: nvcr.io/nim/meta/llama3-8b-instruct\n    tag: "1.0.3"\n  env:\n  - {name: X, value: y}\n', ['nim@4']],
];

describe('pod templates', () => {
  it.each(cases)('%s', async (_kind, yaml, want) => {
    expect(await containers(yaml)).toEqual(want);
  });

  it('an Argo template inherits workflow-level pod fields', async () => {
    const yaml = cases.find((c) => c[0] === 'Argo Workflow')![1];
    const docs = loadManifestText(yaml, { kind: 'file', path: 'x.yaml' }).documents;
    const model = buildModel(docs, (await testCatalogue()).tables);
    const pods = model.subjects.filter((s) => s.target === 'pod');
    expect(pods.every((p) => p.data.hostNetwork === true)).toBe(true);
    expect(pods[0]!.locate('/hostNetwork').position).toMatchObject({ line: 5, column: 3 });
  });

  it('a NIMService container reads its image from repository and tag', async () => {
    const yaml = cases.find((c) => c[0] === 'NIMService (flattened)')![1];
    const docs = loadManifestText(yaml, { kind: 'file', path: 'x.yaml' }).documents;
    const c = buildModel(docs, (await testCatalogue()).tables).subjects.find((s) => s.target === 'container')!;
    expect(c.data.image).toMatchObject({ registry: 'nvcr.io', repository: 'nim/meta/llama3-8b-instruct', tag: '1.0.3' });
    // The tag is located at its own field (line 7, `tag:`), not at the repository.
    expect(c.locate('/image/tag').position).toMatchObject({ line: 7, column: 5 });
    expect(c.locate('/env/0/value').position).toMatchObject({ line: 9, column: 15 });
  });
});
