// Well-known default credentials (rules.d/data/default-credentials.yaml): each object that holds
// one — a ConfigMap/Secret whose text carries it, a workload whose env sets it — gets
// `defaultCredentials: [{ id, what }]`, each entry located at the key or env value.

import { tableRows, type DataTables } from '../rules/data.js';
import { copyOf } from '../util/copy.js';
import type { ModelGraph, ObjectRecord } from './build.js';
import { configSources } from './components.js';

type Obj = Record<string, unknown>;

interface CredentialRow {
  id: string;
  what: string;
  config?: string;
  env?: { name: string; value: string };
  aiOnly?: boolean;
}

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

interface CompiledRow extends CredentialRow {
  configRe?: RegExp;
  nameRe?: RegExp;
  valueRe?: RegExp;
}

const compiled = new WeakMap<DataTables, CompiledRow[]>();

/** The table with its patterns compiled, once per table set. */
function credentialRows(tables: DataTables): CompiledRow[] {
  let rows = compiled.get(tables);
  if (!rows) {
    rows = tableRows<CredentialRow>(tables, 'default-credentials', 'defaultCredentials').map((r) => ({
      ...r,
      configRe: r.config ? new RegExp(r.config) : undefined,
      nameRe: r.env ? new RegExp(r.env.name) : undefined,
      valueRe: r.env ? new RegExp(r.env.value) : undefined,
    }));
    compiled.set(tables, rows);
  }
  return rows;
}

export function enrichDefaultCredentials(graph: ModelGraph): void {
  const rows = credentialRows(graph.tables.raw);
  if (!rows.length) return;
  const found = new Map<ObjectRecord, Array<{ id: string; what: string; pointer: string }>>();
  // One entry per field (several credentials in one file are one finding, one fingerprint).
  const add = (rec: ObjectRecord, id: string, what: string, pointer: string) => {
    const list = found.get(rec) ?? [];
    const same = list.find((x) => x.pointer === pointer);
    if (!same) list.push({ id, what, pointer });
    else if (!same.id.split(',').includes(id)) {
      same.id += `,${id}`;
      same.what += ` and ${what}`;
    }
    found.set(rec, list);
  };

  for (const src of configSources(graph).values()) {
    for (const [key, v] of src.data) {
      for (const r of rows) {
        if (r.configRe?.test(v.text)) add(src.record, r.id, r.what, v.pointer);
        else if (r.nameRe?.test(key) && r.valueRe!.test(v.text.trim()) && !r.aiOnly) add(src.record, r.id, r.what, v.pointer);
      }
    }
  }

  const records = new Map<unknown, ObjectRecord>(graph.objects.map((o) => [o.object, o]));
  for (const c of graph.containers) {
    const rec = records.get(c.pod.workload.object);
    if (!rec || !Array.isArray(c.instance.value.env)) continue;
    const envPtr = c.instance.origins?.['/env'] ?? `${c.instance.pointer}/env`;
    (c.instance.value.env as unknown[]).forEach((e, i) => {
      if (!isObj(e) || typeof e.name !== 'string' || e.value === undefined || e.value === null) return;
      for (const r of rows) {
        if (!r.nameRe || !r.nameRe.test(e.name) || !r.valueRe!.test(String(e.value))) continue;
        if (r.aiOnly && !c.subject.data.component) continue;
        add(rec, r.id, r.what, `${envPtr}/${i}/value`);
      }
    });
  }

  for (const [rec, list] of found) {
    const subject = rec.subject;
    if (subject.data === rec.object) subject.data = copyOf(rec.object);
    subject.data.defaultCredentials = list.map(({ id, what }) => ({ id, what }));
    list.forEach((x, i) => subject.origin(`/defaultCredentials/${i}`, x.pointer));
  }
}
