// The rule catalogue a run uses: the built-in rules (precompiled into dist/catalogue.js by
// scripts/build.mjs, so that no rule schema is compiled at start-up), plus any user folders,
// which are compiled when they load.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { assembleCatalogue } from '../engine/assemble.js';
import type { Catalogue, GradeFn, Rule, RuleMeta, ValidateFn } from '../engine/rule.js';
import type { DataTables } from './data.js';
import { builtinRulesDir, packageRoot } from './paths.js';

/** Shape of the module scripts/build.mjs generates. */
export interface PrecompiledCatalogue {
  rules: Array<RuleMeta & { area: string; file: string }>;
  validators: Record<string, { when?: ValidateFn; expect: ValidateFn; grades?: GradeFn[] }>;
  tables: DataTables;
}

export interface CatalogueOptions {
  /** Extra rule folders (--rules, config rulesDirs). */
  ruleDirs?: string[];
  /** Extra data-table rows (config `components`, `podTemplates`): table → value. */
  tableAdditions?: Array<{ table: string; value: unknown; file: string }>;
  /** Ignore dist/catalogue.js and compile rules.d (tests of the compile path). */
  fromSource?: boolean;
}

let builtin: { rules: Rule[]; tables: DataTables } | undefined;

async function loadBuiltin(fromSource: boolean): Promise<{ rules: Rule[]; tables: DataTables }> {
  if (builtin && !fromSource) return builtin;
  const pre = fromSource ? undefined : await loadPrecompiled();
  let result: { rules: Rule[]; tables: DataTables };
  if (pre) {
    result = {
      rules: pre.rules.map((m) => {
        const v = pre.validators[m.id]!;
        const r: Rule = { ...m, builtin: true, expectFn: v.expect };
        if (v.when) r.whenFn = v.when;
        if (v.grades) r.gradeFns = v.grades;
        return r;
      }),
      tables: pre.tables,
    };
  } else {
    const dir = builtinRulesDir();
    const root = packageRoot();
    // Compiling from source needs yaml and ajv; the bundle's precompiled catalogue does not.
    const { compileRules, readRuleDir } = await import('../engine/load-rules.js');
    const { loadDataDir } = await import('./data-load.js');
    const rules = compileRules(readRuleDir(dir), true).map((r) => ({ ...r, file: path.relative(root, r.file).split(path.sep).join('/') }));
    result = { rules, tables: loadDataDir(dir) };
  }
  if (!fromSource) builtin = result;
  return result;
}

async function loadPrecompiled(): Promise<PrecompiledCatalogue | undefined> {
  // Only the bundled CLI uses the precompiled catalogue; running from source (tests) always
  // compiles rules.d, so an edited rule is never shadowed by a stale build.
  if (process.env.AIGIS_BUNDLED !== '1') return undefined;
  const file = path.join(packageRoot(), 'dist', 'catalogue.js');
  if (!fs.existsSync(file)) return undefined;
  return (await import(pathToFileURL(file).href)) as PrecompiledCatalogue;
}

export async function loadCatalogue(options: CatalogueOptions = {}): Promise<Catalogue> {
  const base = await loadBuiltin(!!options.fromSource);
  if (!options.ruleDirs?.length && !options.tableAdditions?.length) {
    return assembleCatalogue(base.rules, base.tables);
  }
  // Copy the built-in tables so that one run's additions never leak into the next.
  const tables: DataTables = {};
  for (const [name, t] of Object.entries(base.tables)) {
    tables[name] = {};
    for (const [k, rows] of Object.entries(t)) tables[name][k] = [...rows];
  }
  const { loadRuleDirs } = await import('../engine/load-rules.js');
  const { mergeTable } = await import('./data-load.js');
  const extra = loadRuleDirs(options.ruleDirs ?? [], tables);
  for (const add of options.tableAdditions ?? []) mergeTable(tables, add.table, add.value, add.file);
  return assembleCatalogue([...base.rules, ...extra], tables);
}
