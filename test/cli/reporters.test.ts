// The CLI side of CI use: SARIF, JUnit and GitHub formats, several --format/--output pairs,
// nothing but the report on stdout, config discovery, suppressions, baselines and aigis init.
// Runs the built CLI (npm test builds first). Lines below are counted by hand in the YAML here.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aigis } from '../helpers/cli.js';
import { sarifSchemaErrors } from '../helpers/sarif.js';

function tmpdir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-report-'));
  // A repository root of its own, so that no .aigis.yaml above it applies and SARIF paths are
  // relative to it.
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

// privileged: true on line 12, column 9; hostPID on line 7, column 3.
const POD = `apiVersion: v1
kind: Pod
metadata:
  name: trainer
  namespace: ml
spec:
  hostPID: true
  containers:
    - name: torch
      image: pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime
      securityContext:
        privileged: true
`;
const RULES = ['--rule', 'privileged-container', '--rule', 'host-pid'];

describe('--format sarif', () => {
  it('prints only SARIF on stdout, valid, with the findings', () => {
    const dir = tmpdir({ 'k8s/pod.yaml': POD });
    const r = aigis(['scan', 'k8s', '--format', 'sarif', ...RULES], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(sarifSchemaErrors(doc)).toEqual([]);
    const results = doc.runs[0].results as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(results.map((x) => `${x.ruleId} ${x.locations[0].physicalLocation.artifactLocation.uri}:${x.locations[0].physicalLocation.region.startLine}:${x.locations[0].physicalLocation.region.startColumn}`).sort()).toEqual([
      'host-pid k8s/pod.yaml:7:3',
      'privileged-container k8s/pod.yaml:12:9',
    ]);
  });

  it('keeps stdout pure SARIF when an input cannot be read (the error goes to stderr, exit 2)', () => {
    const dir = tmpdir({ 'pod.yaml': POD });
    const r = aigis(['scan', 'pod.yaml', 'missing.yaml', '--format', 'sarif', ...RULES], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: missing.yaml: no such file or directory\n');
    const doc = JSON.parse(r.stdout);
    expect(doc.runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(doc.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toBe('no such file or directory');
    expect(sarifSchemaErrors(doc)).toEqual([]);
  });

  it('writes results: [] when clean', () => {
    const dir = tmpdir({ 'pod.yaml': POD });
    const r = aigis(['scan', 'pod.yaml', '--format', 'sarif', '--rule', 'host-network'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).runs[0].results).toEqual([]);
  });
});

describe('several reports in one run', () => {
  it('writes SARIF and JUnit to files and prints text', () => {
    const dir = tmpdir({ 'pod.yaml': POD });
    const r = aigis(['scan', 'pod.yaml', ...RULES, '--format', 'sarif', '--output', 'out/aigis.sarif', '--format', 'junit', '--output', 'out/junit.xml', '--format', 'text'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^pod\.yaml\n/);
    expect(r.stdout).toMatch(/✖ 2 findings \(2 high\)/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out/aigis.sarif'), 'utf8')).runs[0].results).toHaveLength(2);
    expect(fs.readFileSync(path.join(dir, 'out/junit.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
  });

  it('takes the format from the output file extension', () => {
    const dir = tmpdir({ 'pod.yaml': POD });
    const r = aigis(['scan', 'pod.yaml', ...RULES, '--output', 'report.sarif'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('refuses two reports on stdout', () => {
    const r = aigis(['scan', 'pod.yaml', '--format', 'sarif', '--format', 'json'], { cwd: tmpdir({ 'pod.yaml': POD }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only one report can go to standard output/);
  });
});

describe('--format junit', () => {
  it('has a testcase per rule × object, a failure per failing one', () => {
    const clean = POD.replace('  hostPID: true\n', '').replace('privileged: true', 'privileged: false').replace('name: trainer', 'name: clean');
    const dir = tmpdir({ 'pod.yaml': POD, 'clean.yaml': clean });
    const r = aigis(['scan', '.', '--format', 'junit', ...RULES], { cwd: dir });
    expect(r.code).toBe(1);
    const xml = r.stdout;
    expect(xml).toMatch(/<testsuites name="aigis [^"]+" tests="4" failures="2" errors="0" skipped="0">/);
    expect(xml).toContain('<testsuite name="clean.yaml" tests="2" failures="0" errors="0" skipped="0">');
    expect(xml).toContain('<testcase name="host-pid" classname="Pod/ml/clean" file="clean.yaml"/>');
    expect(xml).toContain('<testcase name="privileged-container" classname="Pod/ml/trainer" file="pod.yaml" line="12">');
    expect(xml).toContain('<failure message="container torch runs privileged" type="high">pod.yaml:12:9  high  privileged-container  container torch runs privileged</failure>');
    // Balanced elements (a cheap well-formedness check).
    for (const tag of ['testsuites', 'testsuite', 'testcase', 'failure']) {
      const open = (xml.match(new RegExp(`<${tag}[ >]`, 'g')) ?? []).length;
      const selfClosed = (xml.match(new RegExp(`<${tag} [^>]*/>`, 'g')) ?? []).length;
      expect((xml.match(new RegExp(`</${tag}>`, 'g')) ?? []).length, tag).toBe(open - selfClosed);
    }
  });
});

describe('--format github', () => {
  it('prints one workflow command per finding, relative to the repository root', () => {
    const dir = tmpdir({ 'k8s/pod.yaml': POD });
    const r = aigis(['scan', 'pod.yaml', '--format', 'github', ...RULES], { cwd: path.join(dir, 'k8s') });
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
      '::error file=k8s/pod.yaml,line=12,endLine=12,col=9,endColumn=25,title=privileged-container (high)::container torch runs privileged',
      '::error file=k8s/pod.yaml,line=7,endLine=7,col=3,endColumn=16,title=host-pid (high)::Pod trainer shares the host PID namespace (hostPID: true)',
    ]);
  });
});

describe('suppressions from the command line', () => {
  const annotated = POD.replace('  namespace: ml\n', '  namespace: ml\n  annotations:\n    ignore.aigis.dev/privileged-container: "NCCL needs /dev/infiniband; reviewed in SEC-7"\n');

  it('an annotation suppresses; text counts it; --no-inline-suppressions brings it back', () => {
    const dir = tmpdir({ 'pod.yaml': annotated });
    const r = aigis(['scan', 'pod.yaml', '--rule', 'privileged-container'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✔ no findings · 1 file, 1 object, 1 suppressed · fail-on low/);
    const sarif = JSON.parse(aigis(['scan', 'pod.yaml', '--rule', 'privileged-container', '--format', 'sarif'], { cwd: dir }).stdout);
    expect(sarif.runs[0].results[0].suppressions).toEqual([{ kind: 'inSource', justification: 'NCCL needs /dev/infiniband; reviewed in SEC-7' }]);
    const strict = aigis(['scan', 'pod.yaml', '--rule', 'privileged-container', '--no-inline-suppressions'], { cwd: dir });
    expect(strict.code).toBe(1);
    // Two annotation lines push privileged: true from line 12 to 14.
    expect(strict.stdout).toContain('14:9  high      privileged-container');
  });

  it('a config ignore suppresses externally', () => {
    const dir = tmpdir({ 'pod.yaml': POD, '.aigis.yaml': 'ignore:\n  - rule: host-pid\n    objects: [Pod/ml/trainer]\n    reason: profiler sidecar\n' });
    const r = aigis(['scan', 'pod.yaml', '--format', 'json', ...RULES], { cwd: dir });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.summary).toMatchObject({ findings: 1, suppressed: 1 });
    expect(doc.findings.find((f: { ruleId: string }) => f.ruleId === 'host-pid').suppression).toEqual({ kind: 'external', justification: 'profiler sidecar', source: 'config' });
  });

  it('a broken config is exit 2 with one line naming the file and position', () => {
    const dir = tmpdir({ 'pod.yaml': POD, '.aigis.yaml': 'rules:\n  host-pid: loud\n' });
    const r = aigis(['scan', 'pod.yaml'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: .aigis.yaml:2:3: invalid config: /rules/host-pid: must be equal to one of the allowed values (off, on, critical, high, medium, low, info) (at /rules/host-pid)\n');
  });
});

describe('baselines', () => {
  it('--write-baseline records, --baseline reports only new findings', () => {
    const dir = tmpdir({ 'pod.yaml': POD });
    const w = aigis(['scan', 'pod.yaml', ...RULES, '--write-baseline', '.aigis-baseline.json'], { cwd: dir });
    expect(w.code).toBe(0);
    const baseline = JSON.parse(fs.readFileSync(path.join(dir, '.aigis-baseline.json'), 'utf8'));
    expect(baseline.version).toBe(1);
    expect(baseline.findings.map((e: { ruleId: string; where: string; object: string }) => `${e.ruleId} ${e.where} ${e.object}`)).toEqual(['host-pid pod.yaml Pod/ml/trainer', 'privileged-container pod.yaml Pod/ml/trainer']);
    expect(JSON.stringify(baseline)).not.toMatch(/"line"/);

    // Same findings, moved down by an unrelated document: still baselined.
    fs.writeFileSync(path.join(dir, 'pod.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n---\n${POD}`);
    const same = aigis(['scan', 'pod.yaml', ...RULES, '--baseline', '.aigis-baseline.json'], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/✔ no findings · 1 file, 2 objects, 2 suppressed/);

    // A new privileged container is new.
    fs.appendFileSync(path.join(dir, 'pod.yaml'), '    - name: sidecar\n      image: busybox:1.37\n      securityContext:\n        privileged: true\n');
    const more = aigis(['scan', 'pod.yaml', ...RULES, '--baseline', '.aigis-baseline.json'], { cwd: dir });
    expect(more.code).toBe(1);
    // pod.yaml now: 5 lines of ConfigMap, the Pod from line 6; the sidecar's privileged on line 21.
    expect(more.stdout).toMatch(/^pod\.yaml\n {2}21:9 {2}high {6}privileged-container {2}container sidecar runs privileged\n\n✖ 1 finding \(1 high\)/);
  });

  it('a missing or foreign baseline file is exit 2', () => {
    const dir = tmpdir({ 'pod.yaml': POD, 'other.json': '{"findings": 3}' });
    expect(aigis(['scan', 'pod.yaml', '--baseline', 'nope.json'], { cwd: dir }).stderr).toBe('aigis: nope.json: cannot read baseline: ENOENT\n');
    const r = aigis(['scan', 'pod.yaml', '--baseline', 'other.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aigis: other\.json: not an aigis baseline/);
  });
});

describe('aigis init', () => {
  it('writes a starter .aigis.yaml once', () => {
    const dir = tmpdir({});
    const r = aigis(['init'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote .aigis.yaml\n');
    expect(fs.readFileSync(path.join(dir, '.aigis.yaml'), 'utf8')).toMatch(/^# aigis configuration/);
    const again = aigis(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe('aigis: .aigis.yaml: already exists (use --force to overwrite)\n');
    expect(aigis(['init', '--force'], { cwd: dir }).code).toBe(0);
    // The starter changes nothing: a scan with it behaves as without it.
    fs.writeFileSync(path.join(dir, 'pod.yaml'), POD);
    expect(aigis(['scan', 'pod.yaml', ...RULES], { cwd: dir }).stdout).toMatch(/✖ 2 findings \(2 high\)/);
  });
});

describe('secrets', () => {
  it('never appear in sarif, junit or github output', () => {
    const token = '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';
    const pod = POD.replace('      securityContext:\n', `      env:\n        - name: HF_TOKEN\n          value: ${token}\n      securityContext:\n`);
    const dir = tmpdir({ 'pod.yaml': pod });
    for (const format of ['sarif', 'junit', 'github']) {
      const r = aigis(['scan', 'pod.yaml', '--format', format], { cwd: dir });
      expect(r.stdout.length, format).toBeGreaterThan(0);
      expect(r.stdout, format).not.toContain(token);
    }
  });
});
