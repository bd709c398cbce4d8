// Typed, compiled views of the data tables the model reads (compiled once per table set).

import { isSecretLike } from '../rules/message.js';
import { tableRows, type Accelerator, type DataTables, type SecretTables, type WorkloadKind } from '../rules/data.js';

export interface ModelTables {
  /** `group/Kind` → entry ("" group for core). */
  kinds: Map<string, WorkloadKind>;
  accelerators: Array<Accelerator & { re: RegExp }>;
  secretName: (name: string) => boolean;
  tokenValue: (value: string) => string | undefined;
  /**
   * The one test of "this literal is not a credential", shared by env rules, Dockerfile and image
   * loaders and output masking: booleans, numbers, short words, references, dummy keys,
   * placeholders (table secrets.notSecretValues), and a value equal to its variable's name.
   */
  notSecretValue: (value: string, name?: string) => boolean;
  internalLoadBalancer: Array<{ key: string; values: string[] }>;
  /** Kinds that live in no namespace (table kind-scopes). */
  clusterScoped: ReadonlySet<string>;
  raw: DataTables;
}

const cache = new WeakMap<DataTables, ModelTables>();

export function modelTables(tables: DataTables): ModelTables {
  const known = cache.get(tables);
  if (known) return known;
  const kinds = new Map<string, WorkloadKind>();
  for (const k of tableRows<WorkloadKind>(tables, 'workload-kinds', 'kinds')) {
    for (const g of k.groups) kinds.set(`${g}/${k.kind}`, k);
  }
  const secrets: SecretTables = {
    secretNames: tableRows(tables, 'secrets', 'secretNames'),
    notSecretNames: tableRows(tables, 'secrets', 'notSecretNames'),
    tokenPatterns: tableRows(tables, 'secrets', 'tokenPatterns'),
  };
  const nameRe = anyOf(secrets.secretNames ?? [], 'i');
  const notNameRe = anyOf(secrets.notSecretNames ?? [], 'i');
  const tokens = (secrets.tokenPatterns ?? []).map((t) => ({ name: t.name, re: new RegExp(t.pattern) }));
  const notValues = tableRows<string>(tables, 'secrets', 'notSecretValues').map((p) => new RegExp(p, 'i'));
  const built: ModelTables = {
    kinds,
    accelerators: tableRows<Accelerator>(tables, 'accelerators', 'accelerators').map((a) => ({ ...a, re: new RegExp(a.pattern) })),
    secretName: (name) => !!nameRe && nameRe.test(name) && !(notNameRe && notNameRe.test(name)),
    tokenValue: (value) => tokens.find((t) => t.re.test(value))?.name,
    notSecretValue: (value, name) =>
      !isSecretLike(value) ||
      (name !== undefined && value.trim().replace(/^["']|["']$/g, '').toUpperCase() === name.toUpperCase()) ||
      notValues.some((re) => re.test(value)),
    internalLoadBalancer: tableRows(tables, 'network', 'internalLoadBalancerAnnotations'),
    clusterScoped: new Set(tableRows<string>(tables, 'kind-scopes', 'clusterScoped')),
    raw: tables,
  };
  cache.set(tables, built);
  return built;
}

function anyOf(patterns: string[], flags: string): RegExp | undefined {
  if (!patterns.length) return undefined;
  return new RegExp(patterns.map((p) => `(?:${p})`).join('|'), flags);
}

/** API group of an apiVersion (`apps/v1` → `apps`, `v1` → ``). */
export function apiGroup(apiVersion: string): string {
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}
