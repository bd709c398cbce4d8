import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aigis } from '../helpers/cli.js';

function tmpdir(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-cli-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: on
`;

describe('aigis scan', () => {
  it('prints findings as file, line:col, severity, rule and message, and exits 1', () => {
    const dir = tmpdir({ 'pod.yaml': PRIVILEGED });
    const r = aigis(['scan', 'pod.yaml', '--rule', 'privileged-container'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^pod\.yaml\n  10:9  high      privileged-container  container app runs privileged\n/);
    expect(r.stdout).toMatch(/✖ 1 finding \(1 high\) · 1 file, 1 object · fail-on low\n$/);
    expect(r.stderr).toBe('');
  });

  it('exits 0 when nothing reaches --fail-on', () => {
    const dir = tmpdir({ 'pod.yaml': PRIVILEGED });
    expect(aigis(['scan', 'pod.yaml', '--rule', 'privileged-container', '--fail-on', 'critical'], { cwd: dir }).code).toBe(0);
    expect(aigis(['scan', 'pod.yaml', '--rule', 'privileged-container', '--fail-on', 'none'], { cwd: dir }).code).toBe(0);
  });

  it('reads standard input', () => {
    const r = aigis(['scan', '-', '--rule', 'privileged-container', '-f', 'json'], { input: PRIVILEGED });
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout);
    expect(json.findings[0]).toMatchObject({ ruleId: 'privileged-container', location: { file: '-', line: 10, column: 9 } });
  });

  it('walks directories and globs, and skips Helm chart templates', () => {
    const dir = tmpdir({
      'a/pod.yaml': PRIVILEGED,
      'a/b/pod.yml': PRIVILEGED,
      'a/notes.txt': 'not yaml',
      'chart/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n',
      'chart/templates/d.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n',
    });
    const r = aigis(['scan', '.', '--rule', 'privileged-container', '-f', 'json'], { cwd: dir });
    const json = JSON.parse(r.stdout);
    expect(json.findings.map((f: { location: { file: string } }) => f.location.file).sort()).toEqual(['a/b/pod.yml', 'a/pod.yaml']);
    expect(json.summary).toMatchObject({ files: 3, skipped: 2 });
    const g = JSON.parse(aigis(['scan', 'a/**/*.yml', '--rule', 'privileged-container', '-f', 'json'], { cwd: dir }).stdout);
    expect(g.findings.map((f: { location: { file: string } }) => f.location.file)).toEqual(['a/b/pod.yml']);
  });

  it('writes several reports in one run', () => {
    const dir = tmpdir({ 'pod.yaml': PRIVILEGED });
    const r = aigis(['scan', 'pod.yaml', '--rule', 'privileged-container', '--format', 'json', '--output', 'out/r.json', '--format', 'text'], { cwd: dir });
    expect(r.stdout).toContain('privileged-container');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out/r.json'), 'utf8')).summary.findings).toBe(1);
  });

  it('is fail-closed: a document that does not parse is a finding, the rest is still checked', () => {
    const dir = tmpdir({ 'mixed.yaml': `a: [b\n---\n${PRIVILEGED}` });
    const r = aigis(['scan', 'mixed.yaml', '-f', 'json', '--rule', 'privileged-container', '--rule', 'manifest-parse-error'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['manifest-parse-error', 'privileged-container']);
  });

  it('gives a finding, not a crash, for a binary file, an empty file and an alias bomb', () => {
    const bomb = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const dir = tmpdir({ 'bin.yaml': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]), 'empty.yaml': '', 'bomb.yaml': bomb.join('\n') });
    const r = aigis(['scan', '.', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const found = JSON.parse(r.stdout).findings.map((f: { ruleId: string; location: { file: string } }) => `${f.location.file} ${f.ruleId}`).sort();
    expect(found).toEqual(['bin.yaml manifest-parse-error', 'bomb.yaml manifest-parse-error', 'empty.yaml manifest-empty']);
  });

  it('exits 2 with one line for a missing path, and still reports the rest', () => {
    const dir = tmpdir({ 'pod.yaml': PRIVILEGED });
    const r = aigis(['scan', 'pod.yaml', 'nope.yaml', '--rule', 'privileged-container'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: nope.yaml: no such file or directory\n');
    expect(r.stdout).toContain('privileged-container');
  });

  it('exits 2 for bad usage, with one line and no stack', () => {
    for (const args of [['scan'], ['scan', 'x', '--fail-on', 'severe'], ['scan', 'x', '--bogus'], ['scan', 'x', '--format', 'pdf'], ['nope']]) {
      const r = aigis(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at \S+.*:\d+:\d+/);
    }
  });

  it('refuses a file over --max-file-size', () => {
    const dir = tmpdir({ 'pod.yaml': PRIVILEGED });
    const r = aigis(['scan', 'pod.yaml', '--max-file-size', '10'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('aigis: pod.yaml: file is larger than the 10 byte limit (raise it with --max-file-size)\n');
  });
});

describe('aigis rules and explain', () => {
  it('lists the catalogue', () => {
    const r = aigis(['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ID +SEVERITY +TARGET +TITLE\n/);
    expect(r.stdout).toMatch(/\nprivileged-container +high +container +Container runs privileged\n/);
  });

  it('explains a rule with its references', () => {
    const r = aigis(['explain', 'privileged-container']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^privileged-container — Container runs privileged\n/);
    expect(r.stdout).toContain('https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline');
  });

  it('rejects an unknown rule', () => {
    const r = aigis(['explain', 'no-such-rule']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^aigis: unknown rule "no-such-rule"/);
  });

  it('prints help and version', () => {
    expect(aigis(['--help']).stdout).toMatch(/^Usage: aigis <command>/);
    expect(aigis(['--version']).stdout).toMatch(/^aigis \d+\.\d+\.\d+\n$/);
    expect(aigis(['scan', '--help']).stdout).toMatch(/^Usage: aigis scan/);
  });
});

describe('helm template output', () => {
  it('keeps the template path on every finding', () => {
    const rendered = `---
# Source: ollama/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: release-ollama
---
# Source: ollama/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-ollama
spec:
  template:
    spec:
      containers:
        - name: ollama
          image: "ollama/ollama:0.6.5"
          securityContext:
            privileged: true
        - name: sidecar
          image: "busybox:1.36"
          securityContext:
            privileged: true
---
# Source: ollama/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: release-ollama-test
spec:
  containers:
    - name: wget
      image: busybox
      securityContext:
        privileged: true
`;
    const r = aigis(['scan', '-', '-f', 'json', '--rule', 'privileged-container'], { input: rendered });
    const found = JSON.parse(r.stdout).findings.map((f: { location: { line: number; helmSource: string } }) => `${f.location.line} ${f.location.helmSource}`);
    expect(found).toEqual([
      '20 ollama/templates/deployment.yaml',
      '24 ollama/templates/deployment.yaml',
      '36 ollama/templates/tests/test-connection.yaml',
    ]);
    const text = aigis(['scan', '-', '--rule', 'privileged-container'], { input: rendered }).stdout;
    expect(text).toContain('  # template ollama/templates/deployment.yaml\n  20:13');
    expect(text).toContain('  # template ollama/templates/tests/test-connection.yaml\n  36:9');
  });
});
