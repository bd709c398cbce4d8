// Build step (run by scripts/build.mjs): check every built-in rule and data table, then turn each
// rule's `when`/`expect` into standalone validation code with ajv, so that a run loads compiled
// functions instead of compiling ~100 schemas at start-up.

import path from 'node:path';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { assembleCatalogue } from '../src/engine/assemble.js';
import { compileRules, readRuleDir } from '../src/engine/load-rules.js';
import { createAjv } from '../src/rules/ajv.js';
import { loadDataDir } from '../src/rules/data-load.js';
import { builtinRulesDir, packageRoot } from '../src/rules/paths.js';

type Standalone = (ajv: unknown, refs: Record<string, string>) => string;
const standaloneCode = ((standaloneCodeModule as unknown as { default?: Standalone }).default ?? standaloneCodeModule) as unknown as Standalone;

export function generateCatalogue(): { code: string; count: number } {
  const dir = builtinRulesDir();
  const files = readRuleDir(dir);
  const tables = loadDataDir(dir);
  // Compiling once the ordinary way checks every schema and the catalogue as a whole.
  assembleCatalogue(compileRules(files, true), tables);

  const ajv = createAjv({ code: { source: true, esm: true, optimize: true } });
  const exportsMap: Record<string, string> = {};
  const validators: string[] = [];
  files.forEach((f, i) => {
    const entry: string[] = [];
    for (const field of ['when', 'expect'] as const) {
      const schema = f.meta[field];
      if (schema === undefined) continue;
      const id = `aigis:rule:${f.meta.id}:${field}`;
      ajv.addSchema(typeof schema === 'boolean' ? { $id: id, allOf: [schema] } : { ...schema, $id: id });
      exportsMap[`r${i}_${field}`] = id;
      entry.push(`${field}: r${i}_${field}`);
    }
    const grades = (f.meta.severities ?? []).map((g, j) => {
      const parts = [`severity: ${JSON.stringify(g.severity)}`];
      for (const part of ['subject', 'value'] as const) {
        const schema = g[part];
        if (schema === undefined) continue;
        const id = `aigis:rule:${f.meta.id}:severities:${j}:${part}`;
        ajv.addSchema(typeof schema === 'boolean' ? { $id: id, allOf: [schema] } : { ...schema, $id: id });
        exportsMap[`r${i}_g${j}_${part}`] = id;
        parts.push(`${part}: r${i}_g${j}_${part}`);
      }
      return `{ ${parts.join(', ')} }`;
    });
    if (grades.length) entry.push(`grades: [${grades.join(', ')}]`);
    validators.push(`${JSON.stringify(f.meta.id)}: { ${entry.join(', ')} }`);
  });
  const root = packageRoot();
  const rules = files.map((f) => ({ ...f.meta, area: f.area, file: path.relative(root, f.file).split(path.sep).join('/') }));
  const code = [
    standaloneCode(ajv, exportsMap),
    `export const rules = ${JSON.stringify(rules)};`,
    `export const tables = ${JSON.stringify(tables)};`,
    `export const validators = { ${validators.join(', ')} };`,
  ].join('\n');
  return { code, count: files.length };
}
