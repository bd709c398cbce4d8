// Which of the kinds aigis understands the cluster serves, and where: legacy discovery (/api,
// /apis, /apis/<group>/<version>), asked only for the groups aigis has kinds in. A kind served
// in several versions is read in the group's preferred version when that serves it, else in the
// first version the server lists that does.

import { ApiStatusError, type ApiClient } from './client.js';
import { groupKind, type WantedKind } from './resources.js';

export interface ServedResource {
  group: string;
  version: string;
  /** Plural resource name (`deployments`). */
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  wanted: WantedKind;
}

export interface Discovery {
  resources: ServedResource[];
  /** Group versions whose discovery failed (named in warnings; the audit goes on). */
  warnings: string[];
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs?: string[];
}

interface ApiGroup {
  name: string;
  versions: Array<{ groupVersion: string; version: string }>;
  preferredVersion?: { groupVersion: string; version: string };
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function resourcesOf(list: unknown): ApiResource[] {
  if (!isObj(list) || !Array.isArray(list.resources)) return [];
  return (list.resources as unknown[]).filter(
    (r): r is ApiResource => isObj(r) && typeof r.name === 'string' && typeof r.kind === 'string' && !r.name.includes('/'),
  );
}

export function apiPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

export async function discoverResources(client: ApiClient, wanted: readonly WantedKind[], concurrency: number): Promise<Discovery> {
  const byGroupKind = new Map(wanted.map((w) => [groupKind(w.group, w.kind), w]));
  const groups = new Set(wanted.map((w) => w.group));
  const warnings: string[] = [];

  // Each group version to read, in the order that decides which version serves a kind.
  const versions: Array<{ group: string; version: string }> = [];
  if (groups.has('')) {
    const core = (await client.get('/api')) as { versions?: unknown };
    const served = Array.isArray(core.versions) ? (core.versions as unknown[]).map(String) : [];
    for (const v of served) versions.push({ group: '', version: v });
  }
  const list = (await client.get('/apis')) as { groups?: unknown };
  const apiGroups = Array.isArray(list.groups) ? (list.groups as ApiGroup[]) : [];
  for (const g of apiGroups) {
    if (!isObj(g) || !groups.has(g.name) || !Array.isArray(g.versions)) continue;
    const preferred = g.preferredVersion?.version;
    const ordered = [...g.versions].sort((a, b) => (a.version === preferred ? -1 : b.version === preferred ? 1 : 0));
    for (const v of ordered) versions.push({ group: g.name, version: v.version });
  }

  const answers = new Map<string, ApiResource[]>();
  await pool(versions, concurrency, async ({ group, version }) => {
    try {
      answers.set(apiPath(group, version), resourcesOf(await client.get(apiPath(group, version))));
    } catch (err) {
      // 401 means no request will work: stop. Anything else loses only this group version.
      if (err instanceof ApiStatusError && err.status !== 401) {
        warnings.push(`cannot discover ${group || 'core'}/${version} (${err.status}): its kinds are not audited`);
        return;
      }
      throw err;
    }
  });

  const resources: ServedResource[] = [];
  const taken = new Set<string>();
  for (const { group, version } of versions) {
    for (const r of answers.get(apiPath(group, version)) ?? []) {
      const key = groupKind(group, r.kind);
      const w = byGroupKind.get(key);
      if (!w || taken.has(key)) continue;
      const verbs = Array.isArray(r.verbs) ? r.verbs.map(String) : [];
      if (!verbs.includes('list')) continue;
      taken.add(key);
      resources.push({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced === true, verbs, wanted: w });
    }
  }
  return { resources, warnings };
}

/** `deployments.apps`, `pods`: how kubectl names a resource. */
export function resourceName(r: Pick<ServedResource, 'group' | 'resource'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}
