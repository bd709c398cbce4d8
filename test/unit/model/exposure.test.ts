// The exposure graph: which objects publish which containers, how far, behind what auth.

import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/loaders/manifests/index.js';
import { buildModel } from '../../../src/model/build.js';
import path from 'node:path';
import { calicoSelector, matchSelector } from '../../../src/model/exposure.js';
import { brief, scanPaths, testCatalogue } from '../../helpers/scan.js';

type Obj = Record<string, unknown>;

async function model(text: string) {
  const { documents } = loadManifestText(text, { kind: 'file', path: 'test.yaml' });
  return buildModel(documents, (await testCatalogue()).tables);
}

/** `exposes` of the object named `name` (first of that name), as [via, kind, scope, container:ports, authFront] rows. */
async function exposes(text: string, kind: string, name: string) {
  const m = await model(text);
  const o = m.graph.objects.find((x) => x.ref.kind === kind && x.ref.name === name)!;
  return ((o.subject.data.exposes as Obj[] | undefined) ?? []).map((e) => ({
    via: e.via,
    kind: e.kind,
    scope: e.scope,
    reach: (e.containers as Obj[]).map((c) => `${String(c.name)}:${(c.ports as Obj[]).map((p) => p.port).join(',')}${c.authFront ? ' (fronted)' : ''}`),
  }));
}

const deployment = (ports = '[{ name: http, containerPort: 11434 }]', extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ollama, namespace: ml }
spec:
  template:
    metadata: { labels: { app: ollama } }
    spec:
      containers:
        - name: ollama
          image: ollama/ollama:0.9.0
          ports: ${ports}
${extra}---
`;

const service = (spec: string, meta = '') => `apiVersion: v1
kind: Service
metadata: { name: ollama, namespace: ml${meta} }
spec:
  selector: { app: ollama }
${spec}
`;

describe('Services', () => {
  it('resolves a named targetPort and gives LoadBalancers a public scope', async () => {
    const text = deployment() + service('  type: LoadBalancer\n  ports: [{ port: 80, targetPort: http }]');
    expect(await exposes(text, 'Service', 'ollama')).toEqual([{ via: 'Service', kind: 'LoadBalancer', scope: 'public', reach: ['ollama:11434'] }]);
  });

  it('scopes internal, source-restricted, NodePort, ClusterIP and externalIPs Services', async () => {
    const scope = async (spec: string, meta = '') => (await exposes(deployment() + service(spec, meta), 'Service', 'ollama'))[0]!.scope;
    expect(await scope('  type: LoadBalancer\n  ports: [{ port: 80, targetPort: 11434 }]', ', annotations: { networking.gke.io/load-balancer-type: Internal }')).toBe('internal');
    expect(await scope('  type: LoadBalancer\n  loadBalancerSourceRanges: [10.0.0.0/8]\n  ports: [{ port: 80 }]')).toBe('restricted');
    expect(await scope('  type: LoadBalancer\n  loadBalancerSourceRanges: [0.0.0.0/0]\n  ports: [{ port: 80 }]')).toBe('public');
    expect(await scope('  type: NodePort\n  ports: [{ port: 80 }]')).toBe('node');
    expect(await scope('  ports: [{ port: 80 }]')).toBe('cluster');
    expect(await scope('  externalIPs: [192.0.2.7]\n  ports: [{ port: 80 }]')).toBe('public');
  });

  it('reaches an undeclared port through the component table, or the only container', async () => {
    const undeclared = deployment('[]') + service('  type: NodePort\n  ports: [{ port: 11434 }]');
    expect((await exposes(undeclared, 'Service', 'ollama'))[0]!.reach).toEqual(['ollama:11434']);
    const wrongPort = deployment('[]') + service('  type: NodePort\n  ports: [{ port: 9999 }]');
    expect((await exposes(wrongPort, 'Service', 'ollama'))[0]!.reach).toEqual(['ollama:9999']);
  });

  it('reaches nothing through a port name no container declares', async () => {
    const text = deployment() + service('  type: LoadBalancer\n  ports: [{ port: 80, targetPort: web }]');
    expect((await exposes(text, 'Service', 'ollama'))[0]!.reach).toEqual([]);
  });

  it('puts the exposure on each container and pod, and components on Service targets', async () => {
    const m = await model(deployment() + service('  type: NodePort\n  ports: [{ port: 80, targetPort: http }]'));
    expect(m.graph.containers[0]!.subject.data.exposure).toEqual([
      expect.objectContaining({ via: 'Service', kind: 'NodePort', object: 'Service/ollama', scope: 'node', external: true, authFront: false }),
    ]);
    expect((m.graph.pods[0]!.subject.data.exposure as Obj[])[0]).toMatchObject({ container: 'ollama', object: 'Service/ollama' });
    expect(m.graph.services[0]!.subject.data.targets).toEqual([expect.objectContaining({ containers: [expect.objectContaining({ component: expect.objectContaining({ id: 'ollama' }) })] })]);
  });
});

describe('Ingresses, routes and Gateway API', () => {
  const backend = deployment() + service('  ports: [{ name: api, port: 80, targetPort: http }]') + '---\n';

  it('follows Ingress → Service → pod and notes auth annotations and paths', async () => {
    const ing = (annotations: string, cls = 'nginx') => `${backend}apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: ml, annotations: { ${annotations} } }
spec:
  ingressClassName: ${cls}
  rules:
    - http:
        paths:
          - { path: /api, pathType: Prefix, backend: { service: { name: ollama, port: { name: api } } } }
`;
    expect(await exposes(ing(''), 'Ingress', 'web')).toEqual([{ via: 'Ingress', kind: 'Ingress', scope: 'public', reach: ['ollama:11434'] }]);
    expect((await exposes(ing('nginx.ingress.kubernetes.io/auth-type: basic'), 'Ingress', 'web'))[0]!.reach).toEqual(['ollama:11434 (fronted)']);
    expect((await exposes(ing('nginx.ingress.kubernetes.io/auth-type: none'), 'Ingress', 'web'))[0]!.reach).toEqual(['ollama:11434']);
    expect((await exposes(ing('', 'nginx-internal'), 'Ingress', 'web'))[0]!.scope).toBe('internal');
    expect((await exposes(ing('nginx.ingress.kubernetes.io/whitelist-source-range: "10.0.0.0/8"'), 'Ingress', 'web'))[0]!.scope).toBe('restricted');
    const m = await model(ing(''));
    expect((m.graph.objects.find((o) => o.ref.kind === 'Ingress')!.subject.data.exposes as Obj[])[0]).toMatchObject({ paths: ['/api'], service: 'ollama' });
  });

  it('counts a Traefik middleware only when it authenticates', async () => {
    const text = (spec: string) => `${backend}apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: { name: sso, namespace: ml }
spec: ${spec}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: ml, annotations: { traefik.ingress.kubernetes.io/router.middlewares: ml-sso@kubernetescrd } }
spec:
  defaultBackend: { service: { name: ollama, port: { number: 80 } } }
`;
    expect((await exposes(text('{ forwardAuth: { address: "http://auth" } }'), 'Ingress', 'web'))[0]!.reach).toEqual(['ollama:11434 (fronted)']);
    expect((await exposes(text('{ stripPrefix: { prefixes: [/x] } }'), 'Ingress', 'web'))[0]!.reach).toEqual(['ollama:11434']);
  });

  it('follows OpenShift Routes by target port', async () => {
    const text = `${backend}apiVersion: route.openshift.io/v1
kind: Route
metadata: { name: ollama, namespace: ml }
spec:
  to: { kind: Service, name: ollama }
  port: { targetPort: http }
`;
    expect(await exposes(text, 'Route', 'ollama')).toEqual([{ via: 'Route', kind: 'Route', scope: 'public', reach: ['ollama:11434'] }]);
  });

  it('follows GRPCRoutes to Services and marks routes with a SecurityPolicy on their Gateway', async () => {
    const text = `${backend}apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: { name: g, namespace: ml }
spec:
  parentRefs: [{ name: public-gw }]
  rules: [{ backendRefs: [{ name: ollama, port: 80 }] }]
---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: { name: jwt, namespace: ml }
spec:
  targetRef: { group: gateway.networking.k8s.io, kind: Gateway, name: public-gw }
  jwt: { providers: [{ name: idp, remoteJWKS: { uri: "https://idp/jwks" } }] }
`;
    expect(await exposes(text, 'GRPCRoute', 'g')).toEqual([{ via: 'GRPCRoute', kind: 'GRPCRoute', scope: 'public', reach: ['ollama:11434 (fronted)'] }]);
  });
});

describe('host ports, host network and operators', () => {
  it('publishes a hostPort on the node, and every listening port with hostNetwork', async () => {
    const hostPort = deployment('[{ containerPort: 11434, hostPort: 11434 }]');
    expect(await exposes(hostPort, 'Deployment', 'ollama')).toEqual([{ via: 'hostPort', kind: 'hostPort', scope: 'node', reach: ['ollama:11434'] }]);
    const hostNetwork = deployment('[{ containerPort: 8080, name: metrics }]', '      hostNetwork: true\n');
    expect(await exposes(hostNetwork, 'Deployment', 'ollama')).toEqual([{ via: 'hostNetwork', kind: 'hostNetwork', scope: 'node', reach: ['ollama:8080,11434'] }]);
  });

  it('follows KubeRay serviceType and enableIngress to the head only', async () => {
    const rc = (head: string) => `apiVersion: ray.io/v1
kind: RayCluster
metadata: { name: rc, namespace: ray }
spec:
  headGroupSpec:
${head}
    template: { spec: { containers: [{ name: head, image: rayproject/ray:2.46.0 }] } }
  workerGroupSpecs:
    - template: { spec: { containers: [{ name: worker, image: rayproject/ray:2.46.0 }] } }
`;
    expect(await exposes(rc('    serviceType: NodePort'), 'RayCluster', 'rc')).toEqual([{ via: 'head Service', kind: 'NodePort', scope: 'node', reach: ['head:8265,10001,6379,8080,52365'] }]);
    expect(await exposes(rc('    enableIngress: true'), 'RayCluster', 'rc')).toEqual([{ via: 'head Ingress', kind: 'true', scope: 'public', reach: ['head:8265'] }]);
    expect(await exposes(rc('    serviceType: ClusterIP'), 'RayCluster', 'rc')).toEqual([]);
  });

  it('follows NIMService expose and KServe visibility (serving port only)', async () => {
    const nim = `apiVersion: apps.nvidia.com/v1alpha1
kind: NIMService
metadata: { name: llama, namespace: nim }
spec:
  image: { repository: nvcr.io/nim/meta/llama-3.1-8b-instruct, tag: "1.3.3" }
  expose:
    service: { type: LoadBalancer, port: 8000 }
`;
    expect(await exposes(nim, 'NIMService', 'llama')).toEqual([{ via: 'NIM Service', kind: 'LoadBalancer', scope: 'public', reach: ['nim:8000'] }]);
    const isvc = (labels: string) => `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: { name: ts, namespace: kserve${labels} }
spec:
  predictor:
    containers:
      - name: kserve-container
        image: pytorch/torchserve-kfs:0.9.0
`;
    expect(await exposes(isvc(''), 'InferenceService', 'ts')).toEqual([{ via: 'KServe ingress', kind: 'default', scope: 'public', reach: ['kserve-container:8080'] }]);
    expect(await exposes(isvc(', labels: { networking.kserve.io/visibility: cluster-local }'), 'InferenceService', 'ts')).toEqual([
      { via: 'KServe ingress', kind: 'cluster-local', scope: 'cluster', reach: ['kserve-container:8080'] },
    ]);
  });
});

describe('Services operators create', () => {
  it('resolves backends naming them (KubeRay head and serve Services, Kubeflow notebooks)', async () => {
    const text = `apiVersion: ray.io/v1
kind: RayService
metadata: { name: llm, namespace: ray }
spec:
  rayClusterConfig:
    headGroupSpec:
      template: { spec: { containers: [{ name: head, image: rayproject/ray:2.46.0 }] } }
---
apiVersion: kubeflow.org/v1
kind: Notebook
metadata: { name: nb, namespace: ray }
spec:
  template: { spec: { containers: [{ name: nb, image: ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter:v1.10.0 }] } }
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: web, namespace: ray }
spec:
  rules:
    - http:
        paths:
          - { path: /serve, pathType: Prefix, backend: { service: { name: llm-serve-svc, port: { number: 8000 } } } }
          - { path: /dash, pathType: Prefix, backend: { service: { name: llm-head-svc, port: { number: 8265 } } } }
          - { path: /nb, pathType: Prefix, backend: { service: { name: nb, port: { number: 80 } } } }
          - { path: /x, pathType: Prefix, backend: { service: { name: llm-other, port: { number: 80 } } } }
`;
    expect((await exposes(text, 'Ingress', 'web')).map((e) => e.reach)).toEqual([['head:8000'], ['head:8265'], ['nb:8888'], []]);
  });
});

describe('auth fronts in the pod', () => {
  it('counts an oauth2-proxy sidecar in front of the AI container it proxies', async () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: nb, namespace: ds, labels: { app: nb } }
spec:
  containers:
    - { name: notebook, image: "quay.io/jupyter/base-notebook:2025-01-01" }
    - { name: proxy, image: "quay.io/oauth2-proxy/oauth2-proxy:v7.9.0", ports: [{ name: https, containerPort: 4180 }] }
---
apiVersion: v1
kind: Service
metadata: { name: nb, namespace: ds }
spec:
  type: LoadBalancer
  selector: { app: nb }
  ports: [{ port: 443, targetPort: https }]
`;
    expect((await exposes(text, 'Service', 'nb'))[0]!.reach).toEqual(['proxy:4180', 'notebook:8888 (fronted)']);
  });

  it('counts Istio AuthorizationPolicies that require a principal, not allow-all ones', async () => {
    const text = (rules: string) => `${deployment()}${service('  type: NodePort\n  ports: [{ port: 80, targetPort: http }]')}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ap, namespace: ml }
spec:
  selector: { matchLabels: { app: ollama } }
  rules: ${rules}
`;
    expect((await exposes(text('[{ from: [{ source: { requestPrincipals: ["*"] } }] }]'), 'Service', 'ollama'))[0]!.reach).toEqual(['ollama:11434 (fronted)']);
    expect((await exposes(text('[{ to: [{ operation: { methods: [GET] } }] }]'), 'Service', 'ollama'))[0]!.reach).toEqual(['ollama:11434']);
  });
});

describe('NetworkPolicies', () => {
  it('matches label selectors with expressions', () => {
    const labels = { app: 'vllm', tier: 'gpu' };
    expect(matchSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['vllm', 'tgi'] }] }, labels, false)).toBe(true);
    expect(matchSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['gpu'] }] }, labels, false)).toBe(false);
    expect(matchSelector({}, labels, true)).toBe(true);
    expect(matchSelector({}, labels, false)).toBe(false);
  });

  it('reads Calico selector expressions, and assumes a match for ones it does not parse', () => {
    expect(calicoSelector("app == 'vllm' && has(tier)")({ app: 'vllm', tier: 'x' })).toBe(true);
    expect(calicoSelector("app in {'tgi', 'vllm'} && !has(debug)")({ app: 'vllm', debug: '1' })).toBe(false);
    expect(calicoSelector('all()')({})).toBe(true);
    expect(calicoSelector("app == 'a' || app == 'b'")({ app: 'c' })).toBe(true);
  });

  it('marks pods selected for ingress, and ignores egress-only policies', async () => {
    const text = (types: string) => `${deployment()}apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: np, namespace: ml }
spec:
  podSelector: { matchLabels: { app: ollama } }
  policyTypes: ${types}
`;
    expect((await model(text('[Ingress]'))).graph.pods[0]!.subject.data.networkPolicy).toEqual({ ingressIsolated: true, policies: ['NetworkPolicy/np'] });
    expect((await model(text('[Egress]'))).graph.pods[0]!.subject.data.networkPolicy).toEqual({ ingressIsolated: false, policies: [] });
  });
});

describe('one exposure, one finding', () => {
  const fixtures = path.join(path.dirname(new URL(import.meta.url).pathname), '../../rules');

  it('an unauthenticated AI server behind a public LoadBalancer replaces the generic LoadBalancer finding', async () => {
    const dir = path.join(fixtures, 'ai-server-exposed-unauthenticated/fail/ollama-split');
    const result = await scanPaths([dir], ['ai-server-exposed-unauthenticated', 'service-public-loadbalancer']);
    expect(result.findings.map((f) => `${f.ruleId} ${path.basename(f.location.file ?? '')}:${f.location.position?.line}`)).toEqual([
      'ai-server-exposed-unauthenticated service.yaml:12',
    ]);
  });

  it('the source-restricted LoadBalancer and the authenticated Ingress give neither finding', async () => {
    for (const c of ['ollama-split-source-ranges', 'ollama-split-ingress-auth']) {
      const result = await scanPaths([path.join(fixtures, 'ai-server-exposed-unauthenticated/pass', c)], ['ai-server-exposed-unauthenticated', 'service-public-loadbalancer']);
      expect(brief(result.findings)).toEqual([]);
    }
  });

  it('a RayCluster head on a LoadBalancer is reported once, as ray-dashboard-exposed', async () => {
    const rules = ['ray-dashboard-exposed', 'ai-server-exposed-unauthenticated', 'distributed-control-port-exposed', 'ai-metrics-exposed'];
    const lb = await scanPaths([path.join(fixtures, 'ray-dashboard-exposed/fail/raycluster-loadbalancer.yaml')], rules);
    expect(brief(lb.findings)).toEqual(['ray-dashboard-exposed@10:5']);
    const clusterIp = await scanPaths([path.join(fixtures, 'ray-dashboard-exposed/pass/raycluster-clusterip.yaml')], rules);
    expect(brief(clusterIp.findings)).toEqual([]);
  });
});
