// Splitting one scan into parts that can be evaluated apart (on several threads, see
// parallel-scan.ts) and give, put together, exactly the findings of the whole.
//
// The model relates objects within a namespace (Services and the pods they select, Ingresses and
// Services, NetworkPolicies, ServiceAccounts, ConfigMaps and Secrets), so a part is a set of
// namespaces and holds every document of them. What can relate objects across namespaces goes
// to every part: cluster-scoped objects and the kinds the model reads across namespaces (table
// kind-scopes), and the middlewares referenced as `namespace-name@provider` (exposure.yaml
// authReferences). A document that names another namespace anywhere in it (a route's
// `backendRefs[].namespace`, a binding's subject) ties the two namespaces into one part.
// A finding belongs to the part that owns its object's namespace; findings with no object
// (parse problems, suppression problems) are the same in every part that sees their document,
// and are merged by identity.

import type { Finding, LoadedDocument } from '../model/types.js';
import { tableRows, type DataTables } from '../rules/data.js';

export interface DocumentPlace {
  /** The namespace the model files the document under (`default` when it names none). */
  namespace: string;
  /** Needed by every part. */
  everywhere: boolean;
  /** Other namespaces the document names. */
  links: string[];
}

export function everywhereKinds(tables: DataTables): Set<string> {
  const kinds = new Set([...tableRows<string>(tables, 'kind-scopes', 'clusterScoped'), ...tableRows<string>(tables, 'kind-scopes', 'crossNamespace')]);
  for (const row of tableRows<{ kind?: unknown }>(tables, 'exposure', 'authReferences')) if (typeof row.kind === 'string') kinds.add(row.kind);
  return kinds;
}

export function placeOf(doc: LoadedDocument, everywhere: ReadonlySet<string>): DocumentPlace {
  const data = doc.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { namespace: 'default', everywhere: true, links: [] };
  const obj = data as Record<string, unknown>;
  const meta = obj.metadata !== null && typeof obj.metadata === 'object' ? (obj.metadata as Record<string, unknown>) : undefined;
  const namespace = typeof meta?.namespace === 'string' ? meta.namespace : 'default';
  const links = new Set<string>();
  for (const [k, v] of Object.entries(obj)) if (k !== 'metadata') namedNamespaces(v, links, 0);
  if (meta) for (const [k, v] of Object.entries(meta)) if (k !== 'namespace') namedNamespaces(v, links, 0);
  links.delete(namespace);
  return { namespace, everywhere: everywhere.has(String(obj.kind)), links: [...links] };
}

/** Values of `namespace` keys anywhere in `v`. */
function namedNamespaces(v: unknown, out: Set<string>, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 64) return;
  if (Array.isArray(v)) {
    for (const x of v) namedNamespaces(x, out, depth + 1);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === 'namespace' && typeof x === 'string') out.add(x);
    else namedNamespaces(x, out, depth + 1);
  }
}

/**
 * Which part owns each namespace: namespaces tied by links form groups, and groups are dealt out
 * to the parts, largest first, each to the part with the fewest documents so far. Every part
 * computes this from the same documents in the same order, so all agree.
 */
export function assignNamespaces(places: readonly DocumentPlace[], parts: number): Map<string, number> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    if (!parent.has(r)) parent.set(r, r);
    // Path compression.
    let c = x;
    while (c !== r) {
      const next = parent.get(c) ?? r;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const size = new Map<string, number>();
  for (const p of places) {
    find(p.namespace);
    for (const l of p.links) {
      const a = find(p.namespace);
      const b = find(l);
      if (a !== b) parent.set(b, a);
    }
  }
  for (const p of places) {
    const r = find(p.namespace);
    size.set(r, (size.get(r) ?? 0) + 1);
  }
  for (const ns of parent.keys()) if (!size.has(find(ns))) size.set(find(ns), 0);
  const groups = [...size].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const load = new Array<number>(parts).fill(0);
  const partOfGroup = new Map<string, number>();
  for (const [root, n] of groups) {
    let best = 0;
    for (let i = 1; i < parts; i++) if (load[i]! < load[best]!) best = i;
    partOfGroup.set(root, best);
    load[best]! += n;
  }
  const out = new Map<string, number>();
  for (const ns of parent.keys()) out.set(ns, partOfGroup.get(find(ns))!);
  return out;
}

export interface PartOfScan {
  /** The documents this part evaluates, in input order. */
  documents: LoadedDocument[];
  /** How many of them it owns (the rest are there for their relations). */
  owned: number;
  /** Whether a finding is this part's to report. */
  owns(finding: Finding): boolean;
}

/** Part `index` of `parts`, of documents read in the same order by every part. */
export function partOf(documents: readonly LoadedDocument[], index: number, parts: number, tables: DataTables): PartOfScan {
  const everywhere = everywhereKinds(tables);
  const places = documents.map((d) => placeOf(d, everywhere));
  const owner = assignNamespaces(places, parts);
  const mine = (ns: string) => (owner.get(ns) ?? 0) === index;
  const kept: LoadedDocument[] = [];
  let owned = 0;
  documents.forEach((d, i) => {
    const p = places[i]!;
    const own = mine(p.namespace);
    if (own) owned++;
    if (own || p.everywhere) kept.push(d);
  });
  return {
    documents: kept,
    owned,
    owns: (f) => {
      if (!f.object) return true;
      // A namespace's own subject carries the Namespace object (or, with none in the input,
      // the first object filed under it).
      const ns = f.object.namespace ?? (f.object.kind === 'Namespace' && f.object.name !== undefined ? f.object.name : 'default');
      return mine(ns);
    },
  };
}

/** Identity of a finding with no object, to merge the copies that several parts report. */
export function findingIdentity(f: Finding): string {
  const l = f.location;
  return `${f.ruleId}\u0000${f.fingerprint}\u0000${l.file ?? l.logical ?? ''}\u0000${l.position?.line ?? 0}:${l.position?.column ?? 0}\u0000${l.pointer}\u0000${f.message}`;
}
