// GPU isolation facts (rules.d/data/gpu-isolation.yaml): which pods are GPU workloads and which
// are GPU infrastructure, how a pod lands on GPU nodes, which GPUs a container asks the NVIDIA
// runtime for through its environment, and which mounts reach host GPU devices and drivers.
// Shapes are documented in docs/model.md ("GPU isolation").

import { escapeSegment } from '../util/pointer.js';
import type { AiTables } from './ai-tables.js';
import type { ContainerRecord, ModelGraph, PodRecord } from './build.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type EnvMap = ReadonlyMap<string, { readonly value: string | null; readonly path: string }>;

/**
 * The effective environment of a container: `envVars` (components enricher) or its literal env.
 * Several enrichers ask for it: it is built once for the container's current fields.
 */
export function envOf(c: ContainerRecord): EnvMap {
  const vars = c.subject.data.envVars;
  const env = c.subject.data.env;
  const known = c.cache.env as { vars: unknown; env: unknown; map: EnvMap } | undefined;
  if (known && known.vars === vars && known.env === env) return known.map;
  const map = buildEnv(c);
  c.cache.env = { vars, env, map };
  return map;
}

function buildEnv(c: ContainerRecord): EnvMap {
  const out = new Map<string, { value: string | null; path: string }>();
  const vars = c.subject.data.envVars;
  if (isObj(vars)) {
    for (const [k, v] of Object.entries(vars)) out.set(k, { value: typeof v === 'string' ? v : null, path: `/envVars/${escapeSegment(k)}` });
    return out;
  }
  const env = c.subject.data.env;
  if (Array.isArray(env)) {
    env.forEach((e, i) => {
      if (!isObj(e) || typeof e.name !== 'string') return;
      out.set(e.name, { value: e.valueFrom === undefined ? String(e.value ?? '') : null, path: `/env/${i}` });
    });
  }
  return out;
}

export interface GpuContext {
  /** A container of the pod requests an accelerator resource. */
  accelerator: boolean;
  /** RDMA, InfiniBand or EFA resources. */
  rdma: boolean;
  /** Dynamic resource allocation claims (resourceClaims). */
  claims: boolean;
  /** runtimeClassName is an NVIDIA runtime class. */
  runtimeClass: boolean;
  /** Id of the AI component the pod runs (classes listed in the table), or null. */
  aiComponent: string | null;
  /** The pod tolerates or selects GPU nodes. */
  gpuNode: boolean;
  /** Distributed training or inference launcher (torchrun, DeepSpeed, MPI, Ray, NCCL env). */
  distributed: boolean;
  /** Why the pod is a GPU workload, in words (messages); null when it is not one. */
  why: string | null;
}

interface GpuNodeSignal {
  via: 'toleration' | 'nodeSelector' | 'nodeAffinity' | 'runtimeClass';
  key: string;
  path: string;
}

function imageKey(data: Obj): string | undefined {
  const img = data.image;
  if (!isObj(img) || img.templated) return undefined;
  return `${String(img.registry)}/${String(img.repository)}`;
}

function resourceNames(resources: unknown): string[] {
  if (!isObj(resources)) return [];
  const names = new Set<string>();
  for (const k of ['limits', 'requests']) if (isObj(resources[k])) for (const n of Object.keys(resources[k] as Obj)) names.add(n);
  return [...names];
}

/** The first field that puts the pod on GPU nodes (tolerations, nodeSelector, required node affinity, runtime class). */
function gpuNodeSignal(pod: Obj, t: AiTables): GpuNodeSignal | undefined {
  if (Array.isArray(pod.tolerations)) {
    for (let i = 0; i < pod.tolerations.length; i++) {
      const tol = pod.tolerations[i];
      // A toleration without a key tolerates every taint: gpu-wildcard-toleration's concern, not a GPU-node choice.
      if (!isObj(tol) || typeof tol.key !== 'string') continue;
      if (t.gpuNodeTaint(tol.key, tol.value, tol.operator === 'Exists')) {
        return { via: 'toleration', key: tol.key, path: `/tolerations/${i}` };
      }
    }
  }
  if (isObj(pod.nodeSelector)) {
    for (const [k, v] of Object.entries(pod.nodeSelector)) {
      if (t.gpuNodeLabel(k, v)) return { via: 'nodeSelector', key: k, path: `/nodeSelector/${escapeSegment(k)}` };
    }
  }
  const terms = (pod.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown } } } | undefined)?.nodeAffinity
    ?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (Array.isArray(terms)) {
    for (let i = 0; i < terms.length; i++) {
      const exprs = isObj(terms[i]) ? (terms[i] as Obj).matchExpressions : undefined;
      if (!Array.isArray(exprs)) continue;
      for (let j = 0; j < exprs.length; j++) {
        const e = exprs[j];
        if (!isObj(e) || typeof e.key !== 'string' || e.operator === 'NotIn' || e.operator === 'DoesNotExist') continue;
        const values = Array.isArray(e.values) ? e.values : [undefined];
        if (values.some((v) => t.gpuNodeLabel(e.key as string, v, e.operator === 'Exists'))) {
          return {
            via: 'nodeAffinity',
            key: e.key,
            path: `/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/${i}/matchExpressions/${j}`,
          };
        }
      }
    }
  }
  if (typeof pod.runtimeClassName === 'string' && t.runtimeClasses.has(pod.runtimeClassName)) {
    return { via: 'runtimeClass', key: pod.runtimeClassName, path: '/runtimeClassName' };
  }
  return undefined;
}

/** GPU infrastructure: by namespace, by the labels of the pod or its workload, or by a container's image (init too). */
function isSystem(pod: PodRecord, t: AiTables): boolean {
  if (t.systemNamespace(pod.namespace)) return true;
  const wl = pod.subject.data.workload;
  const wlLabels = isObj(wl) && isObj(wl.labels) ? wl.labels : {};
  if (t.systemLabel(pod.labels) || t.systemLabel(wlLabels)) return true;
  return pod.containers.some((c) => {
    const key = imageKey(c.subject.data);
    return key !== undefined && t.systemImage(key);
  });
}

function contextOf(pod: PodRecord, t: AiTables, signal: GpuNodeSignal | undefined): GpuContext {
  const p = pod.template.pod;
  const gpu = pod.subject.data.gpu;
  const ctx: GpuContext = {
    accelerator: isObj(gpu) && Number(gpu.count) > 0,
    rdma: false,
    claims: Array.isArray(p.resourceClaims) && p.resourceClaims.length > 0,
    runtimeClass: typeof p.runtimeClassName === 'string' && t.runtimeClasses.has(p.runtimeClassName),
    aiComponent: null,
    gpuNode: signal !== undefined && signal.via !== 'runtimeClass',
    distributed: false,
    why: null,
  };
  for (const c of pod.containers) {
    const d = c.subject.data;
    const res = c.instance.value.resources;
    if (resourceNames(res).some((n) => t.rdmaResource(n))) ctx.rdma = true;
    if (isObj(res) && Array.isArray(res.claims) && res.claims.length > 0) ctx.claims = true;
    const comp = d.component;
    if (ctx.aiComponent === null && isObj(comp) && t.aiComponentClasses.has(String(comp.class))) ctx.aiComponent = String(comp.id);
    const argv = Array.isArray(d.argv) ? (d.argv as string[]).join(' ') : '';
    if (t.distributedArgv.some((re) => re.test(argv))) ctx.distributed = true;
    for (const name of envOf(c).keys()) if (t.distributedEnvPrefixes.some((p) => name.startsWith(p))) ctx.distributed = true;
  }
  const resources = isObj(gpu) && isObj(gpu.resources) ? Object.keys(gpu.resources).join(', ') : '';
  if (ctx.accelerator) ctx.why = `requests ${resources}`;
  else if (ctx.rdma) ctx.why = 'requests RDMA devices';
  else if (ctx.claims) ctx.why = 'claims devices through DRA';
  else if (ctx.runtimeClass) ctx.why = `runs with runtimeClassName ${String(p.runtimeClassName)}`;
  else if (ctx.aiComponent) ctx.why = `runs ${ctx.aiComponent}`;
  else if (signal) ctx.why = `targets GPU nodes (${signal.via} ${signal.key})`;
  return ctx;
}

/** NVIDIA GPUs a container is allotted by the device plugin (full GPUs and MIG slices). */
function allottedNvidia(c: ContainerRecord): number {
  const gpu = c.subject.data.gpu;
  if (!isObj(gpu) || !isObj(gpu.resources)) return 0;
  let n = 0;
  for (const [name, count] of Object.entries(gpu.resources)) if (name.startsWith('nvidia.com/')) n += Number(count) || 0;
  return n;
}

/**
 * Sets on every pod and container: `gpuWorkload`, `gpuSystem`, `gpuContext`; on pods `gpuNode`
 * (the field that targets GPU nodes) and `visibleDevicesVoid`; on containers `visibleDevices`
 * (NVIDIA_VISIBLE_DEVICES as the runtime reads it), and on mounts `gpuHostPath` (host GPU
 * devices, drivers and control sockets) and `deviceList` (a device-list mount path).
 */
export function enrichGpuContext(graph: ModelGraph, t: AiTables): void {
  for (const pod of graph.pods) {
    const data = pod.subject.data;
    const signal = gpuNodeSignal(pod.template.pod, t);
    const ctx = contextOf(pod, t, signal);
    const system = isSystem(pod, t);
    const workload = !system && (ctx.accelerator || ctx.rdma || ctx.claims || ctx.runtimeClass || ctx.aiComponent !== null || ctx.gpuNode);
    data.gpuWorkload = workload;
    data.gpuSystem = system;
    data.gpuContext = ctx;
    if (signal) {
      data.gpuNode = { via: signal.via, key: signal.key };
      pod.subject.origin('/gpuNode', pod.subject.pointerFor(signal.path));
    }

    let allVoid = pod.containers.length > 0;
    for (const c of pod.containers) {
      const cd = c.subject.data;
      cd.gpuWorkload = workload;
      cd.gpuSystem = system;
      cd.gpuContext = ctx;
      const vd = visibleDevices(c, t);
      if (vd) {
        cd.visibleDevices = vd.value;
        c.subject.origin('/visibleDevices', c.subject.pointerFor(vd.path));
      }
      if (!vd || vd.value.requested !== 0) allVoid = false;
      markMounts(c, t);
      memoryVolumes(c);
      if (workload) {
        excessCapabilities(c, t, ctx);
        gpuResources(c);
      }
    }
    data.visibleDevicesVoid = allVoid;
  }
}

function visibleDevices(c: ContainerRecord, t: AiTables): { value: Obj; path: string } | undefined {
  for (const [name, e] of envOf(c)) {
    if (!t.visibleDevicesEnv.has(name) || e.value === null) continue;
    const v = e.value.trim();
    let requested: number | 'all';
    if (t.noDevicesValues.has(v.toLowerCase())) requested = 0;
    else if (v.toLowerCase() === 'all') requested = 'all';
    else requested = v.split(',').filter((s) => s.trim() !== '').length;
    const allotted = allottedNvidia(c);
    return {
      value: { name, value: e.value, requested, allotted, exceeds: requested === 'all' || requested > allotted },
      path: e.path,
    };
  }
  return undefined;
}

/** `/var/run/x` is `/run/x` on every current distribution (a symlink). */
function hostForm(p: string): string {
  return p.startsWith('/var/run/') || p === '/var/run' ? p.slice(4) : p;
}

function markMounts(c: ContainerRecord, t: AiTables): void {
  const mounts = c.subject.data.mounts;
  if (!Array.isArray(mounts)) return;
  mounts.forEach((m, i) => {
    if (!isObj(m)) return;
    if (typeof m.mountPath === 'string' && t.deviceListMountPaths.some((re) => re.test(m.mountPath as string))) m.deviceList = true;
    const hp = isObj(m.volume) && isObj((m.volume as Obj).hostPath) ? ((m.volume as Obj).hostPath as Obj) : undefined;
    if (!hp || typeof hp.canonicalPath !== 'string') return;
    const path = hostForm(hp.canonicalPath);
    const row = t.hostPaths.find((r) => r.re.test(path));
    if (!row) return;
    const writable = m.readOnly !== true;
    m.gpuHostPath = {
      path: hp.canonicalPath,
      what: row.what,
      writable,
      access: writable ? 'writable' : 'read-only',
      risk: writable && row.writableRisk ? row.writableRisk : row.risk,
    };
    c.subject.origin(`/mounts/${i}/gpuHostPath`, c.subject.pointerFor(`/mounts/${i}/volume/hostPath/canonicalPath`));
  });
}

/** `excessCapabilities: [{ capability, text, why, risk }]`: added capabilities too broad for a GPU workload, and defaults it keeps. */
function excessCapabilities(c: ContainerRecord, t: AiTables, ctx: GpuContext): void {
  const subject = c.subject;
  const sc = isObj(subject.data.securityContext) ? subject.data.securityContext : {};
  const caps = isObj(sc.capabilities) ? sc.capabilities : undefined;
  const out: Array<{ value: Obj; path: string }> = [];
  const add = Array.isArray(caps?.add) ? (caps!.add as unknown[]) : [];
  add.forEach((cap, i) => {
    if (typeof cap !== 'string') return;
    const row = t.capabilities.find((r) => r.names.includes(cap) && !(r.unlessRdma && ctx.rdma));
    if (row) out.push({ value: { capability: cap, text: `adds capability ${cap}`, why: row.why, risk: row.risk }, path: `/securityContext/capabilities/add/${i}` });
  });
  const drop = Array.isArray(caps?.drop) ? (caps!.drop as unknown[]) : undefined;
  // Where capabilities-not-dropped reports the same gap, so that one finding remains.
  const gapPath = !caps ? '/securityContext' : !drop ? '/securityContext/capabilities' : '/securityContext/capabilities/drop';
  // CVE-2021-1056 needs GPU device access: only containers that are allotted an accelerator.
  const hasAccelerator = isObj(subject.data.gpu) && Number((subject.data.gpu as Obj).count) > 0;
  for (const m of hasAccelerator ? t.mustDrop : []) {
    if (drop?.includes('ALL') || drop?.includes(m.name) || add.includes(m.name)) continue;
    out.push({ value: { capability: m.name, text: `does not drop capability ${m.name}`, why: m.why, risk: 'medium' }, path: gapPath });
  }
  if (!out.length) return;
  subject.data.excessCapabilities = out.map((o, i) => {
    subject.origin(`/excessCapabilities/${i}`, subject.pointerFor(o.path));
    return o.value;
  });
}

/** `gpuResourceProblems: [{ text }]`: accelerator requests without limits, requests unlike limits, GPU containers without CPU or memory limits. */
function gpuResources(c: ContainerRecord): void {
  const subject = c.subject;
  const data = subject.data;
  if (!isObj(data.gpu) || c.instance.kind === 'ephemeralContainer') return;
  const res = isObj(c.instance.value.resources) ? (c.instance.value.resources as Obj) : {};
  const limits = isObj(res.limits) ? res.limits : undefined;
  const requests = isObj(res.requests) ? res.requests : {};
  const out: Array<{ text: string; path: string }> = [];
  for (const name of Object.keys((data.gpu as Obj).resources as Obj)) {
    const req = requests[name];
    const lim = limits?.[name];
    const key = escapeSegment(name);
    if (req !== undefined && lim === undefined) out.push({ text: `requests ${name} without a limit (extended resources belong in limits)`, path: `/resources/requests/${key}` });
    else if (req !== undefined && String(req) !== String(lim)) out.push({ text: `requests ${String(req)} ${name} but limits it to ${String(lim)}`, path: `/resources/requests/${key}` });
  }
  // Where resource-limits-missing reports the same gap, so that one finding remains.
  const missing = ['cpu', 'memory'].filter((k) => limits?.[k] === undefined);
  if (missing.length) {
    const path = c.instance.value.resources === undefined ? '' : limits ? '/resources/limits' : '/resources';
    out.push({ text: `sets no ${missing.join(' or ')} limit for a GPU container`, path });
  }
  if (!out.length) return;
  data.gpuResourceProblems = out.map((o, i) => {
    subject.origin(`/gpuResourceProblems/${i}`, subject.pointerFor(o.path));
    return { text: o.text };
  });
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, m: 1e-3 };

/** Bytes of a Kubernetes quantity (`1Gi`, `512M`, `1e9`); undefined when it is not one. */
export function quantityBytes(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^\s*([0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)\s*(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?\s*$/.exec(q);
  return m ? Number(m[1]) * UNITS[m[2] ?? '']! : undefined;
}

/** `mounts[].memoryBacked`: a Memory emptyDir (tmpfs, counted as the container's memory), with what bounds it. */
function memoryVolumes(c: ContainerRecord): void {
  const subject = c.subject;
  const mounts = subject.data.mounts;
  if (!Array.isArray(mounts)) return;
  const res = isObj(c.instance.value.resources) ? (c.instance.value.resources as Obj) : {};
  const limit = isObj(res.limits) ? res.limits.memory : undefined;
  mounts.forEach((m, i) => {
    if (!isObj(m) || !isObj(m.volume) || !isObj((m.volume as Obj).emptyDir)) return;
    const ed = (m.volume as Obj).emptyDir as Obj;
    if (ed.medium !== 'Memory') return;
    const size = ed.sizeLimit;
    const sizeBytes = quantityBytes(size);
    const limitBytes = quantityBytes(limit);
    let problem: string | null = null;
    let path = `/mounts/${i}/volume/emptyDir`;
    if (size === undefined || size === null) problem = 'has no sizeLimit';
    else if (limit === undefined) problem = 'sits in a container without a memory limit';
    else if (sizeBytes !== undefined && limitBytes !== undefined && sizeBytes > limitBytes) {
      problem = `is larger (${String(size)}) than the container's memory limit (${String(limit)})`;
      path = `/mounts/${i}/volume/emptyDir/sizeLimit`;
    }
    m.memoryBacked = { mountPath: m.mountPath, sizeLimit: size ?? null, memoryLimit: limit ?? null, problem };
    subject.origin(`/mounts/${i}/memoryBacked`, subject.pointerFor(path));
  });
}
