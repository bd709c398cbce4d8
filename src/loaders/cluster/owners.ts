// One finding per template, not per replica: an object holding pod templates that a controller
// created from another audited object's template (Pod → ReplicaSet → Deployment, Job →
// CronJob, Deployment → InferenceService, StatefulSet → Notebook, RayCluster → RayService) is
// checked through that owner and left out. Pods whose controller is not audited (its kind is not
// in the pod-template table, or it could not be read) are checked directly, one per template:
// replicas share the controller's template hash label, or failing that the same spec.

import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;

export interface ControllerRef {
  uid: string;
  kind: string;
  name: string;
  apiVersion: string;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function meta(obj: Obj): Obj {
  return isObj(obj.metadata) ? obj.metadata : {};
}

/** The ownerReference with `controller: true`, if any. */
export function controllerOf(obj: Obj): ControllerRef | undefined {
  const refs = meta(obj).ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  for (const r of refs) {
    if (isObj(r) && r.controller === true && typeof r.uid === 'string') {
      return { uid: r.uid, kind: String(r.kind ?? ''), name: String(r.name ?? ''), apiVersion: String(r.apiVersion ?? '') };
    }
  }
  return undefined;
}

/** Labels controllers set to the hash of the template a pod was made from. */
const TEMPLATE_HASH_LABELS = ['pod-template-hash', 'controller-revision-hash'];

/** Fields that differ between replicas of one template. */
function replicaInvariantSpec(spec: Obj): Obj {
  const { nodeName: _n, hostname: _h, subdomain: _s, ...rest } = spec;
  // The service account token volume gets a random suffix per pod (kube-api-access-xxxxx).
  const generated = (name: unknown) => typeof name === 'string' && name.startsWith('kube-api-access-');
  if (Array.isArray(rest.volumes)) rest.volumes = rest.volumes.filter((v) => !(isObj(v) && generated(v.name)));
  for (const list of ['containers', 'initContainers']) {
    const cs = rest[list];
    if (!Array.isArray(cs)) continue;
    rest[list] = cs.map((c) => (isObj(c) && Array.isArray(c.volumeMounts) ? { ...c, volumeMounts: c.volumeMounts.filter((m) => !(isObj(m) && generated(m.name))) } : c));
  }
  return rest;
}

/** Same value for every replica of one pod template. */
export function podSignature(pod: Obj): string {
  const labels = isObj(meta(pod).labels) ? (meta(pod).labels as Obj) : {};
  for (const l of TEMPLATE_HASH_LABELS) if (typeof labels[l] === 'string') return `${l}=${labels[l]}`;
  const spec = isObj(pod.spec) ? replicaInvariantSpec(pod.spec) : {};
  return createHash('sha1').update(JSON.stringify(spec)).digest('hex');
}

export interface OwnerStats {
  /** Template holders left out because an audited owner holds their template. */
  coveredByOwner: number;
  /** Pods left out as further replicas of a template already kept. */
  replicas: number;
}

/**
 * Collects listed objects and, at the end, keeps those that carry their own template (or none).
 * Pods are collapsed per (controller, template) as pages arrive, so a cluster's replicas are never
 * all held at once.
 */
export class OwnerFilter {
  private readonly objects = new Map<string, { obj: Obj; templates: boolean }>();
  private readonly podTemplates = new Set<string>();
  private anonymous = 0;
  readonly stats: OwnerStats = { coveredByOwner: 0, replicas: 0 };

  /** `templates`: the object's kind is in the pod-template table. */
  add(obj: Obj, templates: boolean): void {
    const m = meta(obj);
    const uid = typeof m.uid === 'string' && m.uid ? m.uid : `anonymous:${this.anonymous++}`;
    if (templates && obj.kind === 'Pod' && obj.apiVersion === 'v1') {
      const owner = controllerOf(obj);
      if (owner) {
        const key = `${owner.uid}\u0000${podSignature(obj)}`;
        if (this.podTemplates.has(key) && !this.objects.has(uid)) {
          this.stats.replicas++;
          return;
        }
        this.podTemplates.add(key);
      }
    }
    this.objects.set(uid, { obj, templates });
  }

  /** The objects to check, in the order they were first listed. */
  result(): Obj[] {
    const out: Obj[] = [];
    for (const { obj, templates } of this.objects.values()) {
      const owner = templates ? controllerOf(obj) : undefined;
      if (owner && this.objects.get(owner.uid)?.templates) {
        this.stats.coveredByOwner++;
        continue;
      }
      out.push(obj);
    }
    return out;
  }
}
