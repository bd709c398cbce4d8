// List one resource page by page (`limit`/`continue`), handing each page's objects on as it
// arrives so that no more than one page is held raw. Items of built-in lists carry no
// apiVersion/kind; they get the ones discovery gave. managedFields go at once: they are often
// half an object's size and no rule reads them.

import { ApiStatusError, type ApiClient } from './client.js';
import { apiPath, type ServedResource } from './discovery.js';

type Obj = Record<string, unknown>;

export interface ListOptions {
  /** Only this namespace (namespaced resources). */
  namespace?: string;
  pageSize: number;
  onPage(items: Obj[]): void;
}

export interface ListResult {
  /** resourceVersion of the (first page of the) list: where a watch may start. */
  resourceVersion: string;
  count: number;
}

export function listPath(r: ServedResource, namespace?: string): string {
  const base = apiPath(r.group, r.version);
  return namespace && r.namespaced ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.resource}` : `${base}/${r.resource}`;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Give `item` the apiVersion and kind of its resource and drop managedFields. */
export function normalizeItem(item: Obj, r: ServedResource): Obj {
  if (typeof item.apiVersion !== 'string') item.apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  if (typeof item.kind !== 'string') item.kind = r.kind;
  if (isObj(item.metadata)) delete item.metadata.managedFields;
  return item;
}

export async function listResource(client: ApiClient, r: ServedResource, o: ListOptions): Promise<ListResult> {
  const path = listPath(r, o.namespace);
  // An expired continue token (410 Gone: the server compacted past the list's snapshot) starts
  // the list over once; consumers key objects by uid, so items seen twice do no harm.
  for (let restart = 0; ; restart++) {
    let token: string | undefined;
    let count = 0;
    let resourceVersion = '';
    try {
      do {
        const page = (await client.get(path, { limit: o.pageSize, continue: token })) as Obj;
        const meta = isObj(page.metadata) ? page.metadata : {};
        if (!resourceVersion && typeof meta.resourceVersion === 'string') resourceVersion = meta.resourceVersion;
        const items = Array.isArray(page.items) ? (page.items as unknown[]).filter(isObj).map((i) => normalizeItem(i, r)) : [];
        count += items.length;
        o.onPage(items);
        token = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined;
      } while (token);
      return { resourceVersion, count };
    } catch (err) {
      if (err instanceof ApiStatusError && err.status === 410 && token && restart === 0) continue;
      throw err;
    }
  }
}
