// Reading the data tables (rules.d/data/<table>.yaml), each checked against its schema
// (src/rules/data/<table>.schema.json). Extra rule folders and the config file may add rows:
// arrays are concatenated, in load order, so a user's rows come after the built-in ones.

import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AigisError } from '../util/errors.js';
import { compileSchema, describeErrors } from './ajv.js';
import type { DataTables } from './data.js';
import { schemasDir } from './paths.js';

/** Read and validate every `data/*.yaml` in `dir`, merging into `into`. */
export function loadDataDir(dir: string, into: DataTables = {}): DataTables {
  const dataDir = path.join(dir, 'data');
  if (!fs.existsSync(dataDir)) return into;
  for (const file of fs.readdirSync(dataDir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const table = file.replace(/\.ya?ml$/, '');
    const full = path.join(dataDir, file);
    let value: unknown;
    try {
      value = parseYaml(fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new AigisError(`cannot parse data table: ${(err as Error).message.split('\n')[0]}`, { file: full });
    }
    mergeTable(into, table, value, full);
  }
  return into;
}

/** Validate `value` as table `table` and append its rows. */
export function mergeTable(into: DataTables, table: string, value: unknown, file: string): void {
  const schemaFile = path.join(schemasDir(), 'data', `${table}.schema.json`);
  if (!fs.existsSync(schemaFile)) {
    throw new AigisError(`unknown data table "${table}" (known: ${knownTables().join(', ')})`, { file });
  }
  const validate = compileSchema(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
  if (!validate(value)) {
    throw new AigisError(`invalid data table: ${describeErrors(validate.errors)}`, { file });
  }
  const target = (into[table] ??= {});
  for (const [key, rows] of Object.entries(value as Record<string, unknown[]>)) {
    target[key] = [...(target[key] ?? []), ...(rows ?? [])];
  }
}

export function knownTables(): string[] {
  return fs
    .readdirSync(path.join(schemasDir(), 'data'))
    .filter((f) => f.endsWith('.schema.json'))
    .map((f) => f.replace('.schema.json', ''))
    .sort();
}
