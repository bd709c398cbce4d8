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
