// Documents → subjects. Every Kubernetes object becomes an `object` subject; objects holding pod
// templates also become a `workload`, a `pod` per template and a `container` per container;
// Services, Ingresses/Routes and namespaces get their own subjects. Cross-object facts (which pods
// a Service selects) are linked here, once, so that rules stay declarative.

import path from 'node:path';
import type { DataTables } from '../rules/data.js';
import { copyWith } from '../util/copy.js';
import { ENRICHERS } from './enrichers.js';
import { parseImageRef } from './image-ref.js';
import { extractPodTemplates, type ContainerInstance, type PodTemplateInstance } from './pod-templates.js';
import { effectiveSecurityContext } from './security-context.js';
import { DocumentSubject } from './subject.js';
import { apiGroup, modelTables, type ModelTables } from './tables.js';
import type { LoadedDocument, ObjectRef, Subject } from './types.js';

type Obj = Record<string, unknown>;

export interface WorkloadRecord {
  subject: DocumentSubject;
  doc: LoadedDocument;
  object: Obj;
  ref: ObjectRef;
  namespace: string;
  pods: PodRecord[];
}

export interface PodRecord {
  subject: DocumentSubject;
  template: PodTemplateInstance;
  workload: WorkloadRecord;
  namespace: string;
  labels: Record<string, string>;
  containers: ContainerRecord[];
}

export interface ContainerRecord {
  subject: DocumentSubject;
  instance: ContainerInstance;
  pod: PodRecord;
  /**
   * What the enrichers work out once per container and share (its environment, argv tokens,
   * component facts), by name. Kept on the record, not in WeakMaps keyed by it: tens of thousands
   * of WeakMap entries made every full garbage collection pause ~180 ms (bench/README.md).
   */
  cache: Record<string, unknown>;
}

export interface ObjectRecord {
  subject: DocumentSubject;
  doc: LoadedDocument;
  object: Obj;
  ref: ObjectRef;
  namespace: string;
}

export interface NamespaceRecord {
  name: string;
  doc?: LoadedDocument;
  objects: ObjectRecord[];
  subject?: DocumentSubject;
}

/** Everything the builder knows, handed to enrichers (src/model/enrichers.ts) before rules run. */
export interface ModelGraph {
  tables: ModelTables;
  objects: ObjectRecord[];
  workloads: WorkloadRecord[];
  pods: PodRecord[];
  /** `pods` by namespace (same order): Services, pools and namespaces look pods up here. */
  podsByNamespace: Map<string, PodRecord[]>;
  containers: ContainerRecord[];
  services: ObjectRecord[];
  ingresses: ObjectRecord[];
  namespaces: Map<string, NamespaceRecord>;
  /** Objects by kind (Service, NetworkPolicy, ServiceAccount, …) for enrichers that link them. */
  byKind: Map<string, ObjectRecord[]>;
  /** Raw secret values seen in the input; masked in every output. */
  secrets: Set<string>;
  /** Extra subjects enrichers add. */
  extra: Subject[];
}

export interface Model {
  subjects: Subject[];
  graph: ModelGraph;
}

const INGRESS_KINDS = new Set(['networking.k8s.io/Ingress', 'extensions/Ingress', 'gateway.networking.k8s.io/HTTPRoute', 'gateway.networking.k8s.io/GRPCRoute', 'route.openshift.io/Route']);

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function objectRef(obj: Obj): ObjectRef {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  const ref: ObjectRef = { apiVersion: String(obj.apiVersion), kind: String(obj.kind) };
  if (typeof meta.namespace === 'string') ref.namespace = meta.namespace;
  if (meta.name !== undefined) ref.name = String(meta.name);
  else if (typeof meta.generateName === 'string') ref.name = `${meta.generateName}*`;
  return ref;
}

export function objectKey(ref: ObjectRef): string {
  return `${ref.apiVersion}/${ref.kind}/${ref.namespace ?? ''}/${ref.name ?? ''}`;
}

export function buildModel(documents: LoadedDocument[], tables: DataTables): Model {
  const t = modelTables(tables);
  const graph: ModelGraph = {
    tables: t,
    objects: [],
    workloads: [],
    pods: [],
    podsByNamespace: new Map(),
    containers: [],
    services: [],
    ingresses: [],
    namespaces: new Map(),
    byKind: new Map(),
    secrets: new Set(),
    extra: [],
  };

  for (const doc of documents) {
    const obj = doc.data as Obj;
    const ref = objectRef(obj);
    const namespace = ref.namespace ?? 'default';
    const subject = new DocumentSubject('object', obj, objectKey(ref), doc, '', ref);
    const record: ObjectRecord = { subject, doc, object: obj, ref, namespace };
    graph.objects.push(record);
    const list = graph.byKind.get(ref.kind!) ?? [];
    list.push(record);
    graph.byKind.set(ref.kind!, list);

    if (ref.kind === 'Namespace' && apiGroup(ref.apiVersion!) === '') {
      const name = ref.name ?? '';
      const ns = graph.namespaces.get(name) ?? { name, objects: [] };
      ns.doc = doc;
      graph.namespaces.set(name, ns);
    } else if (!t.clusterScoped.has(ref.kind ?? '')) {
      const ns = graph.namespaces.get(namespace) ?? { name: namespace, objects: [] };
      ns.objects.push(record);
      graph.namespaces.set(namespace, ns);
    }

    const groupKind = `${apiGroup(ref.apiVersion!)}/${ref.kind}`;
    // Their own records: the service/ingress subject must not replace the object subject
    // (which would then be evaluated twice, and the `object` subject lost).
    if (groupKind === '/Service') {
      graph.services.push({ ...record });
    } else if (INGRESS_KINDS.has(groupKind)) {
      graph.ingresses.push({ ...record });
    }
    const kind = t.kinds.get(groupKind);
    if (kind) addWorkload(graph, record, extractPodTemplates(obj, kind));
  }

  linkServiceAccounts(graph);
  buildServiceSubjects(graph);
  buildIngressSubjects(graph);
  buildNamespaceSubjects(graph);
  for (const enrich of ENRICHERS) enrich(graph);

  const subjects: Subject[] = [];
  for (const o of graph.objects) subjects.push(o.subject);
  for (const w of graph.workloads) subjects.push(w.subject);
  for (const p of graph.pods) subjects.push(p.subject);
  for (const c of graph.containers) subjects.push(c.subject);
  for (const s of graph.services) subjects.push(s.subject);
  for (const i of graph.ingresses) subjects.push(i.subject);
  for (const ns of graph.namespaces.values()) if (ns.subject) subjects.push(ns.subject);
  for (const s of graph.extra) subjects.push(s);
  return { subjects, graph };
}


function workloadSummary(w: WorkloadRecord): Obj {
  const meta = isObj(w.object.metadata) ? w.object.metadata : {};
  return {
    apiVersion: w.ref.apiVersion,
    kind: w.ref.kind,
    name: w.ref.name,
    namespace: w.namespace,
    labels: isObj(meta.labels) ? meta.labels : {},
    annotations: isObj(meta.annotations) ? meta.annotations : {},
  };
}

function addWorkload(graph: ModelGraph, record: ObjectRecord, templates: PodTemplateInstance[]): void {
  const { doc, object, ref, namespace } = record;
  const data: Obj = copyWith(object, { podTemplates: templates.length });
  const subject = new DocumentSubject('workload', data, `${objectKey(ref)}#workload`, doc, '', ref);
  const workload: WorkloadRecord = { subject, doc, object, ref, namespace, pods: [] };
  graph.workloads.push(workload);
  const summary = workloadSummary(workload);
  const totals: Array<Record<string, unknown> | undefined> = [];

  templates.forEach((tpl, index) => {
    const podKey = `${objectKey(ref)}#pod:${tpl.role ?? ''}:${index}`;
    const podData: Obj = copyWith(tpl.pod, {
      labels: tpl.labels,
      annotations: tpl.annotations,
      namespace,
      role: tpl.role ?? null,
      workload: summary,
    });
    const podSubject = new DocumentSubject('pod', podData, podKey, doc, tpl.podPointer, ref);
    for (const [field, pointer] of Object.entries(tpl.podOrigins)) podSubject.origin(`/${field}`, pointer);
    if (tpl.labelsPointer) podSubject.origin('/labels', tpl.labelsPointer);
    if (tpl.annotationsPointer) podSubject.origin('/annotations', tpl.annotationsPointer);
    podSubject.origin('/workload', '');
    podSubject.origin('/workload/name', '/metadata/name');
    podSubject.origin('/workload/namespace', '/metadata/namespace');
    podSubject.origin('/workload/labels', '/metadata/labels');
    if (Array.isArray(tpl.pod.volumes)) {
      const volPtr = tpl.podOrigins.volumes ?? `${tpl.podPointer}/volumes`;
      podData.volumes = (tpl.pod.volumes as unknown[]).map((v, i) => withCanonicalHostPath(v, podSubject, `/volumes/${i}`, `${volPtr}/${i}`));
    }

    const pod: PodRecord = { subject: podSubject, template: tpl, workload, namespace, labels: tpl.labels, containers: [] };
    const podGpu: GpuTotals = { count: 0, resources: {}, vendors: [] };
    for (const c of tpl.containers) {
      const container = buildContainer(graph, pod, c, summary);
      pod.containers.push(container);
      graph.containers.push(container);
      addGpu(podGpu, container.subject.data.gpu as GpuTotals | undefined);
    }
    if (podGpu.count > 0 || podGpu.vendors.length) podData.gpu = podGpu;
    totals.push(podData.gpu as Obj | undefined);
    workload.pods.push(pod);
    graph.pods.push(pod);
    const inNamespace = graph.podsByNamespace.get(namespace);
    if (inNamespace) inNamespace.push(pod);
    else graph.podsByNamespace.set(namespace, [pod]);
  });
  const wGpu: GpuTotals = { count: 0, resources: {}, vendors: [] };
  for (const g of totals) addGpu(wGpu, g as GpuTotals | undefined);
  if (wGpu.count > 0 || wGpu.vendors.length) data.gpu = wGpu;
}

function withCanonicalHostPath(volume: unknown, subject: DocumentSubject, path: string, pointer: string): unknown {
  if (!isObj(volume) || !isObj(volume.hostPath) || typeof volume.hostPath.path !== 'string') return volume;
  subject.origin(`${path}/hostPath/canonicalPath`, `${pointer}/hostPath/path`);
  return copyWith(volume, { hostPath: copyWith(volume.hostPath, { canonicalPath: canonicalHostPath(volume.hostPath.path) }) });
}

/** `/var/run//docker.sock/` → `/var/run/docker.sock`: the path the kubelet mounts. */
export function canonicalHostPath(p: string): string {
  const n = path.posix.normalize(p.trim() || '/');
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

export interface GpuTotals {
  count: number;
  resources: Record<string, number>;
  vendors: string[];
  modes?: string[];
  /** An accelerator appears in requests but not in limits (extended resources belong in limits). */
  requestsOnly?: boolean;
}

function addGpu(into: GpuTotals, g: GpuTotals | undefined): void {
  if (!g) return;
  into.count += g.count;
  for (const [k, v] of Object.entries(g.resources)) into.resources[k] = (into.resources[k] ?? 0) + v;
  for (const v of g.vendors) if (!into.vendors.includes(v)) into.vendors.push(v);
}

function quantity(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number.parseInt(v, 10);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

function gpuOf(resources: unknown, tables: ModelTables): GpuTotals | undefined {
  if (!isObj(resources)) return undefined;
  const limits = isObj(resources.limits) ? resources.limits : {};
  const requests = isObj(resources.requests) ? resources.requests : {};
  const out: GpuTotals = { count: 0, resources: {}, vendors: [] };
  const modes: string[] = [];
  let found = false;
  for (const name of new Set([...Object.keys(limits), ...Object.keys(requests)])) {
    const acc = tables.accelerators.find((a) => a.re.test(name));
    if (!acc) continue;
    found = true;
    const n = quantity(limits[name] ?? requests[name]);
    out.resources[name] = n;
    out.count += n;
    if (!out.vendors.includes(acc.vendor)) out.vendors.push(acc.vendor);
    if (!modes.includes(acc.mode)) modes.push(acc.mode);
    if (limits[name] === undefined) out.requestsOnly = true;
  }
  if (!found) return undefined;
  out.modes = modes;
  return out;
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
}

function buildContainer(graph: ModelGraph, pod: PodRecord, inst: ContainerInstance, workload: Obj): ContainerRecord {
  const t = graph.tables;
  const c = inst.value;
  const tpl = pod.template;
  const name = String(c.name ?? inst.defaultName ?? '');
  const key = `${pod.subject.key}#container:${name}`;
  const data: Obj = copyWith(c, { name, containerType: inst.kind });
  const subject = new DocumentSubject('container', data, key, pod.workload.doc, inst.pointer, pod.workload.ref, name);
  for (const [field, pointer] of Object.entries(inst.origins ?? {})) subject.origin(field, pointer);
  const fieldPtr = (field: string) => inst.origins?.[`/${field}`] ?? `${inst.pointer}/${field}`;

  data.image = typeof c.image === 'string' ? parseImageRef(c.image) : null;

  // argv: what the container runs, as far as the manifest says (command, then args).
  const command = strings(c.command) ?? [];
  const args = strings(c.args) ?? [];
  data.argv = [...command, ...args];
  command.forEach((_, i) => subject.origin(`/argv/${i}`, `${fieldPtr('command')}/${i}`));
  args.forEach((_, i) => subject.origin(`/argv/${command.length + i}`, `${fieldPtr('args')}/${i}`));

  if (Array.isArray(c.env)) {
    data.env = (c.env as unknown[]).map((e) => {
      if (!isObj(e)) return e;
      const envName = String(e.name ?? '');
      const literal = typeof e.value === 'string' && e.value !== '' && e.valueFrom === undefined;
      // secretValue: a literal that could be a credential (not a flag, reference or placeholder).
      const secretValue = literal && !t.notSecretValue(e.value as string, envName);
      const out: Obj = copyWith(e, { name: envName, literal, secretValue, secretName: t.secretName(envName) });
      if (secretValue) {
        const token = t.tokenValue(e.value as string);
        if (token) out.tokenKind = token;
        if (token || out.secretName) graph.secrets.add(e.value as string);
      }
      return out;
    });
  }

  const sc = effectiveSecurityContext({
    container: c,
    containerPointer: inst.pointer,
    containerName: name,
    pod: tpl.pod,
    podPointer: tpl.podPointer,
    annotations: tpl.annotations,
    annotationsPointer: tpl.annotationsPointer ?? '',
  });
  data.securityContext = sc.value;
  // A field missing from the effective context is reported at the container (its securityContext,
  // or the container itself), never at the pod's: container-only fields cannot be set there.
  subject.origin('/securityContext', fieldPtr('securityContext'));
  for (const [field, pointer] of Object.entries(sc.origins)) subject.origin(`/securityContext/${field}`, pointer);
  if (tpl.podOrigins['securityContext/runAsUser']) subject.origin('/securityContext/runAsUser', tpl.podOrigins['securityContext/runAsUser']);
  if (tpl.podOrigins['securityContext/runAsGroup']) subject.origin('/securityContext/runAsGroup', tpl.podOrigins['securityContext/runAsGroup']);

  // Each mount joined with its volume, so rules see `mountPath` and `hostPath` together.
  const volumes = Array.isArray(tpl.pod.volumes) ? (tpl.pod.volumes as unknown[]) : [];
  const volPtr = tpl.podOrigins.volumes ?? `${tpl.podPointer}/volumes`;
  if (Array.isArray(c.volumeMounts)) {
    data.mounts = (c.volumeMounts as unknown[]).map((m, i) => {
      if (!isObj(m)) return m;
      subject.origin(`/mounts/${i}`, `${fieldPtr('volumeMounts')}/${i}`);
      const vi = volumes.findIndex((v) => isObj(v) && v.name === m.name);
      const mount: Obj = copyWith(m, { readOnly: m.readOnly === true });
      if (vi >= 0) {
        mount.volume = withCanonicalHostPath(volumes[vi], subject, `/mounts/${i}/volume`, `${volPtr}/${vi}`);
        subject.origin(`/mounts/${i}/volume`, `${volPtr}/${vi}`);
      } else mount.volume = null;
      return mount;
    });
  } else data.mounts = [];

  const gpu = gpuOf(c.resources, t);
  if (gpu) {
    data.gpu = gpu;
    subject.origin('/gpu', isObj((c.resources as Obj | undefined)?.limits) ? `${fieldPtr('resources')}/limits` : fieldPtr('resources'));
  }

  const p = tpl.pod;
  data.pod = {
    hostNetwork: p.hostNetwork === true,
    hostPID: p.hostPID === true,
    hostIPC: p.hostIPC === true,
    runtimeClassName: p.runtimeClassName ?? null,
    serviceAccountName: p.serviceAccountName ?? null,
    tolerations: Array.isArray(p.tolerations) ? p.tolerations : [],
    nodeSelector: isObj(p.nodeSelector) ? p.nodeSelector : {},
    labels: tpl.labels,
    annotations: tpl.annotations,
    role: tpl.role ?? null,
    namespace: pod.namespace,
  };
  subject.origin('/pod', tpl.podPointer);
  for (const [field, pointer] of Object.entries(tpl.podOrigins)) subject.origin(`/pod/${field}`, pointer);
  if (tpl.labelsPointer) subject.origin('/pod/labels', tpl.labelsPointer);
  if (tpl.annotationsPointer) subject.origin('/pod/annotations', tpl.annotationsPointer);
  data.workload = workload;
  subject.origin('/workload', '');
  subject.origin('/workload/name', '/metadata/name');
  subject.origin('/workload/labels', '/metadata/labels');
  data.component = null;
  data.exposure = [];
  return { subject, instance: inst, pod, cache: {} };
}

/** The effective automountServiceAccountToken of each pod: its own, else its ServiceAccount's. */
function linkServiceAccounts(graph: ModelGraph): void {
  const accounts = new Map<string, Obj>();
  for (const sa of graph.byKind.get('ServiceAccount') ?? []) accounts.set(`${sa.namespace}/${sa.ref.name}`, sa.object);
  for (const pod of graph.pods) {
    const data = pod.subject.data;
    if (typeof data.automountServiceAccountToken === 'boolean') continue;
    const sa = accounts.get(`${pod.namespace}/${(data.serviceAccountName as string | undefined) ?? 'default'}`);
    if (sa && typeof sa.automountServiceAccountToken === 'boolean') {
      data.automountServiceAccountToken = sa.automountServiceAccountToken;
    }
  }
}

/** The pods of `namespace` a Service-style `selector` (a label map) selects, in model order. */
export function podsSelectedBy(graph: ModelGraph, namespace: string, selector: unknown): PodRecord[] {
  if (!isObj(selector)) return [];
  const entries = Object.entries(selector);
  if (entries.length === 0) return [];
  // Only pods carrying the selector's first label can match: look those up, check the rest.
  const [key, value] = entries[0]!;
  const candidates = labelIndex(graph).get(namespace)?.get(key)?.get(String(value)) ?? [];
  return entries.length === 1 ? [...candidates] : candidates.filter((p) => selects(selector, p.labels));
}

type LabelIndex = Map<string, Map<string, Map<string, PodRecord[]>>>;
const labelIndexes = new WeakMap<ModelGraph, { pods: number; index: LabelIndex }>();

/** Pods by namespace, label and value (in model order), built once all pods are known. */
function labelIndex(graph: ModelGraph): LabelIndex {
  const known = labelIndexes.get(graph);
  if (known && known.pods === graph.pods.length) return known.index;
  const index: LabelIndex = new Map();
  for (const pod of graph.pods) {
    let byKey = index.get(pod.namespace);
    if (!byKey) index.set(pod.namespace, (byKey = new Map()));
    for (const [k, v] of Object.entries(pod.labels)) {
      let byValue = byKey.get(k);
      if (!byValue) byKey.set(k, (byValue = new Map()));
      const list = byValue.get(v);
      if (list) list.push(pod);
      else byValue.set(v, [pod]);
    }
  }
  labelIndexes.set(graph, { pods: graph.pods.length, index });
  return index;
}

/** Does `selector` (a label map) select a pod with `labels`? An empty selector selects nothing. */
export function selects(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObj(selector)) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels[k] === String(v));
}

function buildServiceSubjects(graph: ModelGraph): void {
  const internal = graph.tables.internalLoadBalancer;
  for (const svc of graph.services) {
    const spec = isObj(svc.object.spec) ? svc.object.spec : {};
    const meta = isObj(svc.object.metadata) ? svc.object.metadata : {};
    const annotations = isObj(meta.annotations) ? meta.annotations : {};
    const ranges = Array.isArray(spec.loadBalancerSourceRanges) ? (spec.loadBalancerSourceRanges as unknown[]).map(String) : [];
    const sourceRanges = ranges.length ? ranges : String(annotations['service.beta.kubernetes.io/load-balancer-source-ranges'] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const targets = podsSelectedBy(graph, svc.namespace, spec.selector);
    const data: Obj = copyWith(svc.object, {
      type: typeof spec.type === 'string' ? spec.type : 'ClusterIP',
      internalLoadBalancer: internal.some((a) => {
        const v = annotations[a.key];
        return v !== undefined && a.values.some((x) => x.toLowerCase() === String(v).toLowerCase());
      }),
      sourceRestricted: sourceRanges.length > 0 && !sourceRanges.some((r) => r === '0.0.0.0/0' || r === '::/0'),
      targets: targets.map((p) => targetSummary(p)),
    });
    const subject = new DocumentSubject('service', data, `${objectKey(svc.ref)}#service`, svc.doc, '', svc.ref);
    subject.origin('/type', '/spec/type');
    subject.origin('/internalLoadBalancer', '/metadata/annotations');
    subject.origin('/sourceRestricted', '/spec');
    subject.origin('/targets', '/spec/selector');
    svc.subject = subject;
  }
}

export function targetSummary(p: PodRecord): Obj {
  return {
    kind: p.workload.ref.kind,
    name: p.workload.ref.name,
    role: p.template.role ?? null,
    gpu: p.subject.data.gpu ?? null,
    containers: p.containers.map((c) => ({
      name: c.subject.data.name,
      image: c.subject.data.image,
      ports: c.subject.data.ports ?? [],
      component: c.subject.data.component ?? null,
    })),
  };
}

function buildIngressSubjects(graph: ModelGraph): void {
  for (const ing of graph.ingresses) {
    const data: Obj = copyWith(ing.object, { targets: [] });
    const subject = new DocumentSubject('ingress', data, `${objectKey(ing.ref)}#ingress`, ing.doc, '', ing.ref);
    subject.origin('/targets', '/spec');
    ing.subject = subject;
  }
}

function buildNamespaceSubjects(graph: ModelGraph): void {
  const workloadsIn = new Map<string, number>();
  for (const w of graph.workloads) workloadsIn.set(w.namespace, (workloadsIn.get(w.namespace) ?? 0) + 1);
  for (const ns of graph.namespaces.values()) {
    const doc = ns.doc ?? ns.objects[0]?.doc;
    if (!doc) continue;
    const nsObj = ns.doc ? (ns.doc.data as Obj) : undefined;
    const meta = nsObj && isObj(nsObj.metadata) ? nsObj.metadata : {};
    const pods = graph.podsByNamespace.get(ns.name) ?? [];
    const data: Obj = {
      name: ns.name,
      defined: !!ns.doc,
      labels: isObj(meta.labels) ? meta.labels : {},
      annotations: isObj(meta.annotations) ? meta.annotations : {},
      networkPolicies: ns.objects.filter((o) => o.ref.kind === 'NetworkPolicy').length,
      workloads: workloadsIn.get(ns.name) ?? 0,
      pods: pods.length,
      gpuPods: pods.filter((p) => p.subject.data.gpu).length,
    };
    const ref: ObjectRef = ns.doc ? objectRef(nsObj!) : { apiVersion: 'v1', kind: 'Namespace', name: ns.name };
    // With no Namespace object in the input, findings point at the first object in the namespace.
    const subject = new DocumentSubject('namespace', data, `v1/Namespace//${ns.name}#namespace`, doc, '', ns.doc ? ref : ns.objects[0]!.ref);
    subject.origin('/labels', '/metadata/labels');
    subject.origin('/name', '/metadata/name');
    ns.subject = subject;
  }
}

