// Build step (run by scripts/build.mjs): check every built-in rule and data table, then turn each
// rule's `when`/`expect` into standalone validation code with ajv, so that a run loads compiled
// functions instead of compiling ~100 schemas at start-up.

import path from 'node:path';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { assembleCatalogue } from '../src/engine/assemble.js';
import { compileRules, readRuleDir } from '../src/engine/load-rules.js';
import { FIRST_ERROR, createAjv } from '../src/rules/ajv.js';
import { loadDataDir } from '../src/rules/data-load.js';
import { builtinRulesDir, packageRoot } from '../src/rules/paths.js';

type Standalone = (ajv: unknown, refs: Record<string, string>) => string;
const standaloneCode = ((standaloneCodeModule as unknown as { default?: Standalone }).default ?? standaloneCodeModule) as unknown as Standalone;

/**
 * The catalogue module (`code`) and the two validator modules it imports (`modules`, by file name):
 * `expect` schemas collect every error (each failing field is a finding), `when` and `severities`
 * stop at the first (FIRST_ERROR); ajv standalone code holds one option set per module.
 */
export function generateCatalogue(): { code: string; modules: Record<string, string>; count: number } {
  const dir = builtinRulesDir();
  const files = readRuleDir(dir);
  const tables = loadDataDir(dir);
  // Compiling once the ordinary way checks every schema and the catalogue as a whole.
  assembleCatalogue(compileRules(files, true), tables);

  const code = { source: true, esm: true, optimize: true };
  const all = { ajv: createAjv({ code }), exports: {} as Record<string, string>, module: 'expect' };
  const first = { ajv: createAjv({ ...FIRST_ERROR, code }), exports: {} as Record<string, string>, module: 'when' };
  const add = (into: typeof all, name: string, id: string, schema: unknown): string => {
    into.ajv.addSchema(typeof schema === 'boolean' ? { $id: id, allOf: [schema] } : { ...(schema as object), $id: id });
    into.exports[name] = id;
    return `${into.module}.${name}`;
  };
  const validators: string[] = [];
  files.forEach((f, i) => {
    const entry: string[] = [];
    for (const field of ['when', 'expect'] as const) {
      const schema = f.meta[field];
      if (schema === undefined) continue;
      entry.push(`${field}: ${add(field === 'expect' ? all : first, `r${i}_${field}`, `aigis:rule:${f.meta.id}:${field}`, schema)}`);
    }
    const grades = (f.meta.severities ?? []).map((g, j) => {
      const parts = [`severity: ${JSON.stringify(g.severity)}`];
      for (const part of ['subject', 'value'] as const) {
        const schema = g[part];
        if (schema === undefined) continue;
        parts.push(`${part}: ${add(first, `r${i}_g${j}_${part}`, `aigis:rule:${f.meta.id}:severities:${j}:${part}`, schema)}`);
      }
      return `{ ${parts.join(', ')} }`;
    });
    if (grades.length) entry.push(`grades: [${grades.join(', ')}]`);
    validators.push(`${JSON.stringify(f.meta.id)}: { ${entry.join(', ')} }`);
  });
  const root = packageRoot();
  const rules = files.map((f) => ({ ...f.meta, area: f.area, file: path.relative(root, f.file).split(path.sep).join('/') }));
  const catalogue = [
    `import * as expect from './expect.mjs';`,
    `import * as when from './when.mjs';`,
    `export const rules = ${JSON.stringify(rules)};`,
    `export const tables = ${JSON.stringify(tables)};`,
    `export const validators = { ${validators.join(', ')} };`,
  ].join('\n');
  const modules = { 'expect.mjs': standaloneCode(all.ajv, all.exports), 'when.mjs': standaloneCode(first.ajv, first.exports) };
  return { code: catalogue, modules, count: files.length };
}
