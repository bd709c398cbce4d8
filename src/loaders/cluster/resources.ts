// The kinds aigis reads from a live cluster: every kind of the pod-template table
// (rules.d/data/workload-kinds.yaml) plus the rows of rules.d/data/cluster-resources.yaml.
// Which of them the cluster serves, and under which resource name, discovery decides.

import { tableRows, type DataTables, type WorkloadKind } from '../../rules/data.js';

export interface WantedKind {
  group: string;
  kind: string;
  /** Holds pod templates (a row of workload-kinds). */
  podTemplates: boolean;
  /** The webhook checks CREATE/UPDATE of it. */
  admission: boolean;
  /** The webhook's --cluster-context cache watches it. */
  context: boolean;
}

interface ClusterResourceRow {
  kind: string;
  groups: string[];
  admission?: boolean;
  context?: boolean;
}

/** Never read, whatever a user's table says: aigis must not need, hold or print their values. */
const NEVER_READ = new Set(['/Secret', '/ConfigMap']);

export function groupKind(group: string, kind: string): string {
  return `${group}/${kind}`;
}

export function wantedKinds(tables: DataTables): WantedKind[] {
  const byKey = new Map<string, WantedKind>();
  const add = (group: string, kind: string, flags: Partial<WantedKind>) => {
    const key = groupKind(group, kind);
    if (NEVER_READ.has(key)) return;
    const w = byKey.get(key) ?? { group, kind, podTemplates: false, admission: false, context: false };
    w.podTemplates ||= !!flags.podTemplates;
    w.admission ||= !!flags.admission;
    w.context ||= !!flags.context;
    byKey.set(key, w);
  };
  for (const k of tableRows<WorkloadKind>(tables, 'workload-kinds', 'kinds')) {
    for (const g of k.groups) add(g, k.kind, { podTemplates: true, admission: true, context: true });
  }
  for (const k of tableRows<ClusterResourceRow>(tables, 'cluster-resources', 'kinds')) {
    for (const g of k.groups) add(g, k.kind, { admission: k.admission, context: k.context });
  }
  return [...byKey.values()];
}

/**
 * The resource name Kubernetes guesses for a kind (apimachinery's UnsafeGuessKindToResource,
 * with `-ay/-ey/-oy` kept): used where no discovery is at hand (the test API server, manifests).
 */
export function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y') && !/[aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

export interface ContextField {
  target: string;
  field: string;
}

/** Subject fields that depend on other objects being present (cluster-resources `contextFields`). */
export function contextFields(tables: DataTables): ContextField[] {
  return tableRows<ContextField>(tables, 'cluster-resources', 'contextFields');
}

type Schema = Record<string, unknown>;

/** Does `schema` (a rule's when/expect, applied to the subject) read the subject's top-level `field`? */
export function readsField(schema: unknown, field: string): boolean {
  if (schema === null || typeof schema !== 'object') return false;
  const s = schema as Schema;
  const props = s.properties as Schema | undefined;
  if (props && typeof props === 'object' && field in props) return true;
  if (Array.isArray(s.required) && s.required.includes(field)) return true;
  if (s.dependentRequired && typeof s.dependentRequired === 'object' && field in (s.dependentRequired as Schema)) return true;
  // Combinators apply to the same subject; anything under `properties` is about another level.
  for (const k of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[k]) && (s[k] as unknown[]).some((x) => readsField(x, field))) return true;
  for (const k of ['not', 'if', 'then', 'else']) if (readsField(s[k], field)) return true;
  return false;
}
