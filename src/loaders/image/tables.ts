// The data tables the image loader reads, compiled once per table set: rules.d/data/image-files.yaml
// (secret files, usual setuid binaries, scratch dirs, token-scan skips, model extensions),
// secrets.yaml (secret variable names and token shapes) and ai-tokens.yaml (AI credential names).

import { tableRows, type DataTables } from '../../rules/data.js';
import { aiTables } from '../../model/ai-tables.js';
import { modelTables } from '../../model/tables.js';

export interface SecretFileRow {
  kind: string;
  pattern: string;
  exclude?: string;
  contains?: string;
}

export interface TokenPattern {
  name: string;
  re: RegExp;
}

export interface ImageTables {
  secretFiles: Array<{ kind: string; re: RegExp; exclude?: RegExp; contains?: RegExp }>;
  setuidUsual: RegExp | undefined;
  worldWritableAllowed: RegExp | undefined;
  tokenScanSkip: RegExp | undefined;
  /** extension → format */
  modelExt: Map<string, string>;
  modelSkip: RegExp | undefined;
  /** Token shapes (global, for finding every match in a file). */
  tokens: TokenPattern[];
  /** A cheap test that a text may hold a token: literal prefixes of every pattern, or all of them. */
  tokenPrefilter: RegExp | undefined;
  /** Is this environment variable name a secret's? */
  secretName(name: string): boolean;
  /** Is this value a reference, a placeholder or a dummy rather than a credential? */
  notSecretValue(value: string, name?: string): boolean;
  /** Token kind of a value, if it is token-shaped. */
  tokenValue(value: string): string | undefined;
  raw: DataTables;
}

const cache = new WeakMap<DataTables, ImageTables>();

function anyOf(patterns: string[]): RegExp | undefined {
  return patterns.length ? new RegExp(patterns.map((p) => `(?:${p})`).join('|')) : undefined;
}

/**
 * The literal text every match of `pattern` starts with, as alternatives (`\b(AKIA|ASIA)…` →
 * AKIA, ASIA), or undefined when the pattern does not start with literals.
 */
export function literalPrefixes(pattern: string): string[] | undefined {
  let p = pattern.replace(/^\\b/, '');
  const group = /^\((?:\?:)?([A-Za-z0-9_|-]+)\)/.exec(p);
  let heads = [''];
  if (group) {
    heads = group[1]!.split('|');
    p = p.slice(group[0].length);
  }
  const lit = /^(?:[A-Za-z0-9_ -]|\\[-_.])*/.exec(p)![0].replace(/\\/g, '');
  // `?`, `*` or `{0,` after the literal make its last character optional.
  const next = p.slice(/^(?:[A-Za-z0-9_ -]|\\[-_.])*/.exec(p)![0].length);
  const safe = /^[?*]|^\{0/.test(next) ? lit.slice(0, -1) : lit;
  const out = heads.map((h) => h + safe);
  return out.every((s) => s.length >= 3) ? out : undefined;
}

export function imageTables(tables: DataTables): ImageTables {
  const known = cache.get(tables);
  if (known) return known;
  const model = modelTables(tables);
  const tokens = tableRows<{ name: string; pattern: string }>(tables, 'secrets', 'tokenPatterns').map((t) => ({ name: t.name, re: new RegExp(t.pattern, 'g') }));
  const prefixes = tokens.map((t) => literalPrefixes(t.re.source));
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const tokenPrefilter = !tokens.length
    ? undefined
    : prefixes.every((p) => p !== undefined)
      ? new RegExp([...new Set(prefixes.flat() as string[])].map(escape).join('|'))
      : new RegExp(tokens.map((t) => `(?:${t.re.source})`).join('|'));
  // The AI credential names and the "not a secret" values are read as the container rules read them.
  const ai = aiTables(tables);
  const built: ImageTables = {
    secretFiles: tableRows<SecretFileRow>(tables, 'image-files', 'secretFiles').map((r) => ({
      kind: r.kind,
      re: new RegExp(r.pattern),
      ...(r.exclude ? { exclude: new RegExp(r.exclude) } : {}),
      ...(r.contains ? { contains: new RegExp(r.contains) } : {}),
    })),
    setuidUsual: anyOf(tableRows<string>(tables, 'image-files', 'setuidUsual')),
    worldWritableAllowed: anyOf(tableRows<string>(tables, 'image-files', 'worldWritableAllowed')),
    tokenScanSkip: anyOf(tableRows<string>(tables, 'image-files', 'tokenScanSkip')),
    modelExt: new Map(tableRows<{ ext: string; format: string }>(tables, 'image-files', 'modelFiles').map((r) => [r.ext, r.format])),
    modelSkip: anyOf(tableRows<string>(tables, 'image-files', 'modelSkip')),
    tokens,
    tokenPrefilter,
    secretName: (name) => model.secretName(name) || ai.aiTokenName(name),
    notSecretValue: (value, name) => ai.notSecretValue(value, name),
    tokenValue: (value) => model.tokenValue(value),
    raw: tables,
  };
  cache.set(tables, built);
  return built;
}
