// Every regular expression in the catalogue — rule `pattern`s and `patternProperties`, and the
// `format: regex` fields of the data tables — runs over text anyone wrote: env values, command
// lines, config files inside images. V8's regular expressions backtrack, so a pattern such as
// `(^|\n)\s*key` or `\[[^\]]*x[^\]]*\]` costs time quadratic in the input (an env value of 100 kB of
// spaces took 14 s before these were rewritten). This test runs each pattern over strings built
// from its own characters and fails on any that takes longer than a linear scan could.

import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/rules/paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats?: string[]) => Ajv;
const root = packageRoot();
const N = 20_000;
/** A linear pass over N characters takes well under a millisecond; a quadratic one, seconds. */
const BUDGET_MS = 100;

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : e.name.endsWith('.yaml') ? [path.join(dir, e.name)] : []));
}

/** Patterns of a rule: `pattern` values and `patternProperties` keys anywhere in its schemas. */
function rulePatterns(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) for (const x of node) rulePatterns(x, out);
  else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'pattern' && typeof v === 'string') out.add(v);
      else if (k === 'patternProperties' && v && typeof v === 'object') {
        for (const p of Object.keys(v)) out.add(p);
        rulePatterns(v, out);
      } else rulePatterns(v, out);
    }
  }
}

/** Regex fields of the data tables: what their schemas mark `format: regex`. */
function tablePatterns(out: Map<string, string>): void {
  const found = new Set<string>();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('regex', { validate: (s: string) => (found.add(s), true) });
  for (const file of fs.readdirSync(path.join(root, 'rules.d', 'data'))) {
    const schemaFile = path.join(root, 'src', 'rules', 'data', file.replace(/\.yaml$/, '.schema.json'));
    if (!fs.existsSync(schemaFile)) continue;
    found.clear();
    const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
    validate(parse(fs.readFileSync(path.join(root, 'rules.d', 'data', file), 'utf8')));
    for (const p of found) out.set(p, `rules.d/data/${file}`);
  }
}

/** Hostile strings of length n: runs of the pattern's own characters, with and without a tail that fails the match. */
function attacks(pattern: string): Array<((n: number) => string) & { long?: boolean }> {
  const literal = pattern.replace(/\\[sdwbSDWBnrt]/g, '');
  const chars = [...new Set([' ', '\n', '\t', ...literal, 'a', 'A', '0', '=', '/', ':', '-', '.', '_', '"', "'", '[', '{', '$'])];
  const out: Array<((n: number) => string) & { long?: boolean }> = [];
  for (const c of chars) for (const tail of ['', '!', '\u0000']) out.push((n) => c.repeat(n) + tail);
  for (const word of pattern.matchAll(/[A-Za-z_=:/.-]{2,}/g)) out.push(Object.assign((n: number) => word[0].repeat(Math.ceil(n / word[0].length)) + '!', { long: true }));
  for (const a of chars) for (const b of [' ', '\n', 'a', '=']) if (a !== b) out.push((n) => (a + b).repeat(n / 2) + '!');
  return out;
}

/**
 * Grow each input step by step and stop at the first size where the pattern is too slow: a
 * pattern exponential in the input is caught at a few dozen characters, a cubic one at a few
 * hundred, a quadratic one at N — none gets the chance to hang the test.
 */
const LADDER: Array<[number, number]> = [
  [10, 20],
  [14, 20],
  [18, 20],
  [22, 20],
  [26, 20],
  [30, 20],
  [45, 20],
  [70, 20],
  [120, 20],
  [250, 20],
  [600, 25],
  [2000, 40],
  [N, BUDGET_MS],
];

/**
 * A word of the pattern repeated is quadratic in the number of repeats, not of characters (a
 * search from each repeat that scans to the end): 16 times slower to show for a 16-character
 * word, so those inputs go on to LONG.
 */
const LONG: Array<[number, number]> = [...LADDER, [400_000, 150]];

function slowest(re: RegExp, inputs: Array<((n: number) => string) & { long?: boolean }>): { ms: number; input: string } | undefined {
  for (const make of inputs) {
    for (const [n, budget] of make.long ? LONG : LADDER) {
      const s = make(n);
      const t0 = performance.now();
      re.test(s);
      const ms = performance.now() - t0;
      if (ms > budget) return { ms, input: s };
    }
  }
  return undefined;
}

describe('catalogue regular expressions stay linear on hostile text', () => {
  const patterns = new Map<string, string>();
  for (const file of yamlFiles(path.join(root, 'rules.d'))) {
    if (file.includes(`${path.sep}data${path.sep}`)) continue;
    const found = new Set<string>();
    rulePatterns(parse(fs.readFileSync(file, 'utf8')), found);
    for (const p of found) patterns.set(p, path.relative(root, file));
  }
  tablePatterns(patterns);

  it('finds the patterns (rules and tables)', () => {
    expect([...patterns.values()].filter((f) => f.startsWith('rules.d/data/')).length).toBeGreaterThan(100);
    expect([...patterns.values()].filter((f) => !f.startsWith('rules.d/data/')).length).toBeGreaterThan(20);
  });

  it(`each runs over inputs of up to ${N} characters in linear time`, () => {
    const slow: string[] = [];
    for (const [pattern, file] of patterns) {
      // Rules compile with the u flag (ajv); tables as written (some add i): try both spellings.
      let re: RegExp;
      try {
        re = new RegExp(pattern, 'u');
      } catch {
        re = new RegExp(pattern);
      }
      const worst = slowest(re, attacks(pattern));
      if (worst) slow.push(`${file}: /${pattern}/ took ${worst.ms.toFixed(0)} ms on ${worst.input.length} characters: ${JSON.stringify(worst.input.slice(0, 12))}…${JSON.stringify(worst.input.slice(-2))}`);
    }
    expect(slow).toEqual([]);
  }, 120_000);

  it('the check catches quadratic, cubic and exponential patterns without hanging', () => {
    for (const p of ['(^|\\n)\\s*enable_model_api', '^\\s*["\']?\\s*(none)?\\s*["\']?\\s*$', '^(a+)+$']) {
      expect(slowest(new RegExp(p), attacks(p)), p).toBeDefined();
    }
  });
});
