// Known-vulnerable versions on the model (rules.d/data/vulnerable-versions.yaml, compared by
// versions.ts) and the NVIDIA GPU stack of each object: the verdict is computed once per
// container (`vulnerabilities`), and every object that holds NVIDIA runtime, operator or node
// agent images, toolkit settings or a GPU Operator ClusterPolicy gets `gpuStack`, so that the
// same rule sees a DaemonSet, a Helm-rendered ClusterPolicy and a toolkit ConfigMap.

import { copyOf } from '../util/copy.js';
import { getAt } from '../util/pointer.js';
import { trimTrailingSlashes } from '../util/trim.js';
import type { AiTables } from './ai-tables.js';
import type { ContainerRecord, ModelGraph, ObjectRecord } from './build.js';
import { envOf } from './gpu-context.js';
import { parseImageRef, type ImageRef } from './image-ref.js';
import { apiGroup } from './tables.js';
import { matchVulnerabilities, versionFromTag, vulnerabilityDb, type MatchContext, type VulnerabilityDb, type VulnerabilityVerdict } from './versions.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const RISK: Record<string, number> = { critical: 3, high: 2, medium: 1 };

type SettingRow = AiTables['toolkitSettings'][number];

interface OperandRow {
  kind: string;
  groups: string[];
  path: string;
  product: string;
  settings?: Array<{ path: string; env: string }>;
}

/** The verdict for an image: its product (by component or image), its version (from the tag). */
export function imageVerdict(db: VulnerabilityDb, image: ImageRef, componentId: string | undefined, ctx: MatchContext): VulnerabilityVerdict | undefined {
  if (image.templated) return undefined;
  // The table's image patterns say which images carry the product's own version in their tag
  // (lmcache/vllm-openai is vLLM, but tagged by date); the component decides only when there are none.
  const byComponent = componentId ? db.product(componentId) : undefined;
  const product = byComponent && !byComponent.images?.length ? byComponent : db.productForImage(image);
  if (!product) return undefined;
  const version = versionFromTag(product, image.tag);
  return version ? matchVulnerabilities(db, product.id, version, ctx) : undefined;
}

/** `upgrade to 1.17.8 or later`, or that no fix is known (messages). */
export function fixedText(v: VulnerabilityVerdict): string {
  return v.fixed ? `upgrade to ${v.fixed} or later` : 'no fixed release is known yet';
}

function contextOf(c: ContainerRecord): MatchContext {
  const env: Record<string, string> = {};
  for (const [k, e] of envOf(c)) if (e.value !== null) env[k] = e.value;
  return { env, argv: Array.isArray(c.subject.data.argv) ? (c.subject.data.argv as string[]) : [] };
}

/** `vulnerabilities: [verdict + image]` on each container whose image is a known-vulnerable release. */
function containerVulnerabilities(db: VulnerabilityDb, c: ContainerRecord): VulnerabilityVerdict | undefined {
  const data = c.subject.data;
  if (!isObj(data.image)) return undefined;
  const comp = data.component;
  // A component recognised by its command says nothing about the image's version.
  const componentId = isObj(comp) && comp.matchedBy === 'image' ? String(comp.id) : undefined;
  const image = data.image as unknown as ImageRef;
  const v = imageVerdict(db, image, componentId, contextOf(c));
  if (!v) return undefined;
  data.vulnerabilities = [{ ...v, image: image.ref, fixedText: fixedText(v) }];
  c.subject.origin('/vulnerabilities/0', c.subject.pointerFor('/image'));
  return v;
}

interface StackEntry {
  value: Obj;
  pointer: string;
}

function stackOf(map: Map<ObjectRecord, { vulnerable: StackEntry[]; settings: StackEntry[] }>, o: ObjectRecord) {
  let s = map.get(o);
  if (!s) map.set(o, (s = { vulnerable: [], settings: [] }));
  return s;
}

function settingHits(rows: SettingRow[], name: string, value: string): SettingRow[] {
  return rows.filter((r) => r.env === name && r.valueRe?.test(value));
}

export function enrichGpuStack(graph: ModelGraph, t: AiTables): void {
  const db = vulnerabilityDb(graph.tables.raw);
  const settingsRows = t.toolkitSettings;
  const operands = (graph.tables.raw['gpu-isolation']?.operatorOperands ?? []) as OperandRow[];
  const stacks = new Map<ObjectRecord, { vulnerable: StackEntry[]; settings: StackEntry[] }>();
  const recordOf = new Map<unknown, ObjectRecord>();
  for (const o of graph.objects) recordOf.set(o.object, o);

  for (const c of graph.containers) {
    const v = containerVulnerabilities(db, c);
    const owner = recordOf.get(c.pod.workload.object);
    if (!owner) continue;
    if (v && v.category === 'gpu-stack') {
      const image = c.subject.data.image as unknown as ImageRef;
      stackOf(stacks, owner).vulnerable.push({ value: { ...v, container: c.subject.data.name, image: image.ref, fixedText: fixedText(v) }, pointer: c.subject.pointerFor('/image') });
    }
    for (const [name, e] of envOf(c)) {
      if (e.value === null) continue;
      for (const row of settingHits(settingsRows, name, e.value)) {
        stackOf(stacks, owner).settings.push({
          value: { name, value: e.value, risk: row.risk, why: row.why, container: c.subject.data.name },
          pointer: c.subject.pointerFor(e.path),
        });
      }
    }
  }

  for (const o of graph.objects) {
    const group = apiGroup(o.ref.apiVersion ?? '');
    for (const row of operands) {
      if (row.kind !== o.ref.kind || !row.groups.includes(group)) continue;
      const spec = getAt(o.object, row.path);
      if (!isObj(spec)) continue;
      const env: Record<string, string> = {};
      if (Array.isArray(spec.env)) {
        spec.env.forEach((e, i) => {
          if (!isObj(e) || typeof e.name !== 'string' || typeof e.value !== 'string') return;
          env[e.name] = e.value;
          for (const s of settingHits(settingsRows, e.name, e.value)) {
            stackOf(stacks, o).settings.push({ value: { name: e.name, value: e.value, risk: s.risk, why: s.why, container: null }, pointer: `${row.path}/env/${i}/value` });
          }
        });
      }
      for (const s of row.settings ?? []) {
        const v = getAt(o.object, s.path);
        if (v !== undefined && env[s.env] === undefined) env[s.env] = String(v);
      }
      if (typeof spec.version !== 'string' && typeof spec.version !== 'number') continue;
      const repository = typeof spec.repository === 'string' ? trimTrailingSlashes(spec.repository) : '';
      const image = typeof spec.image === 'string' ? spec.image : '';
      const version = String(spec.version);
      // `version` may be a digest (sha256:…), which names no release.
      const ref = parseImageRef(`${repository ? `${repository}/` : ''}${image || row.product}${version.startsWith('sha256:') ? `@${version}` : `:${version}`}`);
      const product = db.product(row.product);
      const v = product ? matchVulnerabilities(db, product.id, versionFromTag(product, ref.tag) ?? '', { env }) : undefined;
      if (v) stackOf(stacks, o).vulnerable.push({ value: { ...v, container: null, image: ref.ref, fixedText: fixedText(v) }, pointer: `${row.path}/version` });
    }
    if (o.ref.kind === 'ConfigMap' && apiGroup(o.ref.apiVersion ?? '') === '' && isObj(o.object.data)) {
      for (const [key, text] of Object.entries(o.object.data)) {
        if (typeof text !== 'string') continue;
        const hits = settingsRows.filter((r) => r.configRe).map((r) => ({ row: r, m: r.configRe!.exec(text) })).filter((h) => h.m);
        if (!hits.length) continue;
        // One finding per ConfigMap key: its settings, the worst risk first.
        hits.sort((a, b) => RISK[b.row.risk]! - RISK[a.row.risk]!);
        stackOf(stacks, o).settings.push({
          value: { name: key, value: hits.map((h) => h.m![0]).join('; '), risk: hits[0]!.row.risk, why: [...new Set(hits.map((h) => h.row.why))].join('; '), container: null },
          pointer: `/data/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        });
      }
    }
  }

  for (const [o, s] of stacks) {
    if (!s.vulnerable.length && !s.settings.length) continue;
    // Object subjects mirror the raw object: derived data goes on a copy, never into the document.
    if (o.subject.data === o.object) o.subject.data = copyOf(o.object);
    o.subject.data.gpuStack = { vulnerable: s.vulnerable.map((e) => e.value), settings: s.settings.map((e) => e.value) };
    s.vulnerable.forEach((e, i) => o.subject.origin(`/gpuStack/vulnerable/${i}`, e.pointer));
    s.settings.forEach((e, i) => o.subject.origin(`/gpuStack/settings/${i}`, e.pointer));
  }
}
