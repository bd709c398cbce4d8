// The exposure graph: which objects make which containers reachable, from where, and whether
// authentication stands in front. Resolved once over the scanned set (ai-rules.md §6,
// "Correlation algorithm"): Service → pods; Ingress / OpenShift Route → Service; Gateway API
// HTTPRoute/GRPCRoute → Service or InferencePool → pods; hostPort and hostNetwork → pod; AI
// operator fields (KubeRay, NIM, KServe) → the pods the operator creates. Also records which
// NetworkPolicies isolate each pod.
//
// Results (docs/model.md): every exposing object's `object` subject gets `exposes`, every
// container and pod `exposure`, Service subjects fresh `targets` (with components) and Ingress
// subjects `targets`; pods get `networkPolicy`. A finding on an exposure is located at the
// exposing field and carries the exposed container as a related location.

import { tableRows, type DataTables } from '../rules/data.js';
import { copyOf, copyWith } from '../util/copy.js';
import { existingPrefix, getAt } from '../util/pointer.js';
import { podsSelectedBy, targetSummary, type ContainerRecord, type ModelGraph, type ObjectRecord, type PodRecord, type WorkloadRecord } from './build.js';
import { containerFacts, installRelated } from './components.js';
import type { DocumentSubject } from './subject.js';
import { apiGroup } from './tables.js';
import type { Location } from './types.js';

type Obj = Record<string, unknown>;
export type Scope = 'public' | 'internal' | 'node' | 'restricted' | 'cluster';

/** Scopes reachable from outside the cluster (the internet, the VPC, or the nodes' network). */
export const EXTERNAL_SCOPES: ReadonlySet<Scope> = new Set(['public', 'internal', 'node']);

interface Annotation {
  key: string;
  values?: string[];
  what?: string;
}

interface AuthReference {
  key: string;
  kind: string;
  groups: string[];
  format: 'traefik' | 'names';
  fields?: string[];
  field?: string;
  values?: string[];
  what: string;
}

interface OperatorExposure {
  kind: string;
  groups: string[];
  field: string;
  via: string;
  scopes?: Record<string, Scope>;
  otherwise?: Scope;
  absent?: Scope;
  present?: Scope;
  roles?: string[];
  ports?: number[];
  portField?: string;
  /** Only the serving port: the container's first declared port, else its component's first API/UI port. */
  mainPort?: boolean;
  annotations?: string;
}

interface OperatorService {
  kind: string;
  groups: string[];
  name: string;
  roles?: string[];
  ports?: Array<{ port: number; targetPort?: number; mainPort?: boolean }>;
  portField?: string;
}

interface Tables {
  authAnnotations: Annotation[];
  authReferences: AuthReference[];
  internalAnnotations: Annotation[];
  internalClasses: RegExp[];
  sourceRangeAnnotations: string[];
  securityPolicyFields: string[];
  wellKnown: Map<number, { role: string; what: string }>;
  controlPortEnv: string[];
  operators: OperatorExposure[];
  operatorServices: OperatorService[];
}

const compiledTables = new WeakMap<DataTables, Tables>();

function exposureTables(graph: ModelGraph): Tables {
  const raw = graph.tables.raw;
  let t = compiledTables.get(raw);
  if (!t) compiledTables.set(raw, (t = compileTables(raw)));
  return t;
}

function compileTables(raw: DataTables): Tables {
  const rows = <T>(key: string) => tableRows<T>(raw, 'exposure', key);
  return {
    authAnnotations: rows<Annotation>('ingressAuthAnnotations'),
    authReferences: rows<AuthReference>('authReferences'),
    internalAnnotations: rows<Annotation>('ingressInternalAnnotations'),
    internalClasses: rows<string>('ingressInternalClasses').map((p) => new RegExp(p, 'i')),
    sourceRangeAnnotations: rows<string>('ingressSourceRangeAnnotations'),
    securityPolicyFields: rows<string>('securityPolicyAuthFields'),
    wellKnown: new Map(rows<{ port: number; role: string; what: string }>('wellKnownPorts').map((p) => [p.port, p])),
    controlPortEnv: rows<string>('controlPortEnv'),
    operators: rows<OperatorExposure>('operatorExposure'),
    operatorServices: rows<OperatorService>('operatorServices'),
  };
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function meta(o: Obj): { labels: Obj; annotations: Obj } {
  const m = isObj(o.metadata) ? o.metadata : {};
  return { labels: isObj(m.labels) ? m.labels : {}, annotations: isObj(m.annotations) ? m.annotations : {} };
}

// ---------------------------------------------------------------------------------------------
// Ports

interface PortReach {
  port: number | null;
  role: string | null;
  name?: string;
  servicePort?: number;
  hostPort?: number;
}

interface Reach {
  ports: PortReach[];
  authFronts: string[];
}

interface Entry {
  record: ObjectRecord;
  field: string;
  via: string;
  kind: string;
  scope: Scope;
  authFronts: string[];
  paths: string[] | null;
  service?: string;
  /** Pod-level fronts (Istio) do not apply: the traffic never meets the pod's proxy. */
  bypassesMesh?: boolean;
  reaches: Map<ContainerRecord, Reach>;
}

function isApp(c: ContainerRecord): boolean {
  return c.subject.data.containerType === 'container';
}

function component(c: ContainerRecord): Obj | null {
  const comp = c.subject.data.component;
  return isObj(comp) ? comp : null;
}

function portRole(t: Tables, c: ContainerRecord, port: number): string | null {
  const comp = component(c);
  const own = comp ? arr(comp.ports).find((p) => isObj(p) && p.port === port) : undefined;
  if (isObj(own) && typeof own.role === 'string') return own.role;
  const known = t.wellKnown.get(port);
  if (known) return known.role;
  const env = isObj(c.subject.data.envVars) ? c.subject.data.envVars : {};
  if (t.controlPortEnv.some((n) => typeof env[n] === 'string' && Number(env[n]) === port)) return 'control';
  return null;
}

/** Ports a container listens on as far as the manifest and the component table say. */
function listeningPorts(t: Tables, c: ContainerRecord): PortReach[] {
  const out: PortReach[] = [];
  const comp = component(c);
  for (const p of comp ? arr(comp.ports) : []) {
    if (isObj(p) && typeof p.port === 'number') out.push({ port: p.port, role: (p.role as string | null) ?? portRole(t, c, p.port), ...(typeof p.name === 'string' ? { name: p.name } : {}) });
  }
  for (const p of arr(c.instance.value.ports)) {
    if (!isObj(p)) continue;
    const port = Number(p.containerPort);
    if (!Number.isInteger(port) || out.some((o) => o.port === port)) continue;
    out.push({ port, role: portRole(t, c, port), ...(typeof p.name === 'string' ? { name: p.name } : {}) });
  }
  const env = isObj(c.subject.data.envVars) ? c.subject.data.envVars : {};
  for (const n of t.controlPortEnv) {
    const port = Number(env[n]);
    if (typeof env[n] === 'string' && Number.isInteger(port) && port > 0 && !out.some((o) => o.port === port)) out.push({ port, role: 'control' });
  }
  return out;
}

/** The containers a Service/InferencePool target port (number or name) reaches in a pod. */
function resolveTargetPort(t: Tables, pod: PodRecord, target: unknown): Array<{ container: ContainerRecord; port: PortReach }> {
  const apps = pod.containers.filter(isApp);
  const out: Array<{ container: ContainerRecord; port: PortReach }> = [];
  const numeric = typeof target === 'number' || (typeof target === 'string' && /^\d+$/.test(target));
  if (!numeric) {
    for (const c of apps) {
      for (const p of arr(c.instance.value.ports)) {
        if (isObj(p) && p.name === target && Number.isInteger(Number(p.containerPort))) {
          const port = Number(p.containerPort);
          out.push({ container: c, port: { port, role: portRole(t, c, port), name: String(target) } });
        }
      }
    }
    return out;
  }
  const n = Number(target);
  const declared = apps.filter((c) => arr(c.instance.value.ports).some((p) => isObj(p) && Number(p.containerPort) === n));
  const known = declared.length ? declared : apps.filter((c) => listeningPorts(t, c).some((p) => p.port === n));
  // An undeclared port of a single-container pod still reaches that container.
  const hit = known.length ? known : apps.length === 1 ? apps : [];
  for (const c of hit) {
    const decl = arr(c.instance.value.ports).find((p) => isObj(p) && Number(p.containerPort) === n) as Obj | undefined;
    out.push({ container: c, port: { port: n, role: portRole(t, c, n), ...(typeof decl?.name === 'string' ? { name: decl.name } : {}) } });
  }
  return out;
}

function addReach(entry: Entry, c: ContainerRecord, port: PortReach, fronts: string[] = []): void {
  const r = entry.reaches.get(c) ?? { ports: [], authFronts: [] };
  if (!r.ports.some((p) => p.port === port.port && p.servicePort === port.servicePort)) r.ports.push(port);
  for (const f of fronts) if (!r.authFronts.includes(f)) r.authFronts.push(f);
  entry.reaches.set(c, r);
}

/**
 * A port reaching an authenticating proxy sidecar (oauth2-proxy, kube-rbac-proxy) reaches the
 * pod's AI containers only through it: they count as exposed, with the proxy as their auth front.
 */
function reachContainer(t: Tables, entry: Entry, c: ContainerRecord, port: PortReach): void {
  addReach(entry, c, port);
  const comp = component(c);
  if (comp?.class !== 'auth-proxy') return;
  for (const other of c.pod.containers) {
    if (other === c || !isApp(other) || !component(other) || component(other)!.class === 'auth-proxy') continue;
    const main = listeningPorts(t, other).find((p) => p.role === 'api' || p.role === 'ui' || p.role === 'dashboard');
    addReach(entry, other, { port: main?.port ?? null, role: main?.role ?? null }, [`${String(comp.name)} sidecar ${String(c.subject.data.name)}`]);
  }
}

// ---------------------------------------------------------------------------------------------
// Services

interface ServiceInfo {
  /** The Service's `object` record (findings go on its object subject). */
  record: ObjectRecord;
  /** Its `service` subject data (type, internalLoadBalancer, sourceRestricted). */
  service: Obj;
  spec: Obj;
  pods: PodRecord[];
}

class ServiceIndex {
  readonly all: ServiceInfo[] = [];
  private readonly byName = new Map<string, ServiceInfo[]>();

  /** Services AI operators create at run time (KubeRay's <name>-head-svc, …), for backends that name them. */
  private readonly implicit = new Map<string, ServiceInfo[]>();

  constructor(graph: ModelGraph, records: Map<unknown, ObjectRecord>, t: Tables) {
    for (const svc of graph.services) {
      const spec = isObj(svc.object.spec) ? svc.object.spec : {};
      const pods = podsSelectedBy(graph, svc.namespace, spec.selector);
      const info = { record: records.get(svc.object) ?? svc, service: svc.subject.data, spec, pods };
      this.all.push(info);
      const key = `${svc.namespace}/${svc.ref.name ?? ''}`;
      this.byName.set(key, [...(this.byName.get(key) ?? []), info]);
    }
    for (const row of t.operatorServices) {
      for (const w of graph.workloads) {
        if (w.ref.kind !== row.kind || !row.groups.includes(apiGroup(w.ref.apiVersion ?? ''))) continue;
        const pods = w.pods.filter((p) => !row.roles || row.roles.includes(p.template.role ?? ''));
        const apps = pods.flatMap((p) => p.containers.filter(isApp));
        const fixed = row.portField ? Number(getAt(w.object, row.portField)) : NaN;
        const ports = (row.ports ?? []).map((p) => {
          const port = Number.isInteger(fixed) && fixed > 0 ? fixed : p.port;
          const main = p.mainPort ? apps.map((c) => mainPort(t, c)).find((n) => n !== undefined) : undefined;
          return { port, targetPort: p.targetPort ?? main ?? port };
        });
        // Without a port list the Service carries every port the pods listen on (KubeRay's head service).
        if (!row.ports) for (const c of apps) for (const p of listeningPorts(t, c)) if (p.port !== null && !ports.some((q) => q.port === p.port)) ports.push({ port: p.port, targetPort: p.port });
        const name = row.name.replace(/\{name\}/g, w.ref.name ?? '');
        const key = `${w.namespace}/${name}`;
        const rec = records.get(w.object)!;
        this.implicit.set(key, [...(this.implicit.get(key) ?? []), { record: rec, service: {}, spec: { ports }, pods }]);
      }
    }
  }

  /** The Services a backend names; when several objects share the name, those in the referrer's file. */
  find(namespace: string, name: string, from: ObjectRecord): ServiceInfo[] {
    const key = `${namespace}/${name}`;
    const list = this.byName.get(key) ?? this.implicit.get(key) ?? [];
    const same = list.filter((s) => s.record.doc.source.path === from.doc.source.path);
    return same.length ? same : list;
  }
}

/** A container's serving port: its first declared port, else its component's first API/UI port. */
function mainPort(t: Tables, c: ContainerRecord): number | undefined {
  const declared = arr(c.instance.value.ports).find((p) => isObj(p) && Number.isInteger(Number(p.containerPort))) as Obj | undefined;
  if (declared) return Number(declared.containerPort);
  const p = listeningPorts(t, c).find((q) => q.role === 'api' || q.role === 'ui');
  return p?.port ?? undefined;
}

/** Reach `svc` on the service port `port` (number or name; every port when undefined). */
function reachService(t: Tables, entry: Entry, svc: ServiceInfo, port?: unknown, match: 'port' | 'route' = 'port'): void {
  for (const sp of arr(svc.spec.ports)) {
    if (!isObj(sp)) continue;
    if (port !== undefined && port !== null) {
      const hit =
        match === 'route'
          ? sp.targetPort === port || sp.name === port || String(sp.port) === String(port) || String(sp.targetPort) === String(port)
          : typeof port === 'number' || /^\d+$/.test(String(port))
            ? Number(sp.port) === Number(port)
            : sp.name === port;
      if (!hit) continue;
    }
    const target = sp.targetPort ?? sp.port;
    for (const pod of svc.pods) {
      for (const { container, port: p } of resolveTargetPort(t, pod, target)) reachContainer(t, entry, container, copyWith(p, { servicePort: Number(sp.port) }));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Auth fronts

function annotationHits(list: Annotation[], annotations: Obj): string[] {
  const out: string[] = [];
  for (const a of list) {
    const v = annotations[a.key];
    if (v === undefined || v === null || String(v).trim() === '') continue;
    if (a.values && !a.values.some((x) => x.toLowerCase() === String(v).trim().toLowerCase())) continue;
    out.push(a.what ?? a.key);
  }
  return out;
}

function referenceHits(graph: ModelGraph, t: Tables, annotations: Obj, namespace: string): string[] {
  const out: string[] = [];
  for (const ref of t.authReferences) {
    const v = annotations[ref.key];
    if (typeof v !== 'string') continue;
    const candidates = (graph.byKind.get(ref.kind) ?? []).filter((o) => ref.groups.includes(apiGroup(o.ref.apiVersion ?? '')));
    for (const raw of v.split(',').map((s) => s.trim()).filter(Boolean)) {
      const name = raw.replace(/@.*$/, '');
      const found = candidates.find((o) => (ref.format === 'traefik' ? `${o.namespace}-${o.ref.name}` === name || (o.namespace === namespace && o.ref.name === name) : o.namespace === namespace && o.ref.name === name));
      if (!found) continue;
      const hasField = (ref.fields ?? []).some((f) => getAt(found.object, f) !== undefined);
      const value = ref.field ? getAt(found.object, ref.field) : undefined;
      if (hasField || (typeof value === 'string' && (ref.values ?? []).includes(value))) out.push(`${ref.what} ${found.ref.name}`);
    }
  }
  return out;
}

export function matchSelector(selector: unknown, labels: Record<string, string>, emptyMatchesAll: boolean): boolean {
  if (!isObj(selector)) return emptyMatchesAll;
  const ml = isObj(selector.matchLabels) ? selector.matchLabels : {};
  const exprs = arr(selector.matchExpressions);
  if (!Object.keys(ml).length && !exprs.length) return emptyMatchesAll;
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== String(v)) return false;
  for (const e of exprs) {
    if (!isObj(e)) continue;
    const key = String(e.key ?? '');
    const values = arr(e.values).map(String);
    const has = key in labels;
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Istio AuthorizationPolicies that make every request to the pod authenticate (or deny it). */
function istioFronts(graph: ModelGraph, pod: PodRecord): string[] {
  const out: string[] = [];
  for (const ap of graph.byKind.get('AuthorizationPolicy') ?? []) {
    if (!apiGroup(ap.ref.apiVersion ?? '').startsWith('security.istio.io')) continue;
    const spec = isObj(ap.object.spec) ? ap.object.spec : {};
    const meshWide = ap.namespace === 'istio-system' && spec.selector === undefined;
    if (!meshWide && ap.namespace !== pod.namespace) continue;
    if (!matchSelector(spec.selector, pod.labels, true)) continue;
    const action = String(spec.action ?? 'ALLOW');
    const rules = arr(spec.rules);
    const text = JSON.stringify(rules);
    const authenticates = /requestPrincipals|notRequestPrincipals|"principals"|notPrincipals|request\.auth/.test(text);
    if (action === 'CUSTOM' || (action === 'ALLOW' && (rules.length === 0 || authenticates)) || (action === 'DENY' && authenticates)) {
      out.push(`Istio AuthorizationPolicy ${ap.ref.name}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The enricher

export function enrichExposure(graph: ModelGraph): void {
  const t = exposureTables(graph);
  const records = new Map<unknown, ObjectRecord>(graph.objects.map((o) => [o.object, o]));
  const services = new ServiceIndex(graph, records, t);
  const entries: Entry[] = [];
  const newEntry = (record: ObjectRecord, e: Omit<Entry, 'record' | 'reaches' | 'authFronts' | 'paths'> & Partial<Pick<Entry, 'authFronts' | 'paths'>>): Entry => {
    const entry: Entry = { record, authFronts: [], paths: null, ...e, reaches: new Map() };
    entries.push(entry);
    return entry;
  };

  // Services
  for (const info of services.all) {
    const { record, spec } = info;
    const data = info.service;
    const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
    let scope: Scope = 'cluster';
    let field = spec.type !== undefined ? '/spec/type' : '/spec';
    let kind = type;
    if (type === 'LoadBalancer') scope = data.sourceRestricted === true ? 'restricted' : data.internalLoadBalancer === true ? 'internal' : 'public';
    else if (type === 'NodePort') scope = 'node';
    if (arr(spec.externalIPs).length && scope !== 'public') {
      scope = 'public';
      field = '/spec/externalIPs';
      kind = 'ExternalIPs';
    }
    if (type === 'ExternalName') continue;
    const entry = newEntry(record, { field, via: 'Service', kind, scope });
    reachService(t, entry, info);
  }

  // Ingresses
  for (const ing of graph.byKind.get('Ingress') ?? []) {
    const group = apiGroup(ing.ref.apiVersion ?? '');
    if (group !== 'networking.k8s.io' && group !== 'extensions') continue;
    const spec = isObj(ing.object.spec) ? ing.object.spec : {};
    const { annotations } = meta(ing.object);
    const fronts = [...annotationHits(t.authAnnotations, annotations), ...referenceHits(graph, t, annotations, ing.namespace)];
    const cls = String(spec.ingressClassName ?? annotations['kubernetes.io/ingress.class'] ?? '');
    const ranges = t.sourceRangeAnnotations.flatMap((k) => (typeof annotations[k] === 'string' ? (annotations[k] as string).split(',').map((s) => s.trim()).filter(Boolean) : []));
    const scope: Scope =
      ranges.length && !ranges.some((r) => r === '0.0.0.0/0' || r === '::/0')
        ? 'restricted'
        : annotationHits(t.internalAnnotations, annotations).length || t.internalClasses.some((re) => re.test(cls))
          ? 'internal'
          : 'public';
    const backends: Array<{ pointer: string; service: string; port: unknown; path: string }> = [];
    const addBackend = (b: unknown, pointer: string, path: string) => {
      if (!isObj(b)) return;
      if (isObj(b.service)) {
        const port = isObj(b.service.port) ? (b.service.port.number ?? b.service.port.name) : undefined;
        backends.push({ pointer, service: String(b.service.name ?? ''), port, path });
      } else if (b.serviceName !== undefined) backends.push({ pointer, service: String(b.serviceName), port: b.servicePort, path });
    };
    addBackend(spec.defaultBackend, '/spec/defaultBackend', '/');
    addBackend(spec.backend, '/spec/backend', '/');
    arr(spec.rules).forEach((r, i) => {
      if (!isObj(r) || !isObj(r.http)) return;
      arr(r.http.paths).forEach((p, j) => {
        if (isObj(p)) addBackend(p.backend, `/spec/rules/${i}/http/paths/${j}/backend`, typeof p.path === 'string' ? p.path : '/');
      });
    });
    const byService = new Map<string, Entry>();
    for (const b of backends) {
      let entry = byService.get(b.service);
      if (!entry) {
        entry = newEntry(ing, { field: b.pointer, via: 'Ingress', kind: 'Ingress', scope, authFronts: fronts, paths: [], service: b.service });
        byService.set(b.service, entry);
      }
      if (!entry.paths!.includes(b.path)) entry.paths!.push(b.path);
      for (const svc of services.find(ing.namespace, b.service, ing)) reachService(t, entry, svc, b.port);
    }
  }

  // OpenShift Routes
  for (const route of graph.byKind.get('Route') ?? []) {
    if (apiGroup(route.ref.apiVersion ?? '') !== 'route.openshift.io') continue;
    const spec = isObj(route.object.spec) ? route.object.spec : {};
    const port = isObj(spec.port) ? spec.port.targetPort : undefined;
    const path = typeof spec.path === 'string' ? spec.path : '/';
    const targets: Array<[unknown, string]> = [[spec.to, '/spec/to'], ...arr(spec.alternateBackends).map((b, i) => [b, `/spec/alternateBackends/${i}`] as [unknown, string])];
    for (const [to, pointer] of targets) {
      if (!isObj(to) || (to.kind !== undefined && to.kind !== 'Service')) continue;
      const entry = newEntry(route, { field: pointer, via: 'Route', kind: 'Route', scope: 'public', paths: [path], service: String(to.name ?? '') });
      for (const svc of services.find(route.namespace, String(to.name ?? ''), route)) reachService(t, entry, svc, port, 'route');
    }
  }

  // Gateway API routes
  for (const kind of ['HTTPRoute', 'GRPCRoute']) {
    for (const route of graph.byKind.get(kind) ?? []) {
      if (apiGroup(route.ref.apiVersion ?? '') !== 'gateway.networking.k8s.io') continue;
      gatewayRoute(graph, t, services, route, kind, newEntry);
    }
  }

  // hostPort and hostNetwork
  for (const pod of graph.pods) {
    const rec = records.get(pod.workload.object);
    if (!rec) continue;
    for (const c of pod.containers.filter(isApp)) {
      const portsPtr = c.instance.origins?.['/ports'] ?? `${c.instance.pointer}/ports`;
      arr(c.instance.value.ports).forEach((p, i) => {
        if (!isObj(p) || p.hostPort === undefined || p.hostPort === null || Number(p.hostPort) === 0) return;
        const entry = newEntry(rec, { field: `${portsPtr}/${i}/hostPort`, via: 'hostPort', kind: 'hostPort', scope: 'node', bypassesMesh: true });
        const port = Number(p.containerPort);
        addReach(entry, c, { port: Number.isInteger(port) ? port : null, role: Number.isInteger(port) ? portRole(t, c, port) : null, hostPort: Number(p.hostPort), ...(typeof p.name === 'string' ? { name: p.name } : {}) });
      });
    }
    if (pod.template.pod.hostNetwork === true) {
      const field = pod.template.podOrigins.hostNetwork ?? `${pod.template.podPointer}/hostNetwork`;
      const entry = newEntry(rec, { field, via: 'hostNetwork', kind: 'hostNetwork', scope: 'node', bypassesMesh: true });
      for (const c of pod.containers.filter(isApp)) for (const p of listeningPorts(t, c)) addReach(entry, c, p);
    }
  }

  // Operator exposure fields
  let workloadOf: Map<unknown, WorkloadRecord> | undefined;
  for (const row of t.operators) {
    for (const rec of graph.byKind.get(row.kind) ?? []) {
      if (!row.groups.includes(apiGroup(rec.ref.apiVersion ?? ''))) continue;
      const value = getAt(rec.object, row.field);
      let scope: Scope | undefined;
      if (value === undefined || value === null) scope = row.absent;
      else if (row.present) scope = row.present;
      else scope = row.scopes?.[String(value)] ?? row.otherwise;
      if (!scope) continue;
      const field = value === undefined || value === null ? existingPrefix(rec.object, row.field) : row.field;
      const annotations = row.annotations ? getAt(rec.object, row.annotations) : undefined;
      const fronts = isObj(annotations) ? annotationHits(t.authAnnotations, annotations) : [];
      const entry = newEntry(rec, { field, via: row.via, kind: value === undefined || value === null ? 'default' : String(typeof value === 'object' ? 'set' : value), scope, authFronts: fronts });
      const fixed = row.portField ? Number(getAt(rec.object, row.portField)) : NaN;
      const wanted = Number.isInteger(fixed) && fixed > 0 ? [fixed] : row.ports;
      workloadOf ??= new Map(graph.workloads.map((w) => [w.object, w] as const).reverse());
      const workload = workloadOf.get(rec.object);
      for (const pod of workload?.pods ?? []) {
        if (row.roles && !row.roles.includes(pod.template.role ?? '')) continue;
        for (const c of pod.containers.filter(isApp)) {
          const listening = listeningPorts(t, c);
          if (row.mainPort && !wanted) {
            const main = mainPort(t, c);
            if (main !== undefined) addReach(entry, c, { port: main, role: portRole(t, c, main) });
            continue;
          }
          if (!wanted) {
            for (const p of listening) addReach(entry, c, p);
            continue;
          }
          if (!component(c) && !listening.some((p) => p.port !== null && wanted.includes(p.port))) continue;
          for (const n of wanted) addReach(entry, c, { port: n, role: portRole(t, c, n) });
        }
      }
    }
  }

  publish(graph, entries);
  linkNetworkPolicies(graph);
}

type NewEntry = (record: ObjectRecord, e: Omit<Entry, 'record' | 'reaches' | 'authFronts' | 'paths'> & Partial<Pick<Entry, 'authFronts' | 'paths'>>) => Entry;

function gatewayRoute(graph: ModelGraph, t: Tables, services: ServiceIndex, route: ObjectRecord, kind: string, newEntry: NewEntry): void {
  const spec = isObj(route.object.spec) ? route.object.spec : {};
  const parents = arr(spec.parentRefs).filter(isObj);
  const gateways = parents
    .filter((p) => (p.kind ?? 'Gateway') === 'Gateway')
    .map((p) => ({ name: String(p.name ?? ''), namespace: String(p.namespace ?? route.namespace) }));
  let scope: Scope = parents.length ? 'public' : 'cluster';
  if (gateways.length && gateways.length === parents.length) {
    const found = gateways.map((g) => (graph.byKind.get('Gateway') ?? []).find((o) => o.namespace === g.namespace && o.ref.name === g.name));
    const internal = (o: ObjectRecord | undefined) => {
      if (!o) return false;
      const anns = { ...meta(o.object).annotations, ...((getAt(o.object, '/spec/infrastructure/annotations') as Obj | undefined) ?? {}) };
      return graph.tables.internalLoadBalancer.some((a) => anns[a.key] !== undefined && a.values.some((x) => x.toLowerCase() === String(anns[a.key]).toLowerCase()));
    };
    if (found.every((o) => internal(o))) scope = 'internal';
  }
  const fronts: string[] = [];
  for (const sp of graph.byKind.get('SecurityPolicy') ?? []) {
    if (apiGroup(sp.ref.apiVersion ?? '') !== 'gateway.envoyproxy.io' || sp.namespace !== route.namespace) continue;
    const s = isObj(sp.object.spec) ? sp.object.spec : {};
    if (!t.securityPolicyFields.some((f) => s[f] !== undefined)) continue;
    const refs = [s.targetRef, ...arr(s.targetRefs)].filter(isObj);
    const hit = refs.some((r) => (r.kind === kind && r.name === route.ref.name) || (r.kind === 'Gateway' && gateways.some((g) => g.name === r.name)));
    if (hit) fronts.push(`Envoy Gateway SecurityPolicy ${sp.ref.name}`);
  }
  const byBackend = new Map<string, Entry>();
  arr(spec.rules).forEach((r, i) => {
    if (!isObj(r)) return;
    const paths = kind === 'HTTPRoute' ? (arr(r.matches).length ? arr(r.matches).map((m) => String((isObj(m) && isObj(m.path) ? m.path.value : undefined) ?? '/')) : ['/']) : null;
    arr(r.backendRefs).forEach((b, j) => {
      if (!isObj(b)) return;
      const bkind = String(b.kind ?? 'Service');
      const ns = String(b.namespace ?? route.namespace);
      const key = `${bkind}/${ns}/${String(b.name ?? '')}`;
      let entry = byBackend.get(key);
      if (!entry) {
        entry = newEntry(route, { field: `/spec/rules/${i}/backendRefs/${j}`, via: kind, kind, scope, authFronts: fronts, paths: paths ? [] : null, service: String(b.name ?? '') });
        byBackend.set(key, entry);
      }
      for (const p of paths ?? []) if (!entry.paths!.includes(p)) entry.paths!.push(p);
      if (bkind === 'Service') {
        for (const svc of services.find(ns, String(b.name ?? ''), route)) reachService(t, entry, svc, b.port);
      } else if (bkind === 'InferencePool') {
        const pool = (graph.byKind.get('InferencePool') ?? []).find((o) => o.namespace === ns && o.ref.name === b.name);
        if (pool) reachPool(graph, t, entry, pool);
      }
    });
  });
}

/** Gateway API Inference Extension: an InferencePool selects model-server pods and their ports. */
function reachPool(graph: ModelGraph, t: Tables, entry: Entry, pool: ObjectRecord): void {
  const spec = isObj(pool.object.spec) ? pool.object.spec : {};
  const sel = isObj(spec.selector) ? spec.selector : {};
  const selector = isObj(sel.matchLabels) ? sel.matchLabels : sel;
  const ports = [...arr(spec.targetPorts).map((p) => (isObj(p) ? p.number : undefined)), spec.targetPortNumber].filter((p) => p !== undefined);
  for (const pod of podsSelectedBy(graph, pool.namespace, selector)) {
    for (const port of ports) for (const { container, port: pr } of resolveTargetPort(t, pod, port)) reachContainer(t, entry, container, pr);
  }
}

// ---------------------------------------------------------------------------------------------
// Publishing the graph on subjects

function summary(c: ContainerRecord): Obj {
  return {
    name: c.subject.data.name,
    containerType: c.subject.data.containerType,
    workload: { kind: c.pod.workload.ref.kind, name: c.pod.workload.ref.name, namespace: c.pod.namespace },
    role: c.pod.template.role ?? null,
    component: component(c),
  };
}

function publish(graph: ModelGraph, entries: Entry[]): void {
  const podFronts = new Map<PodRecord, string[]>();
  const frontsOf = (pod: PodRecord) => {
    let f = podFronts.get(pod);
    if (!f) podFronts.set(pod, (f = istioFronts(graph, pod)));
    return f;
  };
  const byRecord = new Map<ObjectRecord, Entry[]>();
  for (const e of entries) byRecord.set(e.record, [...(byRecord.get(e.record) ?? []), e]);

  const containerExposure = new Map<ContainerRecord, Array<{ item: Obj; entry: Entry }>>();
  for (const [record, list] of byRecord) {
    const subject = record.subject;
    if (subject.data === record.object) subject.data = copyOf(record.object);
    const exposes: Obj[] = [];
    const related = new Map<number, ContainerRecord[]>();
    list.forEach((e, i) => {
      const external = EXTERNAL_SCOPES.has(e.scope);
      const containers: Obj[] = [];
      const reached: ContainerRecord[] = [];
      for (const [c, r] of e.reaches) {
        const fronts = [...e.authFronts, ...r.authFronts, ...(e.bypassesMesh ? [] : frontsOf(c.pod))];
        const item: Obj = Object.assign(summary(c), { ports: r.ports, authFront: fronts.length > 0, authFronts: fronts, via: e.via, kind: e.kind, scope: e.scope, external, paths: e.paths });
        containers.push(item);
        reached.push(c);
        const list2 = containerExposure.get(c) ?? [];
        list2.push({ item: { via: e.via, kind: e.kind, object: `${record.ref.kind}/${record.ref.name}`, namespace: record.namespace, scope: e.scope, external, ports: r.ports, authFront: fronts.length > 0, authFronts: fronts, paths: e.paths }, entry: e });
        containerExposure.set(c, list2);
      }
      exposes.push({ via: e.via, kind: e.kind, name: record.ref.name, namespace: record.namespace, scope: e.scope, external, paths: e.paths, ...(e.service !== undefined ? { service: e.service } : {}), containers });
      subject.origin(`/exposes/${i}`, e.field);
      related.set(i, reached);
    });
    subject.data.exposes = exposes;
    subject.addRelated((path) => {
      const m = /^\/exposes\/(\d+)(?:\/containers\/(\d+))?/.exec(path);
      if (!m) return [];
      const reached = related.get(Number(m[1])) ?? [];
      const pick = m[2] !== undefined ? [reached[Number(m[2])]].filter((c): c is ContainerRecord => !!c) : reached;
      return pick.map((c) => containerLocation(c));
    });
  }

  for (const c of graph.containers) {
    const list = containerExposure.get(c) ?? [];
    c.subject.data.exposure = list.map((x) => x.item);
    const f = containerFacts(c);
    list.forEach((x, k) => {
      c.subject.origin(`/exposure/${k}`, c.instance.pointer);
      if (f) {
        // Located when a finding asks, not for every exposure.
        f.related.set(`/exposure/${k}`, () => {
          const loc = x.entry.record.subject.locate(`/exposes/${byRecord.get(x.entry.record)!.indexOf(x.entry)}`);
          return [{ ...loc, message: `exposed by ${x.entry.record.ref.kind}/${x.entry.record.ref.name}` }];
        });
      }
    });
    installRelated(c);
  }
  for (const pod of graph.pods) {
    pod.subject.data.exposure = pod.containers.flatMap((c) => (c.subject.data.exposure as Obj[]).map((x) => ({ container: c.subject.data.name, ...x })));
  }
  // Service and Ingress subjects summarise what they reach, components included.
  for (const svc of graph.services) {
    const spec = isObj(svc.object.spec) ? svc.object.spec : {};
    svc.subject.data.targets = podsSelectedBy(graph, svc.namespace, spec.selector).map((p) => targetSummary(p));
  }
  for (const ing of graph.ingresses) {
    const list = byRecord.get(ing) ?? [];
    ing.subject.data.targets = list.map((e) => ({
      service: e.service ?? null,
      paths: e.paths,
      scope: e.scope,
      authFronts: e.authFronts,
      containers: [...e.reaches.keys()].map((c) => summary(c)),
    }));
  }
}

function containerLocation(c: ContainerRecord): Location {
  const comp = component(c);
  const what = comp ? `${String(comp.name)}${comp.version ? ` ${String(comp.version)}` : ''}` : 'container';
  return { ...c.subject.locate(''), message: `exposed ${what} (${String(c.subject.data.name)}) in ${c.pod.workload.ref.kind}/${c.pod.workload.ref.name}` };
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

interface Policy {
  name: string;
  /** undefined: every namespace. */
  namespace?: string;
  selects: (labels: Record<string, string>) => boolean;
}

/** Each pod's `networkPolicy`: the policies that select it for ingress (so it is not open to all). */
function linkNetworkPolicies(graph: ModelGraph): void {
  const policies: Policy[] = [];
  for (const np of graph.byKind.get('NetworkPolicy') ?? []) {
    const group = apiGroup(np.ref.apiVersion ?? '');
    const spec = isObj(np.object.spec) ? np.object.spec : {};
    if (group === 'networking.k8s.io' || group === 'extensions') {
      const types = arr(spec.policyTypes).map(String);
      if (types.length && !types.includes('Ingress')) continue;
      policies.push({ name: `NetworkPolicy/${np.ref.name}`, namespace: np.namespace, selects: (l) => matchSelector(spec.podSelector, l, true) });
    } else if (group === 'projectcalico.org' || group === 'crd.projectcalico.org') {
      const types = arr(spec.types).map(String);
      if (types.length && !types.includes('Ingress')) continue;
      if (!types.length && spec.ingress === undefined && spec.egress !== undefined) continue;
      policies.push({ name: `Calico NetworkPolicy/${np.ref.name}`, namespace: np.namespace, selects: calicoSelector(spec.selector) });
    }
  }
  for (const kind of ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']) {
    for (const np of graph.byKind.get(kind) ?? []) {
      const specs = [np.object.spec, ...arr(np.object.specs)].filter(isObj);
      for (const spec of specs) {
        if (spec.ingress === undefined && spec.ingressDeny === undefined) continue;
        policies.push({ name: `${kind}/${np.ref.name}`, namespace: kind === 'CiliumNetworkPolicy' ? np.namespace : undefined, selects: (l) => matchSelector(spec.endpointSelector, l, true) });
      }
    }
  }
  for (const gp of graph.byKind.get('GlobalNetworkPolicy') ?? []) {
    const spec = isObj(gp.object.spec) ? gp.object.spec : {};
    const types = arr(spec.types).map(String);
    if (types.length && !types.includes('Ingress')) continue;
    policies.push({ name: `GlobalNetworkPolicy/${gp.ref.name}`, selects: calicoSelector(spec.selector) });
  }
  const inNamespace = new Map<string, Policy[]>();
  for (const pod of graph.pods) {
    let candidates = inNamespace.get(pod.namespace);
    if (!candidates) inNamespace.set(pod.namespace, (candidates = policies.filter((p) => p.namespace === undefined || p.namespace === pod.namespace)));
    const names = candidates.filter((p) => p.selects(pod.labels)).map((p) => p.name);
    pod.subject.data.networkPolicy = { ingressIsolated: names.length > 0, policies: names };
    pod.subject.origin('/networkPolicy', pod.template.labelsPointer ?? pod.template.podPointer);
  }
}

/** Calico selector expressions: `all()`, `k == 'v'`, `k != 'v'`, `has(k)`, `!has(k)`, `k in {...}` joined by `&&`. */
export function calicoSelector(expr: unknown): (labels: Record<string, string>) => boolean {
  if (typeof expr !== 'string' || expr.trim() === '' || expr.trim() === 'all()') return () => true;
  const terms = expr.split('&&').map((s) => s.trim());
  const tests: Array<(l: Record<string, string>) => boolean> = [];
  for (const term of terms) {
    let m: RegExpExecArray | null;
    if ((m = /^([\w./-]+)\s*==\s*['"]([^'"]*)['"]$/.exec(term))) {
      const [, k, v] = m;
      tests.push((l) => l[k!] === v);
    } else if ((m = /^([\w./-]+)\s*!=\s*['"]([^'"]*)['"]$/.exec(term))) {
      const [, k, v] = m;
      tests.push((l) => l[k!] !== v);
    } else if ((m = /^has\(([\w./-]+)\)$/.exec(term))) {
      const k = m[1]!;
      tests.push((l) => k in l);
    } else if ((m = /^!\s*has\(([\w./-]+)\)$/.exec(term))) {
      const k = m[1]!;
      tests.push((l) => !(k in l));
    } else if ((m = /^([\w./-]+)\s+in\s+\{([^}]*)\}$/.exec(term))) {
      const k = m[1]!;
      const values = m[2]!.split(',').map((s) => s.trim().replace(/^['"]|['"]$/g, ''));
      tests.push((l) => values.includes(l[k] ?? '\u0000'));
    } else {
      // An expression we do not parse: assume it selects, rather than report a pod as open.
      return () => true;
    }
  }
  return (l) => tests.every((f) => f(l));
}
