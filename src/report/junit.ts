// JUnit XML for CI test dashboards: a testsuite per file (or cluster object), a testcase per
// rule × object that the rule checked, a <failure> per finding. Suppressed findings are
// <skipped> with their reason; input errors are <error> testcases.

import { objectLabel } from '../engine/checks.js';
import { SEVERITY_RANK, type Finding } from '../model/types.js';
import type { ReportContext } from './types.js';

function xml(s: string): string {
  // XML 1.0 cannot carry most control characters, even escaped.
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

interface Case {
  rule: string;
  label: string;
  file?: string;
  findings: Finding[];
}

interface Suite {
  name: string;
  cases: Map<string, Case>;
}

function where(f: Finding): string {
  return f.location.file ?? f.location.logical ?? '';
}

function position(f: Finding): string {
  const p = f.location.position;
  return p ? `${where(f)}:${p.line}:${p.column}` : `${where(f)}${f.location.pointer ? ` ${f.location.pointer}` : ''}`;
}

export function junitReport(ctx: ReportContext): string {
  const suites = new Map<string, Suite>();
  const suite = (name: string): Suite => {
    let s = suites.get(name);
    if (!s) suites.set(name, (s = { name, cases: new Map() }));
    return s;
  };
  const kase = (s: Suite, rule: string, label: string, file: string | undefined): Case => {
    const k = `${label}\u0000${rule}`;
    let c = s.cases.get(k);
    if (!c) s.cases.set(k, (c = { rule, label, findings: [] }));
    if (file && file !== '-') c.file ??= file;
    return c;
  };
  for (const checked of ctx.result.checks?.values() ?? []) {
    const s = suite(checked.where);
    for (const rule of checked.rules) kase(s, rule, checked.label, checked.file);
  }
  for (const f of ctx.result.findings) kase(suite(where(f)), f.ruleId, objectLabel(f.object, f.subjectKey), f.location.file).findings.push(f);

  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const body: string[] = [];
  for (const s of [...suites.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const cases = [...s.cases.values()].sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
    const lines: string[] = [];
    let sFail = 0;
    let sSkip = 0;
    for (const c of cases) {
      const active = c.findings.filter((f) => !f.suppression);
      const first = c.findings[0];
      // classname is the object alone: dashboards split it at dots, and the suite names the file.
      const attrs = [`name="${xml(c.rule)}"`, `classname="${xml(c.label)}"`];
      if (c.file) attrs.push(`file="${xml(c.file)}"`);
      if (first?.location.position) attrs.push(`line="${first.location.position.line}"`);
      if (active.length) {
        sFail++;
        const worst = active.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
        const detail = active.map((f) => `${position(f)}  ${f.severity}  ${f.ruleId}  ${f.message}`).join('\n');
        lines.push(`    <testcase ${attrs.join(' ')}>`);
        lines.push(`      <failure message="${xml(worst.message)}" type="${worst.severity}">${xml(detail)}</failure>`);
        lines.push('    </testcase>');
      } else if (c.findings.length) {
        sSkip++;
        const reasons = [...new Set(c.findings.map((f) => f.suppression!.justification))].join('; ');
        lines.push(`    <testcase ${attrs.join(' ')}>`);
        lines.push(`      <skipped message="${xml(`suppressed: ${reasons}`)}"/>`);
        lines.push('    </testcase>');
      } else {
        lines.push(`    <testcase ${attrs.join(' ')}/>`);
      }
    }
    tests += cases.length;
    failures += sFail;
    skipped += sSkip;
    body.push(`  <testsuite name="${xml(s.name)}" tests="${cases.length}" failures="${sFail}" errors="0" skipped="${sSkip}">`, ...lines, '  </testsuite>');
  }
  const errors = ctx.result.errors;
  if (errors.length) {
    body.push(`  <testsuite name="aigis input" tests="${errors.length}" failures="0" errors="${errors.length}" skipped="0">`);
    for (const e of errors) {
      body.push(`    <testcase name="${xml(e.file ?? 'input')}" classname="aigis input">`);
      body.push(`      <error message="${xml(e.message)}">${xml(e.format())}</error>`);
      body.push('    </testcase>');
    }
    body.push('  </testsuite>');
    tests += errors.length;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(`${ctx.tool.name} ${ctx.tool.version}`)}" tests="${tests}" failures="${failures}" errors="${errors.length}" skipped="${skipped}">`,
    ...body,
    '</testsuites>',
    '',
  ].join('\n');
}
