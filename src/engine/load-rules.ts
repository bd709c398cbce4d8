// Rule folders → a checked, compiled catalogue. A rule file that breaks the meta-schema, a
// `when`/`expect` that ajv cannot compile, an id that differs from the file name or repeats
// another, or a `supersedes` naming no rule: each is an error naming the file and the field.

import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { AigisError } from '../util/errors.js';
import { FIRST_ERROR, compileSchema, createAjv, describeErrors, guardContains } from '../rules/ajv.js';
import type { DataTables } from '../rules/data.js';
import { loadDataDir } from '../rules/data-load.js';
import { schemasDir } from '../rules/paths.js';
import type { GradeFn, Rule, RuleMeta, ValidateFn } from './rule.js';

export interface RuleFile {
  meta: RuleMeta;
  area: string;
  file: string;
  /** Line of each top-level field, for error messages. */
  lines: Record<string, number>;
}

/** Read every `<area>/<id>.yaml` under `dir` (the `data` folder holds tables, not rules). */
export function readRuleDir(dir: string): RuleFile[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new AigisError('rules folder not found', { file: dir });
  }
  const metaValidate = compileSchema(JSON.parse(fs.readFileSync(path.join(schemasDir(), 'rule.schema.json'), 'utf8')));
  const out: RuleFile[] = [];
  const areas = fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'data');
  for (const area of areas.sort((a, b) => a.name.localeCompare(b.name))) {
    const areaDir = path.join(dir, area.name);
    for (const name of fs.readdirSync(areaDir).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      const file = path.join(areaDir, name);
      const text = fs.readFileSync(file, 'utf8');
      const doc = parseDocument(text, { prettyErrors: false });
      if (doc.errors.length) {
        const e = doc.errors[0]!;
        throw new AigisError(`cannot parse rule file: ${e.message.split('\n')[0]}`, { file, line: e.linePos?.[0]?.line, column: e.linePos?.[0]?.col });
      }
      const lines = topLevelLines(doc, text);
      const meta = doc.toJS() as RuleMeta;
      if (!metaValidate(meta)) {
        const first = metaValidate.errors![0]!;
        const field = first.instancePath.split('/')[1] ?? (first.params as { missingProperty?: string }).missingProperty ?? '';
        throw new AigisError(`invalid rule: ${describeErrors(metaValidate.errors)}`, {
          file,
          pointer: first.instancePath || '/',
          line: lines[field],
        });
      }
      for (const field of ['when', 'expect'] as const) if (meta[field] !== undefined) meta[field] = guardContains(meta[field]);
      if (meta.severities) meta.severities = guardContains(meta.severities);
      const base = name.replace(/\.ya?ml$/, '');
      if (meta.id !== base) {
        throw new AigisError(`rule id "${meta.id}" differs from its file name "${base}"`, { file, pointer: '/id', line: lines.id });
      }
      out.push({ meta, area: area.name, file, lines });
    }
  }
  return out;
}

function topLevelLines(doc: ReturnType<typeof parseDocument>, text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  const contents = doc.contents as { items?: Array<{ key?: { value?: unknown; range?: number[] } }> } | null;
  for (const item of contents?.items ?? []) {
    const key = item.key?.value;
    const start = item.key?.range?.[0];
    if (typeof key === 'string' && typeof start === 'number') lines[key] = text.slice(0, start).split('\n').length;
  }
  return lines;
}

/** Compile `when`/`expect` of every rule with ajv (strict: an unknown keyword is an error). */
export function compileRules(files: RuleFile[], builtin: boolean): Rule[] {
  const ajv = createAjv();
  // `when` and `severities` only answer yes or no: no error list (FIRST_ERROR).
  const ajvFirst = createAjv(FIRST_ERROR);
  return files.map((f) => {
    const compileAt = (schema: unknown, pointer: string, line: number | undefined): ValidateFn => {
      try {
        return (pointer === '/expect' ? ajv : ajvFirst).compile(schema as object) as ValidateFn;
      } catch (err) {
        throw new AigisError(`invalid ${pointer.slice(1)} schema: ${(err as Error).message}`, { file: f.file, pointer, line });
      }
    };
    const compile = (field: 'when' | 'expect'): ValidateFn => compileAt(f.meta[field], `/${field}`, f.lines[field]);
    const rule: Rule = {
      ...f.meta,
      area: f.area,
      file: f.file,
      builtin,
      expectFn: compile('expect'),
    };
    if (f.meta.when !== undefined) rule.whenFn = compile('when');
    if (f.meta.severities) {
      rule.gradeFns = f.meta.severities.map((g, i) => {
        const out: GradeFn = { severity: g.severity };
        if (g.subject !== undefined) out.subject = compileAt(g.subject, `/severities/${i}/subject`, f.lines.severities);
        if (g.value !== undefined) out.value = compileAt(g.value, `/severities/${i}/value`, f.lines.severities);
        return out;
      });
    }
    return rule;
  });
}

/** Load and compile user rule folders (their `data/` tables merge into `tables`). */
export function loadRuleDirs(dirs: string[], tables: DataTables): Rule[] {
  const rules: Rule[] = [];
  for (const dir of dirs) {
    const files = readRuleDir(dir);
    loadDataDir(dir, tables);
    rules.push(...compileRules(files, false));
  }
  return rules;
}
