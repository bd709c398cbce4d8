// The data tables that rules and the model read (rules.d/data/<table>.yaml): their types and the
// one accessor. Reading and checking them is src/rules/data-load.ts (it needs yaml and ajv, which
// a run with the precompiled catalogue never loads).


export interface WorkloadTemplate {
  path: string;
  shape: 'template' | 'podSpec' | 'parts' | 'mapped';
  role?: string;
  pod?: string;
  podDefaults?: string;
  containers?: string[];
  initContainers?: string[];
  defaultNames?: Record<string, string>;
  labels?: string;
  annotations?: string;
  podLabels?: Record<string, string>;
  fields?: Record<string, string>;
  image?: { repository: string; tag?: string };
  podFields?: Record<string, string>;
}

export interface WorkloadKind {
  kind: string;
  groups: string[];
  podLabels?: Record<string, string>;
  templates: WorkloadTemplate[];
}

export interface Accelerator {
  pattern: string;
  vendor: string;
  mode: 'full' | 'shared' | 'mig';
}

export interface SecretTables {
  secretNames?: string[];
  notSecretNames?: string[];
  tokenPatterns?: Array<{ name: string; pattern: string }>;
}

/** Every table by name (file base name), each an object of arrays. */
export type DataTables = Record<string, Record<string, unknown[]>>;

export function tableRows<T>(tables: DataTables, table: string, key: string): T[] {
  return (tables[table]?.[key] ?? []) as T[];
}

