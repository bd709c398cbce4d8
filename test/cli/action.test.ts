// action.yml: its scan step, run with bash as a GitHub runner would (inputs through the
// environment, GITHUB_ACTION_PATH at this checkout, GITHUB_OUTPUT a file), writes SARIF, sets its
// outputs and exits with aigis's code.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/rules/paths.js';

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
}
interface Action {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
}

const root = packageRoot();
const action = parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8')) as Action;

/** Run the scan step with these inputs (others at their defaults) in `dir`. */
function runScanStep(dir: string, inputs: Record<string, string>) {
  const step = action.runs.steps.find((s) => s.id === 'scan')!;
  const value = (name: string) => inputs[name] ?? action.inputs[name]?.default ?? '';
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    env[k] = v.replace(/\$\{\{\s*inputs\.([a-z-]+)\s*\}\}/g, (_, name: string) => value(name));
  }
  const output = path.join(dir, '.github-output');
  fs.writeFileSync(output, '');
  const r = spawnSync('bash', ['-e', '-c', step.run!], {
    cwd: dir,
    env: { ...process.env, ...env, GITHUB_ACTION_PATH: root, GITHUB_OUTPUT: output, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, outputs };
}

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-action-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: app\n      image: nginx:1.27\n      securityContext:\n        privileged: true\n';

describe('action.yml', () => {
  it('is a composite action whose outputs come from the scan step', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.outputs['sarif-file']!.value).toBe('${{ steps.scan.outputs.sarif-file }}');
    expect(action.runs.steps.every((s) => s.uses || s.shell === 'bash')).toBe(true);
  });

  it('writes SARIF, prints text, sets its outputs and fails on findings', () => {
    const dir = repo({ 'deploy/pod.yaml': POD });
    const r = runScanStep(dir, { paths: 'deploy', args: '--rule privileged-container' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^deploy\/pod\.yaml\n {2}10:9 {2}high/);
    expect(r.outputs).toEqual({ 'sarif-file': 'aigis.sarif', 'exit-code': '1' });
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'aigis.sarif'), 'utf8'));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('deploy/pod.yaml');
  });

  it('passes fail-on, annotations and the SARIF path through', () => {
    const dir = repo({ 'pod.yaml': POD });
    const r = runScanStep(dir, { 'fail-on': 'critical', annotations: 'true', 'sarif-file': 'out/a.sarif', args: '--rule privileged-container' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^::error file=pod\.yaml,line=10,/);
    expect(r.outputs['exit-code']).toBe('0');
    expect(fs.existsSync(path.join(dir, 'out/a.sarif'))).toBe(true);
  });

  it('fails with exit 2 on bad input', () => {
    const r = runScanStep(repo({}), { paths: 'missing' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing: no such file or directory');
  });
});
