// `.aigis.yaml`: found upward from each scanned path (stopping at the repository root), or named
// with --config; checked against schemas/aigis-config.schema.json. Every error names the file,
// the line and column, and the pointer of the offending field. Paths and globs in the file are
// relative to its folder.

import fs from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { replacedBy } from '../engine/suppress.js';
import type { ConfigIgnore } from '../engine/suppress.js';
import type { Catalogue } from '../engine/rule.js';
import { LineIndex } from '../util/line-index.js';
import type { Location, Position, Severity } from '../model/types.js';
import { compileSchema, describeErrors } from '../rules/ajv.js';
import { packageRoot, schemasDir } from '../rules/paths.js';
import { AigisError } from '../util/errors.js';
import { escapeSegment, parsePointer } from '../util/pointer.js';
import { trimTrailingSlashes } from '../util/trim.js';


export type RuleSetting = Severity | 'off' | 'on';

export interface ConfigFile {
  /** Absolute path. */
  file: string;
  /** As shown in messages: relative to the working directory when under it. */
  display: string;
  dir: string;
  rules: Array<{ id: string; setting: RuleSetting; pointer: string }>;
  exclude: string[];
  rulesDirs: string[];
  failOn?: Severity | 'none';
  inlineSuppressions?: boolean;
  ignores: ConfigIgnore[];
  tableAdditions: Array<{ table: string; value: unknown; file: string }>;
  /** Position of a pointer in the file (the key of a map entry, else the node). */
  locate(pointer: string): Position | undefined;
}

interface RawConfig {
  rules?: Record<string, RuleSetting>;
  exclude?: string[];
  rulesDirs?: string[];
  failOn?: Severity | 'none';
  inlineSuppressions?: boolean;
  ignore?: Array<{ rule: string; paths?: string[]; objects?: string[]; reason: string; until?: string }>;
  podTemplates?: unknown[];
  components?: unknown[];
}

export { CONFIG_NAMES, findConfig } from './find.js';

export function configSchemaFile(): string {
  return path.join(packageRoot(), 'schemas', 'aigis-config.schema.json');
}

function display(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}



/** Position of the node (or map key) at `pointer` in a parsed YAML document. */
function nodeLocator(doc: Document, lines: LineIndex): (pointer: string) => Position | undefined {
  return (pointer) => {
    let node: unknown = doc.contents;
    let range: [number, number] | undefined = rangeOf(node);
    for (const seg of parsePointer(pointer)) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === seg);
        if (!pair) break;
        range = rangeOf(pair.key) ?? range;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (!/^\d+$/.test(seg) || item === undefined) break;
        range = rangeOf(item) ?? range;
        node = item;
      } else break;
    }
    return range ? lines.range(range[0], range[1]) : undefined;
  };
}

function rangeOf(node: unknown): [number, number] | undefined {
  const r = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? [r[0], r[1]] : undefined;
}

function configError(file: string, shown: string, locate: (p: string) => Position | undefined, pointer: string, message: string): AigisError {
  const pos = locate(pointer);
  return new AigisError(message, { file: shown, pointer: pointer || '/', line: pos?.line, column: pos?.column });
}

/** The pointer an ajv error is about: the unknown key itself, else the instance path. */
function errorPointer(e: { instancePath: string; keyword: string; params: Record<string, unknown> }): string {
  if (e.keyword === 'additionalProperties') return `${e.instancePath}/${escapeSegment(String(e.params.additionalProperty))}`;
  if (e.keyword === 'propertyNames' && typeof e.params.propertyName === 'string') return `${e.instancePath}/${escapeSegment(e.params.propertyName)}`;
  return e.instancePath;
}

/** Read, parse and check one config file (rule ids are checked later, against the catalogue). */
export function loadConfig(file: string, cwd: string): ConfigFile {
  const abs = path.resolve(cwd, file);
  const shown = display(abs, cwd);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new AigisError(`cannot read config: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: shown });
  }
  const lines = new LineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const pos = lines.point(e.pos[0]);
    throw new AigisError(`cannot parse config: ${e.message.split('\n')[0]}`, { file: shown, line: pos.line, column: pos.column });
  }
  const locate = nodeLocator(doc, lines);
  const raw = (doc.toJS() ?? {}) as unknown;
  const validate = compileSchema(JSON.parse(fs.readFileSync(configSchemaFile(), 'utf8')));
  if (!validate(raw)) {
    const errors = validate.errors ?? [];
    // The deepest error says most (an enum inside `rules` rather than the `rules` object).
    const first = [...errors].sort((a, b) => errorPointer(b).length - errorPointer(a).length)[0]!;
    const pointer = errorPointer(first);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    throw configError(abs, shown, locate, pointer, `invalid config: ${describeErrors([first])}${more}`);
  }
  const r = raw as RawConfig;
  const dir = path.dirname(abs);
  const cfg: ConfigFile = {
    file: abs,
    display: shown,
    dir,
    rules: Object.entries(r.rules ?? {}).map(([id, setting]) => ({ id, setting, pointer: `/rules/${escapeSegment(id)}` })),
    exclude: r.exclude ?? [],
    rulesDirs: (r.rulesDirs ?? []).map((d) => path.resolve(dir, d)),
    ignores: [],
    tableAdditions: [],
    locate,
  };
  if (r.failOn !== undefined) cfg.failOn = r.failOn;
  if (r.inlineSuppressions !== undefined) cfg.inlineSuppressions = r.inlineSuppressions;
  r.rulesDirs?.forEach((d, i) => {
    const full = path.resolve(dir, d);
    if (!fs.existsSync(full) || !fs.statSync(full).isDirectory()) throw configError(abs, shown, locate, `/rulesDirs/${i}`, `rules folder not found: ${d}`);
  });
  (r.ignore ?? []).forEach((ig, i) => {
    const pointer = `/ignore/${i}`;
    const at: Position | undefined = locate(ig.until ? `${pointer}/until` : pointer);
    const location: Location = { file: shown, pointer };
    if (at) location.position = at;
    const entry: ConfigIgnore = { rule: ig.rule, reason: ig.reason.trim(), baseDir: dir, location };
    if (ig.paths) entry.paths = ig.paths.map(normaliseGlob);
    if (ig.objects) entry.objects = ig.objects;
    if (ig.until) entry.until = ig.until;
    cfg.ignores.push(entry);
  });
  addTable(cfg, r.podTemplates, 'podTemplates', 'workload-kinds');
  addTable(cfg, r.components, 'components', 'components');
  return cfg;
}

/** Config rows for a data table, checked against the table's schema with errors in this file. */
function addTable(cfg: ConfigFile, rows: unknown[] | undefined, field: string, table: string): void {
  if (!rows) return;
  const schemaFile = path.join(schemasDir(), 'data', `${table}.schema.json`);
  if (!fs.existsSync(schemaFile)) throw configError(cfg.file, cfg.display, cfg.locate, `/${field}`, `this version of aigis has no ${table} table`);
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as { required?: string[]; properties?: Record<string, unknown> };
  // A table file is an object of arrays; the config gives the rows of its (first) array.
  const key = schema.required?.[0] ?? Object.keys(schema.properties ?? {})[0];
  if (!key) throw new Error(`table schema ${schemaFile} names no rows field`);
  const value = { [key]: rows };
  const validate = compileSchema(schema);
  if (!validate(value)) {
    const e = validate.errors![0]!;
    const inner = errorPointer(e).slice(`/${key}`.length);
    const described = describeErrors([{ ...e, instancePath: `/${field}${e.instancePath.slice(`/${key}`.length)}` }]);
    throw configError(cfg.file, cfg.display, cfg.locate, `/${field}${inner}`, `invalid config: ${described}`);
  }
  cfg.tableAdditions.push({ table, value, file: cfg.display });
}

function normaliseGlob(g: string): string {
  return trimTrailingSlashes(g.replace(/^\.\//, ''));
}

/**
 * Config `exclude` globs (relative to the config's folder) as globs that discover() can match:
 * it matches paths relative to the working directory, or absolute paths outside it.
 */
export function rebaseExcludes(globs: readonly string[], configDir: string, cwd: string): string[] {
  const posix = (p: string) => p.split(path.sep).join('/');
  const out: string[] = [];
  const rel = posix(path.relative(cwd, configDir));
  const below = posix(path.relative(configDir, cwd));
  for (const raw of globs) {
    const g = normaliseGlob(raw);
    out.push(`${posix(configDir)}/${g}`);
    if (rel === '') out.push(g);
    else if (!rel.startsWith('..') && !path.isAbsolute(rel)) out.push(`${rel}/${g}`);
    else if (!below.startsWith('..') && !path.isAbsolute(below)) {
      // The config sits above the working directory: keep what can match below it.
      if (g.startsWith('**/') || g === '**') out.push(g);
      else if (g.startsWith(`${below}/`)) out.push(g.slice(below.length + 1));
    }
  }
  return out;
}

/** Did-you-mean for an unknown rule id. */
function closest(id: string, ids: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of ids) {
    const d = editDistance(id, candidate);
    if (d < bestScore) {
      bestScore = d;
      best = candidate;
    }
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(id.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The config's `rules:` as engine settings keyed by current rule ids (a former id from
 * `replaces` maps to its rule; `on` enables an off-by-default rule at its own severity), after
 * checking every rule id the file names.
 */
export function ruleSettingsOf(cfg: ConfigFile, catalogue: Catalogue): Map<string, Severity | 'off'> {
  const renames = replacedBy(catalogue);
  const resolve = (id: string, pointer: string): string => {
    const current = catalogue.byId.has(id) ? id : renames.get(id);
    if (current) return current;
    const guess = closest(id, catalogue.byId.keys());
    throw configError(cfg.file, cfg.display, cfg.locate, pointer, `unknown rule "${id}"${guess ? ` (did you mean "${guess}"?)` : ' (see aigis rules)'}`);
  };
  const settings = new Map<string, Severity | 'off'>();
  for (const r of cfg.rules) {
    const id = resolve(r.id, r.pointer);
    settings.set(id, r.setting === 'on' ? catalogue.byId.get(id)!.severity : r.setting);
  }
  cfg.ignores.forEach((ig, i) => {
    resolve(ig.rule, `/ignore/${i}/rule`);
  });
  return settings;
}
