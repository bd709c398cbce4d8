// Checks on the catalogue as a whole (ESLint's checkRuleFiles, kube-linter's generated-docs gate):
// every rule has failing and passing fixtures, every fixture folder names a rule, the generated
// docs are current, and a broken rule file is a clear error naming the file and the field.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rules/catalogue.js';
import { fieldsMarkdown, rulesMarkdown, withFields } from '../../src/rules/docs.js';
import { subjectSchemas, topLevelFields } from '../../src/rules/subjects.js';
import { packageRoot } from '../../src/rules/paths.js';
import { AigisError } from '../../src/util/errors.js';

const root = packageRoot();
const fixtures = path.join(root, 'test', 'rules');

function caseCount(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.endsWith('.expected.yaml') && !f.startsWith('.')).length : 0;
}

describe('rule catalogue', () => {
  it('every rule has a failing and a passing fixture', async () => {
    const { rules } = await loadCatalogue({ fromSource: true });
    const missing = rules
      .filter((r) => caseCount(path.join(fixtures, r.id, 'fail')) === 0 || caseCount(path.join(fixtures, r.id, 'pass')) === 0)
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('every fixture folder names a rule', async () => {
    const { byId } = await loadCatalogue({ fromSource: true });
    const dirs = fs.readdirSync(fixtures, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(dirs.filter((d) => !byId.has(d))).toEqual([]);
  });

  it('docs/rules.md is generated from rules.d (run npm run docs)', async () => {
    const { rules } = await loadCatalogue({ fromSource: true });
    const current = fs.readFileSync(path.join(root, 'docs', 'rules.md'), 'utf8');
    expect(current === rulesMarkdown(rules), 'docs/rules.md is stale: run `npm run docs`').toBe(true);
  });

  it('docs/model.md has the current field index (run npm run docs)', () => {
    const current = fs.readFileSync(path.join(root, 'docs', 'model.md'), 'utf8');
    expect(current === withFields(current, fieldsMarkdown(subjectSchemas())), 'docs/model.md is stale: run `npm run docs`').toBe(true);
  });

  it('rules read only fields their target subject has', async () => {
    const { rules } = await loadCatalogue({ fromSource: true });
    const schemas = subjectSchemas();
    const unknown: string[] = [];
    for (const r of rules) {
      const s = schemas[r.target];
      if (!s || s.additionalProperties !== false) continue;
      const fields = topLevelFields(r.when);
      topLevelFields(r.expect, fields);
      for (const sev of (r as { severities?: Array<{ subject?: unknown }> }).severities ?? []) topLevelFields(sev.subject, fields);
      for (const f of fields) if (!s.properties?.[f]) unknown.push(`${r.id}: ${r.target}.${f}`);
    }
    expect(unknown).toEqual([]);
  });

  it('a broken rule file is an error naming the file, the field and its line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-rules-'));
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.writeFileSync(path.join(dir, 'custom', 'my-rule.yaml'), 'id: my-rule\ntitle: A rule\nseverity: severe\ntarget: container\nexpect: {}\nmessage: hello\nremediation: Do it.\n');
    const err = await loadCatalogue({ ruleDirs: [dir] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AigisError);
    expect((err as AigisError).format()).toMatch(/my-rule\.yaml:3: invalid rule: \/severity: must be equal to one of the allowed values/);
  });

  it('an unknown keyword in a schema is an error, not a rule that never fires', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-rules-'));
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.writeFileSync(path.join(dir, 'custom', 'typo.yaml'), 'id: typo\ntitle: A rule\nseverity: low\ntarget: container\nexpect:\n  propertes: {}\nmessage: hello\nremediation: Do it.\n');
    const err = await loadCatalogue({ ruleDirs: [dir] }).catch((e: unknown) => e);
    expect((err as AigisError).format()).toMatch(/typo\.yaml:5: invalid expect schema: strict mode: unknown keyword: "propertes"/);
  });

  it('rule ids are unique across folders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-rules-'));
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.writeFileSync(path.join(dir, 'custom', 'privileged-container.yaml'), 'id: privileged-container\ntitle: A rule\nseverity: low\ntarget: container\nexpect: {}\nmessage: hello\nremediation: Do it.\n');
    const err = await loadCatalogue({ ruleDirs: [dir] }).catch((e: unknown) => e);
    expect((err as AigisError).format()).toMatch(/rule id "privileged-container" is already defined in rules\.d\/pod-security\/privileged-container\.yaml/);
  });

  it('a user rule folder adds rules and data rows', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-rules-'));
    fs.mkdirSync(path.join(dir, 'custom'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'custom', 'team-label.yaml'), 'id: team-label\ntitle: Workload has a team label\nseverity: low\ntarget: workload\nexpect:\n  properties:\n    metadata:\n      required: [labels]\nmessage: "{{kind}} {{metadata.name}} has no labels"\nremediation: Add labels.\n');
    fs.writeFileSync(path.join(dir, 'data', 'workload-kinds.yaml'), 'kinds:\n  - kind: InHouseServer\n    groups: [ml.example.com]\n    templates:\n      - { path: /spec/pod, shape: template }\n');
    const cat = await loadCatalogue({ ruleDirs: [dir] });
    expect(cat.byId.has('team-label')).toBe(true);
    const kinds = cat.tables['workload-kinds']!.kinds as Array<{ kind: string }>;
    expect(kinds.some((k) => k.kind === 'InHouseServer')).toBe(true);
    const again = await loadCatalogue();
    expect((again.tables['workload-kinds']!.kinds as Array<{ kind: string }>).some((k) => k.kind === 'InHouseServer')).toBe(false);
  });
});
