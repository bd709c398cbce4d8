// Canonical form of parseYamlStream results, for differential tests of the fast YAML path
// against the library path: every field of every document, the data with its exact types and
// key order, and the offset table of every map and sequence.

import type { YamlDocument } from '../../src/loaders/manifests/yaml.js';

type Canonical = unknown;

// `block`: the offsets block of `v` (offsets.ts), -1 if it has none.
function value(v: unknown, doc: YamlDocument, depth: number, block: number): Canonical {
  if (depth > 600) return '…';
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  switch (typeof v) {
    case 'number':
      return `n:${Object.is(v, -0) ? '-0' : String(v)}`;
    case 'string':
      return `s:${v}`;
    case 'boolean':
      return `b:${v}`;
    case 'object':
      break;
    default:
      return `${typeof v}:${String(v)}`;
  }
  const entries = doc.offsets.entries(block);
  const child = (i: number) => entries[i]?.[2] ?? -1;
  if (Array.isArray(v)) {
    return { seq: v.map((x, i) => value(x, doc, depth + 1, child(i))), offsets: block < 0 ? 'none' : entries.map(([s, e]) => [s, e]) };
  }
  const proto = Object.getPrototypeOf(v) === Object.prototype ? undefined : 'odd prototype';
  const keys = Object.keys(v as object);
  return {
    map: keys.map((k, i) => [k, value((v as Record<string, unknown>)[k], doc, depth + 1, child(i))]),
    offsets: block < 0 ? 'none' : keys.flatMap((k, i) => (entries[i] && entries[i][0] >= 0 ? [[k, [entries[i][0], entries[i][1]]]] : [])),
    ...(proto ? { proto } : {}),
  };
}

export function canonical(docs: YamlDocument[]): Canonical {
  return docs.map((d) => ({
    index: d.index,
    empty: d.empty,
    fatal: d.fatal,
    start: d.start,
    end: d.end,
    helmSource: d.helmSource ?? null,
    problems: d.problems.map((p) => ({ ...p })),
    data: value(d.data, d, 0, d.offsets.root),
  }));
}

/** Undefined when equal, else the first differing path and both values there. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return `${path || '/'}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: ${JSON.stringify(a)} != ${JSON.stringify(b)}`;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) {
    if (!Array.isArray(a)) return `${path}: keys ${JSON.stringify(ka)} != ${JSON.stringify(kb)}`;
  }
  const n = Math.max(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const k = Array.isArray(a) ? String(i) : ka[i]!;
    const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}/${k}`);
    if (d) return d;
  }
  return undefined;
}
