// --cluster-context: client-node informers (list, then watch) over the kinds that give an
// admitted object its context — Services, Ingresses and routes, NetworkPolicies, Namespaces,
// ServiceAccounts, and the workloads those select — so that rules linking objects (a
// LoadBalancer Service in front of a model server) see the cluster around the request.
// Lists go through aigis's paginated lister; watches through client-node.

import type { Informer, KubernetesObject, ObjectCache } from '@kubernetes/client-node';
import type { DataTables } from '../rules/data.js';
import type { LoadedDocument, Source } from '../model/types.js';
import { ApiStatusError, type ApiClient } from '../loaders/cluster/client.js';
import { clusterDocument } from '../loaders/cluster/audit.js';
import { discoverResources, resourceName, type ServedResource } from '../loaders/cluster/discovery.js';
import { loadClientNode, type ClusterConfig } from '../loaders/cluster/kubeconfig.js';
import { listPath, listResource, normalizeItem } from '../loaders/cluster/list.js';
import { controllerOf } from '../loaders/cluster/owners.js';
import { wantedKinds } from '../loaders/cluster/resources.js';
import type { ContextSource } from './review.js';

type Obj = Record<string, unknown>;

interface Watched {
  resource: ServedResource;
  informer: Informer<KubernetesObject> & ObjectCache<KubernetesObject>;
  synced: boolean;
  forbidden: boolean;
  failures: number;
}

export interface ContextCacheOptions {
  config: ClusterConfig;
  client: ApiClient;
  tables: DataTables;
  clusterName: string;
  log(entry: Record<string, unknown>): void;
  /** First delay before restarting a failed informer (doubles up to a minute). */
  restartMs?: number;
}

export class ContextCache implements ContextSource {
  private readonly watched: Watched[] = [];
  private readonly docs = new WeakMap<object, LoadedDocument>();
  private readonly source: Source;
  private stopped = false;

  private constructor(private readonly o: ContextCacheOptions) {
    this.source = { kind: 'cluster', path: `cluster:${o.clusterName}`, context: o.clusterName };
  }

  /** Discover, list and start watching; resolves once every readable kind has been listed. */
  static async start(o: ContextCacheOptions): Promise<ContextCache> {
    const cache = new ContextCache(o);
    const lib = await loadClientNode();
    const wanted = wantedKinds(o.tables).filter((w) => w.context);
    const { resources, warnings } = await discoverResources(o.client, wanted, 4);
    for (const w of warnings) o.log({ level: 'warn', msg: w });
    for (const r of resources) {
      if (!r.verbs.includes('watch')) continue;
      const entry = { resource: r, synced: false, forbidden: false, failures: 0 } as Watched;
      const listFn = async () => {
        const items: Obj[] = [];
        try {
          const { resourceVersion } = await listResource(o.client, r, { pageSize: 500, onPage: (page) => {
              for (const item of page) items.push(item);
            },
          });
          entry.synced = true;
          entry.failures = 0;
          return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items: items as KubernetesObject[] };
        } catch (err) {
          if (err instanceof ApiStatusError && err.status === 403) entry.forbidden = true;
          throw err;
        }
      };
      entry.informer = lib.makeInformer(o.config.kc, listPath(r), listFn);
      // Watch events carry managedFields; drop them as lists do.
      const trim = (obj: KubernetesObject) => void normalizeItem(obj as Obj, r);
      entry.informer.on('add', trim);
      entry.informer.on('update', trim);
      entry.informer.on('error', (err: unknown) => cache.onError(entry, err));
      cache.watched.push(entry);
    }
    await Promise.all(cache.watched.map((w) => w.informer.start()));
    return cache;
  }

  /** Every kind that may be read has been listed at least once. */
  ready(): boolean {
    return this.watched.every((w) => w.synced || w.forbidden);
  }

  /** Objects in the cache, by resource name (for /metrics). */
  sizes(): Array<{ labels: Record<string, string>; value: number }> {
    return this.watched.filter((w) => !w.forbidden).map((w) => ({ labels: { resource: resourceName(w.resource) }, value: w.informer.list().length }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.watched.map((w) => w.informer.stop()));
  }

  private onError(w: Watched, err: unknown): void {
    if (this.stopped) return;
    if (w.forbidden) {
      this.o.log({ level: 'warn', msg: `cannot list ${resourceName(w.resource)} (403 Forbidden): rules linking objects will not see them` });
      return;
    }
    // client-node's informer stops on an error: start it again, with backoff.
    const delay = Math.min((this.o.restartMs ?? 1000) * 2 ** w.failures++, 60_000);
    this.o.log({ level: 'warn', msg: `watch of ${resourceName(w.resource)} failed; restarting`, error: (err as Error)?.message ?? String(err), retryInMs: delay });
    setTimeout(() => {
      if (!this.stopped) void w.informer.start();
    }, delay).unref();
  }

  private doc(obj: KubernetesObject): LoadedDocument {
    let d = this.docs.get(obj);
    if (!d) {
      d = clusterDocument(obj as Obj, this.source);
      this.docs.set(obj, d);
    }
    return d;
  }

  documentsFor(request: { namespace?: string; group: string; kind: string; name?: string; podTemplates: boolean }): LoadedDocument[] {
    const out: LoadedDocument[] = [];
    const ns = request.namespace;
    const candidates: Array<{ obj: KubernetesObject; templates: boolean }> = [];
    for (const w of this.watched) {
      const r = w.resource;
      if (!r.namespaced) {
        // The request's own Namespace object (its labels carry Pod Security levels).
        if (ns && r.group === '' && r.kind === 'Namespace') {
          const found = w.informer.get(ns);
          if (found) out.push(this.doc(found));
        }
        continue;
      }
      if (!ns) continue;
      // A workload needs what reaches it, not its neighbours; a Service or route needs both.
      if (request.podTemplates && r.wanted.podTemplates) continue;
      const same = r.group === request.group && r.kind === request.kind;
      for (const obj of w.informer.list(ns)) {
        if (same && obj.metadata?.name === request.name) continue;
        candidates.push({ obj, templates: r.wanted.podTemplates });
      }
    }
    // As in the audit: what a cached owner's template made is that owner's.
    const owners = new Set(candidates.filter((c) => c.templates).map((c) => c.obj.metadata?.uid));
    for (const c of candidates) {
      const owner = c.templates ? controllerOf(c.obj as Obj) : undefined;
      if (owner && owners.has(owner.uid)) continue;
      out.push(this.doc(c.obj));
    }
    return out;
  }
}
