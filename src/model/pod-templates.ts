// Finds every pod template in an object using the workload-kinds table (rules.d/data), whatever
// its shape: a PodTemplateSpec, a bare PodSpec, containers inlined beside pod fields (KServe,
// Argo) or a single container spread over the object (NIMService, TrainJob).

import type { WorkloadKind, WorkloadTemplate } from '../rules/data.js';
import { copyOf } from '../util/copy.js';
import { expandPattern, getAt, joinRelative } from '../util/pointer.js';

type Obj = Record<string, unknown>;

export type ContainerKind = 'container' | 'initContainer' | 'ephemeralContainer';

export interface ContainerInstance {
  pointer: string;
  value: Obj;
  kind: ContainerKind;
  /** Name the controller gives a container written without one (KServe's kserve-container). */
  defaultName?: string;
  /** For mapped containers: container field → document pointer. */
  origins?: Record<string, string>;
}

export interface PodTemplateInstance {
  pointer: string;
  role?: string;
  /** Pointer of the node holding pod-level fields (PodSpec or inlined pod fields). */
  podPointer: string;
  /** Pod-level fields (defaults merged under the template's own). */
  pod: Obj;
  /** Pod field → pointer, for fields not found under podPointer. */
  podOrigins: Record<string, string>;
  labels: Record<string, string>;
  labelsPointer?: string;
  annotations: Record<string, string>;
  annotationsPointer?: string;
  containers: ContainerInstance[];
}

/** Pod fields that Argo (and similar) accept at the workflow level as defaults for every pod. */
const POD_DEFAULT_FIELDS = [
  'hostNetwork',
  'securityContext',
  'volumes',
  'automountServiceAccountToken',
  'serviceAccountName',
  'nodeSelector',
  'tolerations',
  'affinity',
  'priorityClassName',
  'runtimeClassName',
  'dnsPolicy',
];

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObj(v)) return out;
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}

function substitute(labels: Record<string, string> | undefined, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) out[k] = v.replace(/\{name\}/g, name);
  return out;
}

export function extractPodTemplates(obj: Obj, kind: WorkloadKind): PodTemplateInstance[] {
  const out: PodTemplateInstance[] = [];
  const name = String((obj.metadata as Obj | undefined)?.name ?? '');
  for (const tpl of kind.templates) {
    for (const [pointer, node] of expandPattern(obj, tpl.path)) {
      if (!isObj(node)) continue;
      const inst = instantiate(obj, tpl, pointer, node);
      if (!inst) continue;
      inst.labels = { ...inst.labels, ...substitute(kind.podLabels, name), ...substitute(tpl.podLabels, name) };
      out.push(inst);
    }
  }
  return out;
}

function instantiate(root: Obj, tpl: WorkloadTemplate, pointer: string, node: Obj): PodTemplateInstance | undefined {
  switch (tpl.shape) {
    case 'template': {
      const spec = node.spec;
      if (!isObj(spec)) return undefined;
      const podPointer = `${pointer}/spec`;
      return {
        pointer,
        role: tpl.role,
        podPointer,
        pod: spec,
        podOrigins: {},
        labels: stringMap(getAt(node, '/metadata/labels')),
        labelsPointer: `${pointer}/metadata/labels`,
        annotations: stringMap(getAt(node, '/metadata/annotations')),
        annotationsPointer: `${pointer}/metadata/annotations`,
        containers: podSpecContainers(spec, podPointer),
      };
    }
    case 'podSpec':
      return {
        pointer,
        role: tpl.role,
        podPointer: pointer,
        pod: node,
        podOrigins: {},
        labels: {},
        annotations: {},
        containers: podSpecContainers(node, pointer),
      };
    case 'parts':
      return parts(root, tpl, pointer, node);
    case 'mapped':
      return mapped(tpl, pointer, node);
  }
}

function podSpecContainers(spec: Obj, podPointer: string): ContainerInstance[] {
  const out: ContainerInstance[] = [];
  const lists: Array<[string, ContainerKind]> = [
    ['initContainers', 'initContainer'],
    ['containers', 'container'],
    ['ephemeralContainers', 'ephemeralContainer'],
  ];
  for (const [field, kind] of lists) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((c, i) => {
      if (isObj(c)) out.push({ pointer: `${podPointer}/${field}/${i}`, value: c, kind });
    });
  }
  return out;
}

function parts(root: Obj, tpl: WorkloadTemplate, pointer: string, node: Obj): PodTemplateInstance | undefined {
  const podPointer = joinRelative(pointer, tpl.pod ?? '');
  const podNode = getAt(node, tpl.pod ? `/${tpl.pod}` : '');
  const own: Obj = isObj(podNode) ? podNode : {};
  const pod: Obj = copyOf(own);
  const podOrigins: Record<string, string> = {};
  if (tpl.podDefaults) {
    const defaults = getAt(root, tpl.podDefaults);
    if (isObj(defaults)) {
      for (const f of POD_DEFAULT_FIELDS) {
        if (pod[f] === undefined && defaults[f] !== undefined) {
          pod[f] = defaults[f];
          podOrigins[f] = `${tpl.podDefaults}/${f}`;
        }
      }
    }
  }
  const containers: ContainerInstance[] = [];
  const add = (patterns: string[] | undefined, kind: ContainerKind) => {
    for (const pattern of patterns ?? []) {
      for (const [rel, value] of expandPattern(node, `/${pattern}`)) {
        if (!isObj(value)) continue;
        const c: ContainerInstance = { pointer: pointer + rel, value, kind };
        const defaultName = tpl.defaultNames?.[pattern];
        if (defaultName) c.defaultName = defaultName;
        containers.push(c);
      }
    }
  };
  add(tpl.initContainers, 'initContainer');
  add(tpl.containers, 'container');
  if (containers.length === 0) return undefined;
  const labelsRel = tpl.labels ? `/${tpl.labels}` : undefined;
  const annRel = tpl.annotations ? `/${tpl.annotations}` : undefined;
  return {
    pointer,
    role: tpl.role,
    podPointer,
    pod,
    podOrigins,
    labels: labelsRel ? stringMap(getAt(node, labelsRel)) : {},
    labelsPointer: labelsRel ? pointer + labelsRel : undefined,
    annotations: annRel ? stringMap(getAt(node, annRel)) : {},
    annotationsPointer: annRel ? pointer + annRel : undefined,
    containers,
  };
}

function mapped(tpl: WorkloadTemplate, pointer: string, node: Obj): PodTemplateInstance | undefined {
  const value: Obj = {};
  const origins: Record<string, string> = {};
  for (const [field, rel] of Object.entries(tpl.fields ?? {})) {
    const v = getAt(node, `/${rel}`);
    if (v !== undefined) {
      value[field] = v;
      origins[`/${field}`] = `${pointer}/${rel}`;
    }
  }
  if (tpl.image) {
    const repo = getAt(node, `/${tpl.image.repository}`);
    const tag = tpl.image.tag ? getAt(node, `/${tpl.image.tag}`) : undefined;
    if (typeof repo === 'string') {
      value.image = tag !== undefined && tag !== null && tag !== '' ? `${repo}:${String(tag)}` : repo;
      origins['/image'] = `${pointer}/${tpl.image.repository}`;
      // The parsed tag (container `image.tag`) is the object's own tag field, when it has one.
      if (tpl.image.tag && tag !== undefined) origins['/image/tag'] = `${pointer}/${tpl.image.tag}`;
    }
  }
  if (Object.keys(value).length === 0) return undefined;
  value.name ??= tpl.role ?? 'main';
  const pod: Obj = {};
  const podOrigins: Record<string, string> = {};
  for (const [field, rel] of Object.entries(tpl.podFields ?? {})) {
    const v = getAt(node, `/${rel}`);
    if (v === undefined) continue;
    const [head, sub] = field.split('/') as [string, string | undefined];
    if (sub) {
      const inner = (isObj(pod[head]) ? pod[head] : (pod[head] = {})) as Obj;
      inner[sub] = v;
      podOrigins[`${head}/${sub}`] = `${pointer}/${rel}`;
      podOrigins[head] ??= `${pointer}/${rel}`;
    } else {
      pod[head] = v;
      podOrigins[head] = `${pointer}/${rel}`;
    }
  }
  return {
    pointer,
    role: tpl.role,
    podPointer: pointer,
    pod,
    podOrigins,
    labels: {},
    annotations: {},
    containers: [{ pointer, value, kind: 'container', origins }],
  };
}
