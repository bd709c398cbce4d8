// The github, junit and json reporters on hand-made findings: escaping, severities, suppressed and
// fileless findings, the JSON report written in pieces.

import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/engine/scan.js';
import type { Finding, Severity } from '../../src/model/types.js';
import { githubReport } from '../../src/report/github.js';
import { FINDINGS_PER_PIECE, jsonReport } from '../../src/report/json.js';
import { junitReport } from '../../src/report/junit.js';
import type { ReportContext } from '../../src/report/types.js';
import { AigisError } from '../../src/util/errors.js';
import { testCatalogue } from '../helpers/scan.js';

function finding(over: Partial<Finding> & { severity?: Severity }): Finding {
  return {
    ruleId: 'privileged-container',
    severity: 'high',
    title: 't',
    message: 'container a runs privileged',
    location: { file: 'k8s/a.yaml', pointer: '/spec/containers/0/securityContext/privileged', position: { line: 12, column: 9, endLine: 12, endColumn: 25 } },
    object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ml', name: 'a' },
    subjectKey: 'v1/Pod/ml/a#pod::0#container:a',
    fingerprint: '0'.repeat(32),
    ...over,
  };
}

async function ctx(findings: Finding[], errors: AigisError[] = []): Promise<ReportContext> {
  const result: ScanResult = { findings, errors, stats: { files: 1, objects: 1, subjects: 1, skipped: 0, failed: errors.length }, skippedPaths: [], secrets: new Set() };
  return {
    result,
    catalogue: await testCatalogue(),
    failOn: 'low',
    failed: true,
    tool: { name: 'aigis', version: '0.1.0', informationUri: 'https://github.com/aigis-dev/aigis' },
    cwd: '/repo',
    color: false,
    command: 'aigis scan',
    options: { sarifRoot: '/repo' },
  };
}

describe('github', () => {
  it('maps severities to error, warning and notice, and escapes data and properties', async () => {
    const out = githubReport(
      await ctx([
        finding({ severity: 'critical', message: '100% exposed\nfirst line, second: yes' }),
        finding({ severity: 'medium', location: { file: 'k8s/a,b:c.yaml', pointer: '', position: { line: 3, column: 1, endLine: 5, endColumn: 2 } } }),
        finding({ severity: 'info', location: { logical: 'cluster:prod/ml/Pod/a', pointer: '/spec/hostPID' } }),
        finding({ suppression: { kind: 'inSource', justification: 'reviewed' } }),
      ]),
    );
    expect(out.split('\n')).toEqual([
      '::error file=k8s/a.yaml,line=12,endLine=12,col=9,endColumn=25,title=privileged-container (critical)::100%25 exposed%0Afirst line, second: yes',
      // A region over several lines gives no columns.
      '::warning file=k8s/a%2Cb%3Ac.yaml,line=3,endLine=5,title=privileged-container (medium)::container a runs privileged',
      '::notice title=privileged-container (info)::cluster:prod/ml/Pod/a /spec/hostPID: container a runs privileged',
      '',
    ]);
  });

  it('reports input errors, and nothing at all when clean', async () => {
    expect(githubReport(await ctx([]))).toBe('');
    expect(githubReport(await ctx([], [new AigisError('cannot parse', { file: 'x.yaml', line: 3, column: 2 })]))).toBe('::error file=x.yaml,line=3,col=2,title=aigis%3A input error::cannot parse\n');
  });
});

describe('junit', () => {
  it('escapes XML, marks suppressed testcases skipped, and lists input errors', async () => {
    const xml = junitReport(
      await ctx(
        [
          finding({ message: 'value <"&"> \u0001 here' }),
          finding({ ruleId: 'host-pid', suppression: { kind: 'external', justification: 'profiler <sidecar>' } }),
        ],
        [new AigisError('no such file or directory', { file: 'gone.yaml' })],
      ),
    );
    expect(xml).toContain('<failure message="value &lt;&quot;&amp;&quot;&gt; \ufffd here" type="high">');
    expect(xml).toContain('<skipped message="suppressed: profiler &lt;sidecar&gt;"/>');
    expect(xml).toContain('<testsuite name="aigis input" tests="1" failures="0" errors="1" skipped="0">');
    expect(xml).toContain('<error message="no such file or directory">gone.yaml: no such file or directory</error>');
    expect(xml).toMatch(/<testsuites name="aigis 0\.1\.0" tests="3" failures="1" errors="1" skipped="1">/);
  });
});

describe('json', () => {
  // Findings that differ from one another, so that a piece dropped, doubled or out of order shows.
  const many = (n: number): Finding[] =>
    Array.from({ length: n }, (_, i) => finding({ message: `finding ${i}`, fingerprint: i.toString(16).padStart(32, '0') }));

  it.each([0, 1, FINDINGS_PER_PIECE - 1, FINDINGS_PER_PIECE, FINDINGS_PER_PIECE + 1, 2500])('writes %i findings in pieces that make one pretty-printed document', async (n) => {
    const c = await ctx(many(n), [new AigisError('cannot read: EACCES', { file: 'k8s/secret.yaml' })]);
    c.result.skippedPaths = [{ path: 'vendor', reason: 'excluded' }];
    const pieces = [...jsonReport(c)];
    const text = pieces.join('');
    const doc = JSON.parse(text) as { version: number; summary: { findings: number }; findings: Array<{ message: string }>; skippedPaths: unknown[]; errors: unknown[] };
    // The pieces read as the document written at once would: two-space indents, a final newline.
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'summary', 'findings', 'skippedPaths', 'errors']);
    expect(doc.summary.findings).toBe(n);
    expect(doc.findings.map((f) => f.message)).toEqual(Array.from({ length: n }, (_, i) => `finding ${i}`));
    expect(doc.skippedPaths).toEqual([{ path: 'vendor', reason: 'excluded' }]);
    expect(doc.errors).toEqual([{ message: 'cannot read: EACCES', file: 'k8s/secret.yaml' }]);
    // Head, a piece per FINDINGS_PER_PIECE findings and the line break after it, tail.
    expect(pieces.length).toBe(n === 0 ? 1 : 2 + 2 * Math.ceil(n / FINDINGS_PER_PIECE));
  });
});
