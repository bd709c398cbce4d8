// An HTTPS stand-in for the Kubernetes API server, faithful enough for kubectl: legacy discovery
// (/api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>, /version), lists with
// limit/continue (items of built-in kinds without apiVersion/kind, as the real server sends
// them), gets, watches (newline-delimited events, replay from a resourceVersion, 410 when it is
// too old), bearer-token authentication, and failure injection: 403 for chosen resources, 429 or
// 503 once, an expired continue token once, and `faults` (a connection dropped in the middle of a
// page, a status such as 500, a page cut short) on chosen pages. Every request is recorded.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pluralOf } from '../../src/loaders/cluster/resources.js';

type Obj = Record<string, unknown>;

export interface FakeResource {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs?: string[];
  /** Built-in kinds: list items carry no apiVersion/kind. */
  builtin: boolean;
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function res(group: string, version: string, kind: string, namespaced: boolean, extra: Partial<FakeResource> = {}): FakeResource {
  return { group, version, kind, resource: pluralOf(kind), namespaced, builtin: true, ...extra };
}

/** What a plain cluster serves (the parts aigis and kubectl look at). */
export const BUILTIN_RESOURCES: FakeResource[] = [
  res('', 'v1', 'Pod', true, { shortNames: ['po'] }),
  res('', 'v1', 'Service', true, { shortNames: ['svc'] }),
  res('', 'v1', 'Namespace', false, { shortNames: ['ns'] }),
  res('', 'v1', 'ServiceAccount', true, { shortNames: ['sa'] }),
  res('', 'v1', 'Secret', true),
  res('', 'v1', 'ConfigMap', true, { shortNames: ['cm'] }),
  res('', 'v1', 'Node', false, { shortNames: ['no'] }),
  res('', 'v1', 'ReplicationController', true, { shortNames: ['rc'] }),
  res('', 'v1', 'PodTemplate', true),
  res('', 'v1', 'Endpoints', true, { resource: 'endpoints', shortNames: ['ep'] }),
  res('apps', 'v1', 'Deployment', true, { shortNames: ['deploy'] }),
  res('apps', 'v1', 'StatefulSet', true, { shortNames: ['sts'] }),
  res('apps', 'v1', 'DaemonSet', true, { shortNames: ['ds'] }),
  res('apps', 'v1', 'ReplicaSet', true, { shortNames: ['rs'] }),
  res('apps', 'v1', 'ControllerRevision', true),
  res('batch', 'v1', 'Job', true),
  res('batch', 'v1', 'CronJob', true, { shortNames: ['cj'] }),
  res('networking.k8s.io', 'v1', 'Ingress', true, { shortNames: ['ing'] }),
  res('networking.k8s.io', 'v1', 'NetworkPolicy', true, { shortNames: ['netpol'] }),
  res('networking.k8s.io', 'v1', 'IngressClass', false),
  res('rbac.authorization.k8s.io', 'v1', 'Role', true),
  res('rbac.authorization.k8s.io', 'v1', 'RoleBinding', true),
  res('rbac.authorization.k8s.io', 'v1', 'ClusterRole', false),
  res('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false),
  res('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false, { shortNames: ['crd', 'crds'] }),
];

function crd(group: string, version: string, kind: string, namespaced = true): FakeResource {
  return { group, version, kind, resource: pluralOf(kind), namespaced, builtin: false };
}

/** AI platform CRDs: KServe (two versions in one group), KubeRay, Kubeflow, Gateway API. */
export const AI_CRDS: FakeResource[] = [
  crd('serving.kserve.io', 'v1beta1', 'InferenceService'),
  crd('serving.kserve.io', 'v1alpha1', 'ServingRuntime'),
  crd('serving.kserve.io', 'v1alpha1', 'ClusterServingRuntime', false),
  crd('serving.kserve.io', 'v1alpha1', 'InferenceGraph'),
  crd('ray.io', 'v1', 'RayCluster'),
  crd('ray.io', 'v1', 'RayJob'),
  crd('ray.io', 'v1', 'RayService'),
  crd('kubeflow.org', 'v1', 'PyTorchJob'),
  crd('kubeflow.org', 'v1', 'Notebook'),
  crd('gateway.networking.k8s.io', 'v1', 'HTTPRoute'),
  crd('gateway.networking.k8s.io', 'v1', 'Gateway'),
];

export interface FakeApiServerOptions {
  cert: string;
  key: string;
  token: string;
  resources?: FakeResource[];
  objects?: Obj[];
  /** kubectl-style names (`pods`, `rayclusters.ray.io`) answered 403 on every request. */
  forbidden?: string[];
  /** Names whose first list request is answered 429 (Retry-After: retryAfter). */
  throttleOnce?: string[];
  retryAfter?: string;
  /** Names whose first list request is answered 503. */
  unavailableOnce?: string[];
  /** Names whose first `continue` request is answered 410 Gone (expired token). */
  expireContinueOnce?: string[];
  /** Compress answers when asked (Accept-Encoding: gzip), as the real server does. */
  gzip?: boolean;
  /** Faults injected into list requests, in order; each applies `times` times (default: always). */
  faults?: FakeFault[];
}

export interface FakeFault {
  /** kubectl-style name (`pods`, `deployments.apps`), or `*` for every resource. */
  resource: string;
  /** `drop`: send half the page, then cut the connection; `status`: answer `status` (500…) with a Status; `truncate`: a complete 200 answer whose JSON is cut short. */
  kind: 'drop' | 'status' | 'truncate';
  status?: number;
  /** Only the first page, or only pages after it (`continue` requests). Default: any. */
  page?: 'first' | 'continue';
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  status: number;
}

interface Watcher {
  resource: FakeResource;
  namespace?: string;
  write(event: { type: string; object: Obj }): void;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function metaOf(o: Obj): Obj {
  if (!isObj(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
}

function groupOf(apiVersion: string): [string, string] {
  const i = apiVersion.indexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

export function kubectlName(r: FakeResource): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private server!: https.Server;
  private port = 0;
  private rv = 1000;
  private readonly store = new Map<FakeResource, Map<string, Obj>>();
  private readonly sorted = new Map<FakeResource, Obj[]>();
  private readonly log: Array<{ rv: number; resource: FakeResource; type: string; object: Obj }> = [];
  private readonly watchers = new Set<Watcher>();
  private readonly once = new Map<string, Set<string>>();
  private readonly resources: FakeResource[];

  private constructor(private readonly o: FakeApiServerOptions) {
    this.resources = o.resources ?? [...BUILTIN_RESOURCES, ...AI_CRDS];
    for (const r of this.resources) this.store.set(r, new Map());
    for (const [k, names] of Object.entries({ throttle: o.throttleOnce, unavailable: o.unavailableOnce, expire: o.expireContinueOnce })) {
      this.once.set(k, new Set(names ?? []));
    }
    for (const obj of o.objects ?? []) this.put(obj);
  }

  static async start(o: FakeApiServerOptions): Promise<FakeApiServer> {
    const fake = new FakeApiServer(o);
    fake.server = https.createServer({ cert: o.cert, key: o.key }, (req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.port = (fake.server.address() as AddressInfo).port;
    return fake;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const w of this.watchers) w.write({ type: '__close', object: {} });
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Requests whose path contains `fragment` (e.g. `secrets`). */
  requestsTo(fragment: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.includes(fragment));
  }

  resourceFor(obj: Obj): FakeResource {
    const [group] = groupOf(String(obj.apiVersion));
    const r = this.resources.find((x) => x.group === group && x.kind === obj.kind);
    if (!r) throw new Error(`the fake API server serves no ${String(obj.apiVersion)} ${String(obj.kind)}`);
    return r;
  }

  /** Create or replace an object, and tell the watchers. */
  add(obj: Obj): void {
    const m = metaOf(obj);
    const known = this.store.get(this.resourceFor(obj))!.has(`${m.namespace ?? ''}/${m.name}`);
    this.emit(this.put(obj), known ? 'MODIFIED' : 'ADDED', obj);
  }

  update(obj: Obj): void {
    this.emit(this.put(obj), 'MODIFIED', obj);
  }

  remove(obj: Obj): void {
    const r = this.resourceFor(obj);
    const m = metaOf(obj);
    this.store.get(r)!.delete(`${m.namespace ?? ''}/${m.name}`);
    this.sorted.delete(r);
    m.resourceVersion = String(++this.rv);
    this.emit(r, 'DELETED', obj);
  }

  private put(obj: Obj): FakeResource {
    const r = this.resourceFor(obj);
    const m = metaOf(obj);
    m.resourceVersion = String(++this.rv);
    m.uid ??= `uid-${this.rv}`;
    m.creationTimestamp ??= '2025-06-01T12:00:00Z';
    this.store.get(r)!.set(`${m.namespace ?? ''}/${m.name}`, obj);
    this.sorted.delete(r);
    return r;
  }

  private emit(r: FakeResource, type: string, object: Obj): void {
    const rv = Number(metaOf(object).resourceVersion);
    this.log.push({ rv, resource: r, type, object });
    if (this.log.length > 10_000) this.log.shift();
    const ns = metaOf(object).namespace;
    for (const w of this.watchers) if (w.resource === r && (!w.namespace || w.namespace === ns)) w.write({ type, object });
  }

  private items(r: FakeResource): Obj[] {
    let list = this.sorted.get(r);
    if (!list) {
      list = [...this.store.get(r)!.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, o]) => o);
      this.sorted.set(r, list);
    }
    return list;
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, status: 200 };
    this.requests.push(record);
    const send = (status: number, body: unknown) => {
      record.status = status;
      const json = Buffer.from(JSON.stringify(body));
      const gzip = this.o.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) && json.length > 1024;
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (status === 429) headers['retry-after'] = this.o.retryAfter ?? '1';
      if (gzip) headers['content-encoding'] = 'gzip';
      res.writeHead(status, headers);
      res.end(gzip ? zlib.gzipSync(json) : json);
    };
    const status = (code: number, reason: string, message: string, details: Obj = {}) =>
      send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code });

    if (req.headers.authorization !== `Bearer ${this.o.token}`) {
      status(401, 'Unauthorized', 'Unauthorized');
      return;
    }
    if (req.method !== 'GET') {
      status(405, 'MethodNotAllowed', `the fake API server only reads (${req.method} ${url.pathname})`);
      return;
    }
    const p = url.pathname.replace(/\/$/, '');
    if (p === '/version') {
      send(200, { major: '1', minor: '32', gitVersion: 'v1.32.4', gitCommit: 'fake', gitTreeState: 'clean', buildDate: '2025-04-22T00:00:00Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' });
      return;
    }
    if (p === '/api') {
      send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${this.port}` }] });
      return;
    }
    if (p === '/apis') {
      send(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups() });
      return;
    }
    const seg = p.split('/').slice(1).map(decodeURIComponent);
    let group: string;
    let version: string | undefined;
    let rest: string[];
    if (seg[0] === 'api') {
      [group, version, rest] = ['', seg[1], seg.slice(2)];
    } else if (seg[0] === 'apis' && seg.length >= 2) {
      [group, version, rest] = [seg[1]!, seg[2], seg.slice(3)];
      if (version === undefined) {
        const g = this.groups().find((x) => x.name === group);
        if (g) send(200, { kind: 'APIGroup', apiVersion: 'v1', ...g });
        else status(404, 'NotFound', 'the server could not find the requested resource');
        return;
      }
    } else {
      status(404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const served = this.resources.filter((r) => r.group === group && r.version === version);
    if (!served.length) {
      status(404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    if (rest.length === 0) {
      send(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: served.map((r) => ({
          name: r.resource,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: r.verbs ?? VERBS,
          ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        })),
      });
      return;
    }
    // /namespaces/<ns>/<resource>[/<name>] or /<resource>[/<name>]
    let namespace: string | undefined;
    let resource: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [namespace, resource, name] = [rest[1], rest[2]!, rest[3]];
    else [resource, name] = [rest[0]!, rest[1]];
    const r = served.find((x) => x.resource === resource);
    if (!r || (namespace && !r.namespaced)) {
      status(404, 'NotFound', 'the server could not find the requested resource');
      return;
    }
    const label = kubectlName(r);
    if (this.o.forbidden?.includes(label)) {
      status(403, 'Forbidden', `${label} is forbidden: User "system:serviceaccount:aigis-system:aigis-audit" cannot ${name ? 'get' : 'list'} resource "${r.resource}" in API group "${r.group}" ${namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'}`, { kind: r.resource, ...(r.group ? { group: r.group } : {}) });
      return;
    }
    if (name !== undefined) {
      const obj = this.store.get(r)!.get(`${r.namespaced ? (namespace ?? '') : ''}/${name}`);
      if (obj) send(200, obj);
      else status(404, 'NotFound', `${label} "${name}" not found`, { name, kind: r.resource });
      return;
    }
    if (this.takeOnce('throttle', label)) {
      status(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds: Number(this.o.retryAfter ?? '1') });
      return;
    }
    if (this.takeOnce('unavailable', label)) {
      status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
      return;
    }
    const fault = this.takeFault(label, url.searchParams.has('continue'));
    if (fault?.kind === 'status') {
      const code = fault.status ?? 500;
      status(code, code === 500 ? 'InternalError' : 'ServiceUnavailable', `injected fault: ${code} on ${label}`);
      return;
    }
    if (fault) {
      // Answer the list as usual, then damage what goes on the wire.
      const end = res.end.bind(res);
      const write = res.write.bind(res);
      const writeHead = res.writeHead.bind(res);
      let headers: Record<string, string> = {};
      res.writeHead = ((code: number, h: Record<string, string>) => {
        headers = { ...h };
        record.status = code;
        return res;
      }) as typeof res.writeHead;
      res.end = ((body: Buffer) => {
        const cut = body.subarray(0, Math.max(1, body.length >> 1));
        if (fault.kind === 'truncate') {
          writeHead(200, { ...headers, 'content-length': String(cut.length) });
          return end(cut);
        }
        writeHead(200, { ...headers, 'content-length': String(body.length) });
        write(cut);
        setImmediate(() => res.socket?.destroy());
        return res;
      }) as typeof res.end;
    }
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      this.watch(r, namespace, url, req, res, record);
      return;
    }
    this.list(r, namespace, url, send, status, /\bas=Table;v=v1;g=meta\.k8s\.io\b/.test(String(req.headers.accept ?? '')));
  }

  private readonly faultsUsed = new Map<FakeFault, number>();

  private takeFault(label: string, continued: boolean): FakeFault | undefined {
    for (const f of this.o.faults ?? []) {
      if (f.resource !== label && f.resource !== '*') continue;
      if (f.page === 'first' && continued) continue;
      if (f.page === 'continue' && !continued) continue;
      const used = this.faultsUsed.get(f) ?? 0;
      if (used >= (f.times ?? Infinity)) continue;
      this.faultsUsed.set(f, used + 1);
      return f;
    }
    return undefined;
  }

  private takeOnce(kind: string, label: string): boolean {
    const set = this.once.get(kind)!;
    if (!set.has(label)) return false;
    set.delete(label);
    return true;
  }

  private groups(): Obj[] {
    const byGroup = new Map<string, string[]>();
    for (const r of this.resources) {
      if (!r.group) continue;
      const vs = byGroup.get(r.group) ?? [];
      if (!vs.includes(r.version)) vs.push(r.version);
      byGroup.set(r.group, vs);
    }
    return [...byGroup].map(([name, versions]) => ({
      name,
      versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
      preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
    }));
  }

  private list(
    r: FakeResource,
    namespace: string | undefined,
    url: URL,
    send: (status: number, body: unknown) => void,
    status: (code: number, reason: string, message: string) => void,
    table: boolean,
  ): void {
    const all = namespace ? this.items(r).filter((o) => metaOf(o).namespace === namespace) : this.items(r);
    const limit = Number(url.searchParams.get('limit') ?? '0');
    const token = url.searchParams.get('continue');
    let start = 0;
    if (token) {
      if (this.takeOnce('expire', kubectlName(r))) {
        status(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
        return;
      }
      start = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { start: number }).start;
    }
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const items = all.slice(start, end).map((o) => {
      if (!r.builtin) return o;
      const { apiVersion: _a, kind: _k, ...rest } = o;
      return rest;
    });
    const metadata: Obj = { resourceVersion: String(this.rv) };
    if (end < all.length) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: this.rv, start: end })).toString('base64url');
      metadata.remainingItemCount = all.length - end;
    }
    if (table) send(200, asTable(r, items, metadata));
    else send(200, { kind: `${r.kind}List`, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, metadata, items });
  }

  private watch(
    r: FakeResource,
    namespace: string | undefined,
    url: URL,
    req: import('node:http').IncomingMessage,
    res: import('node:http').ServerResponse,
    record: RecordedRequest,
  ): void {
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // The real server sends the headers at once, events as they happen.
    res.flushHeaders();
    const from = url.searchParams.get('resourceVersion');
    const line = (e: { type: string; object: Obj }) => res.write(`${JSON.stringify(e)}\n`);
    const matches = (o: Obj) => !namespace || metaOf(o).namespace === namespace;
    if (!from || from === '0') {
      for (const o of this.items(r)) if (matches(o)) line({ type: 'ADDED', object: o });
    } else {
      const rv = Number(from);
      const oldest = this.log.length ? this.log[0]!.rv : this.rv;
      if (rv < oldest - 1 && rv < this.rv) {
        line({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `too old resource version: ${rv} (${oldest})`, reason: 'Expired', code: 410 } });
        record.status = 410;
        res.end();
        return;
      }
      for (const e of this.log) if (e.rv > rv && e.resource === r && matches(e.object)) line({ type: e.type, object: e.object });
    }
    const watcher: Watcher = {
      resource: r,
      namespace,
      write: (e) => {
        if (e.type === '__close') res.end();
        else line(e);
      },
    };
    this.watchers.add(watcher);
    const timeout = Number(url.searchParams.get('timeoutSeconds') ?? '0');
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      this.watchers.delete(watcher);
    };
    req.on('close', done);
    res.on('close', done);
  }
}

const NOW = Date.parse('2025-06-08T12:00:00Z');

function age(o: Obj): string {
  const t = Date.parse(String(metaOf(o).creationTimestamp ?? ''));
  if (Number.isNaN(t)) return '<unknown>';
  const s = Math.max(0, Math.floor((NOW - t) / 1000));
  return s >= 86400 ? `${Math.floor(s / 86400)}d` : s >= 3600 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 60)}m`;
}

/** Server-side printing (what kubectl asks for): a meta.k8s.io/v1 Table with the object metadata. */
function asTable(r: FakeResource, items: Obj[], metadata: Obj): Obj {
  const column = (name: string, type = 'string', format = '') => ({ name, type, format, description: name, priority: 0 });
  const isPod = r.group === '' && r.kind === 'Pod';
  const columnDefinitions = isPod
    ? [column('Name', 'string', 'name'), column('Ready'), column('Status'), column('Restarts', 'string'), column('Age')]
    : [column('Name', 'string', 'name'), column('Age')];
  const rows = items.map((o) => {
    let cells: unknown[] = [metaOf(o).name, age(o)];
    if (isPod) {
      const status = (o.status ?? {}) as Obj;
      const cs = (Array.isArray(status.containerStatuses) ? status.containerStatuses : []) as Obj[];
      const ready = cs.filter((c) => c.ready === true).length;
      const restarts = cs.reduce((n, c) => n + Number(c.restartCount ?? 0), 0);
      cells = [metaOf(o).name, `${ready}/${cs.length}`, String(status.phase ?? 'Pending'), String(restarts), age(o)];
    }
    const { managedFields: _m, ...meta } = metaOf(o);
    return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: meta } };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata, columnDefinitions, rows };
}

/** A kubeconfig for the fake server with a bearer token and the CA, as kubectl and aigis read it. */
export function writeKubeconfig(file: string, o: { server: string; ca: string; token: string; context?: string; caFile?: boolean }): string {
  const context = o.context ?? 'fake';
  const cluster = o.caFile
    ? { server: o.server, 'certificate-authority': path.join(path.dirname(file), 'ca.crt') }
    : { server: o.server, 'certificate-authority-data': Buffer.from(o.ca).toString('base64') };
  if (o.caFile) fs.writeFileSync(path.join(path.dirname(file), 'ca.crt'), o.ca);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: `${context}-cluster`, cluster }],
    users: [{ name: `${context}-user`, user: { token: o.token } }],
    contexts: [{ name: context, context: { cluster: `${context}-cluster`, user: `${context}-user` } }],
    'current-context': context,
  };
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
