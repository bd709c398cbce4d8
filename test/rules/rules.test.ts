// The rule harness: for every test/rules/<rule-id>/{fail,pass}/<case>.<ext>, a failing case must
// give exactly the findings its hand-written <case>.expected.yaml lists (rule, line, column, and
// where given, a message fragment and related locations); a passing case must give none while a
// subject of the rule's target was there to check. A case may be a folder, scanned as a whole
// (objects linked across its files); its expected entries then name their `file:` (relative to
// the folder), as may related locations that lie in another file.

import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { discover } from '../../src/loaders/discover.js';
import { loadInputs } from '../../src/engine/scan.js';
import { buildModel } from '../../src/model/build.js';
import { problemSubject } from '../../src/engine/problems.js';
import { scanPaths, testCatalogue } from '../helpers/scan.js';

interface Expected {
  rule: string;
  file?: string;
  line: number;
  column: number;
  /** Image findings have no line: they name the path in the image or the config field instead. */
  pointer?: string;
  message?: string;
  related?: Array<{ file?: string; line: number; column: number; pointer?: string }>;
}

/** `file:line:column` of a location; the file (relative to a folder case) only when `withFile`. */
function place(loc: { file?: string; pointer?: string; position?: { line: number; column: number } }, caseDir: string | undefined, withFile: boolean): string {
  const at = !loc.position && loc.pointer !== undefined ? loc.pointer : `${loc.position?.line}:${loc.position?.column}`;
  if (!withFile) return at;
  const file = loc.file && caseDir ? path.relative(caseDir, loc.file) : loc.file;
  return `${file}:${at}`;
}

const root = path.dirname(new URL(import.meta.url).pathname);
const ruleDirs = fs.readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();

function cases(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => !f.endsWith('.expected.yaml') && !f.startsWith('.') && !f.endsWith('.md'))
    .sort()
    .map((f) => path.join(dir, f));
}

function expectedFile(input: string): string {
  const base = path.basename(input).replace(/\.(ya?ml|json|Dockerfile|tar|tar\.gz|tgz|oci)$/i, '');
  return path.join(path.dirname(input), `${base}.expected.yaml`);
}

describe.each(ruleDirs)('%s', (ruleId) => {
  const dir = path.join(root, ruleId);

  it('is a rule in the catalogue', async () => {
    expect((await testCatalogue()).byId.has(ruleId)).toBe(true);
  });

  for (const input of cases(path.join(dir, 'fail'))) {
    it(`fails ${path.basename(input)}`, async () => {
      const file = expectedFile(input);
      expect(fs.existsSync(file), `missing ${path.relative(root, file)}`).toBe(true);
      const want = (parse(fs.readFileSync(file, 'utf8')) as Expected[]).map((e) => ({ ...e, rule: e.rule ?? ruleId }));
      expect(want.length, 'a failing case expects at least one finding').toBeGreaterThan(0);
      const result = await scanPaths([input], [ruleId]);
      expect(result.errors.map((e) => e.format())).toEqual([]);
      const got = result.findings.filter((f) => f.ruleId === ruleId);
      const caseDir = fs.statSync(input).isDirectory() ? input : undefined;
      if (caseDir) for (const w of want) expect(w.file, `${path.basename(file)}: entries of a folder case name their file`).toBeDefined();
      const key = (rule: string, loc: { file?: string; pointer?: string; position?: { line: number; column: number } }) => `${rule}@${place(loc, caseDir, !!caseDir)}`;
      const wantKey = (e: Expected) => `${e.rule}@${caseDir ? `${e.file}:` : ''}${e.pointer ?? `${e.line}:${e.column}`}`;
      expect(got.map((f) => key(f.ruleId, f.location)).sort()).toEqual(want.map(wantKey).sort());
      for (const w of want) {
        const f = got.find((g) => key(g.ruleId, g.location) === wantKey(w))!;
        if (w.message) expect(f.message).toContain(w.message);
        if (w.related) {
          const withFile = w.related.some((r) => r.file !== undefined);
          const base = caseDir ?? path.dirname(input);
          expect((f.related ?? []).map((r) => place(r, base, withFile)).sort()).toEqual(
            w.related.map((r) => `${withFile ? `${r.file ?? path.basename(input)}:` : ''}${r.pointer ?? `${r.line}:${r.column}`}`).sort(),
          );
        }
      }
    });
  }

  for (const input of cases(path.join(dir, 'pass'))) {
    it(`passes ${path.basename(input)}`, async () => {
      const catalogue = await testCatalogue();
      const rule = catalogue.byId.get(ruleId)!;
      const result = await scanPaths([input], [ruleId]);
      expect(result.errors.map((e) => e.format())).toEqual([]);
      expect(result.findings.filter((f) => f.ruleId === ruleId).map((f) => `${f.location.position?.line}:${f.location.position?.column} ${f.message}`)).toEqual([]);
      // The case must have offered the rule something to check (input problems excepted: a clean
      // file has none, and that is the point of their passing cases).
      if (rule.target === 'problem') return;
      const loaded = await loadInputs(discover([input]).inputs, {});
      const subjects = [...buildModel(loaded.documents, catalogue.tables).subjects, ...loaded.subjects, ...loaded.problems.map(problemSubject)];
      expect(subjects.some((s) => s.target === rule.target), `no ${rule.target} subject in ${path.basename(input)}`).toBe(true);
    });
  }
});
