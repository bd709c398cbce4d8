import type { Severity, Target } from '../model/types.js';

/** The fields of a rule file (src/rules/rule.schema.json). */
export interface RuleMeta {
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  /** Conditional grades (first match wins), see rule.schema.json. */
  severities?: Array<{ severity: Severity; subject?: object | boolean; value?: object | boolean; description?: string }>;
  target: Target;
  when?: object | boolean;
  expect: object | boolean;
  at?: string;
  message: string;
  remediation: string;
  references?: string[];
  tags?: string[];
  aliases?: string[];
  supersedes?: string[];
  replaces?: string[];
  enabled?: boolean;
  sensitive?: boolean;
  precision?: 'very-high' | 'high' | 'medium' | 'low';
}

export interface ValidateFn {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; schemaPath: string; keyword: string; params: Record<string, unknown>; message?: string }> | null;
}

export interface Rule extends RuleMeta {
  /** Folder name under rules.d (the rule's area). */
  area: string;
  /** The file it was read from, relative to its rules folder's parent. */
  file: string;
  builtin: boolean;
  whenFn?: ValidateFn;
  expectFn: ValidateFn;
  /** Compiled `severities`, in order. */
  gradeFns?: GradeFn[];
}

export interface GradeFn {
  severity: Severity;
  subject?: ValidateFn;
  value?: ValidateFn;
}

export interface Catalogue {
  rules: Rule[];
  byId: Map<string, Rule>;
  /** Data tables (rules.d/data) merged across folders. */
  tables: import('../rules/data.js').DataTables;
}
