// A live cluster → LoadedDocuments for the common model: connect like kubectl, discover the
// served kinds aigis understands, list them (paginated, a bounded number at a time), leave out
// what a controller made from an audited owner's template, and wrap each object as a document
// located by `cluster:<context>/<namespace>/<kind>/<name>`.

import type { Loaded } from '../../engine/scan.js';
import type { DataTables } from '../../rules/data.js';
import type { LoadedDocument, Source } from '../../model/types.js';
import { AigisError } from '../../util/errors.js';
import { ApiClient, ApiStatusError, CredentialsError, DEFAULT_CLIENT_OPTIONS, type ApiClientOptions } from './client.js';
import { discoverResources, pool, resourceName, type ServedResource } from './discovery.js';
import { loadClusterConfig, type ClusterConfig, type ClusterConfigOptions } from './kubeconfig.js';
import { listResource } from './list.js';
import { OwnerFilter, type OwnerStats } from './owners.js';
import { wantedKinds } from './resources.js';

type Obj = Record<string, unknown>;

export interface AuditProgress {
  kindsDone: number;
  kindsTotal: number;
  objects: number;
}

export interface ClusterAuditOptions extends ClusterConfigOptions {
  tables: DataTables;
  /** Only these namespaces (none: all). */
  namespaces?: string[];
  excludeNamespaces?: string[];
  /** Name in locations (default: the context name). */
  clusterName?: string;
  pageSize?: number;
  concurrency?: number;
  client?: Partial<ApiClientOptions>;
  onProgress?(p: AuditProgress): void;
}

export interface ClusterAudit {
  documents: LoadedDocument[];
  /** What could not be read (403s, failed discovery): the audit went on without it. */
  warnings: string[];
  /**
   * Resources that failed after the client's retries (5xx, 429, dropped connections, pages cut
   * short): the audit read the rest, but cannot say the cluster is clean. `aigis audit` makes
   * them input errors (exit 2) unless --allow-partial.
   */
  unread: Array<{ resource: string; error: string }>;
  /** List (or get) requests that succeeded. */
  read: number;
  cluster: string;
  stats: OwnerStats & {
    /** Resource kinds listed. */
    kinds: number;
    /** Objects listed. */
    listed: number;
    requests: number;
  };
}

const noPosition = () => undefined;

/** A cluster object as a document; `source` is shared by all documents of one cluster. */
export function clusterDocument(data: Obj, source: Source): LoadedDocument {
  return { data, source, locate: noPosition };
}

/** Cluster or admission documents as the input of evaluateLoaded. */
export function asLoaded(documents: LoadedDocument[]): Loaded {
  return { documents, subjects: [], problems: [], secrets: new Set(), stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 }, errors: [] };
}

function namespaceOf(obj: Obj): string | undefined {
  const m = obj.metadata as Obj | undefined;
  return typeof m?.namespace === 'string' ? m.namespace : undefined;
}

function nameOf(obj: Obj): string {
  const m = obj.metadata as Obj | undefined;
  return typeof m?.name === 'string' ? m.name : '';
}

export async function connect(o: ClusterConfigOptions, client?: Partial<ApiClientOptions>): Promise<{ config: ClusterConfig; client: ApiClient }> {
  const config = await loadClusterConfig(o);
  return { config, client: new ApiClient(config, { ...DEFAULT_CLIENT_OPTIONS, ...client }) };
}

export async function auditCluster(o: ClusterAuditOptions): Promise<ClusterAudit> {
  const concurrency = o.concurrency ?? 8;
  const { config, client } = await connect(o, { maxSockets: concurrency, ...o.client });
  try {
    return await run(o, config, client, concurrency);
  } finally {
    client.close();
  }
}

async function run(o: ClusterAuditOptions, config: ClusterConfig, client: ApiClient, concurrency: number): Promise<ClusterAudit> {
  const cluster = o.clusterName ?? config.context;
  const discovery = await discoverResources(client, wantedKinds(o.tables), concurrency);
  const warnings = [...discovery.warnings];
  const only = o.namespaces?.length ? new Set(o.namespaces) : undefined;
  const excluded = new Set(o.excludeNamespaces ?? []);

  // With --namespace, namespaced kinds are listed per namespace and the Namespace objects read
  // one by one; other cluster-scoped kinds (ClusterRoles, ClusterServingRuntimes) are not this
  // audit's business, and a namespace-scoped auditor usually may not list them anyway.
  type Task = { resource: ServedResource; namespace?: string; get?: boolean };
  const tasks: Task[] = [];
  for (const r of discovery.resources) {
    if (!only) tasks.push({ resource: r });
    else if (r.namespaced) for (const ns of only) tasks.push({ resource: r, namespace: ns });
    else if (r.group === '' && r.kind === 'Namespace') for (const ns of only) tasks.push({ resource: r, namespace: ns, get: true });
  }
  // The longest lists go first: a list's pages come one after another, so pods (and their
  // ReplicaSets) are the audit's critical path.
  const first = (t: Task) => (t.resource.group === '' && t.resource.kind === 'Pod' ? 2 : t.resource.group === 'apps' && t.resource.kind === 'ReplicaSet' ? 1 : 0);
  tasks.sort((a, b) => first(b) - first(a));
  const kindsTotal = new Set(tasks.map((t) => t.resource)).size;
  const pending = new Map<ServedResource, number>();
  for (const t of tasks) pending.set(t.resource, (pending.get(t.resource) ?? 0) + 1);
  const progress: AuditProgress = { kindsDone: 0, kindsTotal, objects: 0 };
  const filter = new OwnerFilter();
  const forbidden = new Set<string>();
  const unread: ClusterAudit['unread'] = [];
  let read = 0;
  o.onProgress?.(progress);

  const keep = (obj: Obj, r: ServedResource) => {
    const ns = namespaceOf(obj);
    if (r.namespaced && ns !== undefined && excluded.has(ns)) return;
    if (r.group === '' && r.kind === 'Namespace' && excluded.has(nameOf(obj))) return;
    filter.add(obj, r.wanted.podTemplates);
  };

  await pool(tasks, concurrency, async (t) => {
    const r = t.resource;
    try {
      if (t.get) {
        const obj = (await client.get(`/api/${r.version}/namespaces/${encodeURIComponent(t.namespace!)}`)) as Obj;
        keep(obj, r);
        progress.objects++;
      } else {
        await listResource(client, r, {
          namespace: t.namespace,
          pageSize: o.pageSize ?? 500,
          onPage: (items) => {
            for (const item of items) keep(item, r);
            progress.objects += items.length;
            o.onProgress?.(progress);
          },
        });
      }
      read++;
    } catch (err) {
      // What may not be read (403), or went away since discovery (404), is left out with a
      // warning. What keeps failing after the retries (429/5xx, dropped connections, pages cut
      // short) is named in `unread`: the audit goes on with the rest, and the caller fails
      // (an audit that silently misses part of the cluster would look clean). Rejected
      // credentials, and anything that is not an input error, stop the audit.
      if (!(err instanceof AigisError) || err instanceof CredentialsError || (err instanceof ApiStatusError && err.status === 401)) throw err;
      const what = `${resourceName(r)}${t.namespace ? ` in namespace ${t.namespace}` : ''}`;
      if (!(err instanceof ApiStatusError) || (err.status !== 403 && err.status !== 404)) {
        unread.push({ resource: what, error: err.message });
      } else if (err.status === 403) {
        if (!forbidden.has(what)) warnings.push(`cannot ${t.get ? 'get' : 'list'} ${what} (403 Forbidden): not audited`);
        forbidden.add(what);
      } else if (t.get) {
        warnings.push(`namespace ${t.namespace} does not exist`);
      } else {
        warnings.push(`cannot list ${what} (404 Not Found: no longer served): not audited`);
      }
    }
    const left = pending.get(r)! - 1;
    pending.set(r, left);
    if (left === 0) {
      progress.kindsDone++;
      o.onProgress?.(progress);
    }
  });

  const source: Source = { kind: 'cluster', path: `cluster:${cluster}`, context: cluster };
  const documents = filter.result().map((obj) => clusterDocument(obj, source));
  return {
    documents,
    warnings,
    unread,
    read,
    cluster,
    stats: { ...filter.stats, kinds: kindsTotal, listed: progress.objects, requests: client.requests },
  };
}
