// `aigis scan --jobs N` splits a manifest scan over N threads (src/engine/parallel-scan.ts): the
// report must be the one a single thread writes, byte for byte, in every format.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a JavaScript module of the benchmarks, without types.
import { generateCorpus } from '../../bench/lib/generate-manifests.mjs';
import { aigis } from '../helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-jobs-'));
  generateCorpus(dir, 1500, 11);
  // A config with an ignore entry and a rule setting, which the threads must apply too.
  fs.writeFileSync(
    path.join(dir, '.aigis.yaml'),
    'rules:\n  image-mutable-tag: high\nignore:\n  - rule: privileged-container\n    paths: ["team-1/**"]\n    reason: test\n',
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('aigis scan --jobs', () => {
  it('writes the report of one thread, with 2 and 3 threads, in JSON and SARIF', () => {
    const one = aigis(['scan', '.', '-j', '1', '-f', 'json', '-f', 'sarif', '-o', 'one.sarif'], { cwd: dir });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(1);
    const report = JSON.parse(one.stdout);
    expect(report.summary.objects).toBe(1500);
    expect(report.findings.some((f: { ruleId: string; severity: string }) => f.ruleId === 'image-mutable-tag' && f.severity === 'high')).toBe(true);
    for (const jobs of ['2', '3']) {
      const many = aigis(['scan', '.', '--jobs', jobs, '-f', 'json', '-f', 'sarif', '-o', `many-${jobs}.sarif`], { cwd: dir });
      expect(many.stderr).toBe('');
      expect(many.code).toBe(1);
      expect(many.stdout).toBe(one.stdout);
      expect(fs.readFileSync(path.join(dir, `many-${jobs}.sarif`), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'one.sarif'), 'utf8'));
    }
  }, 120_000);

  it('refuses a number of threads that is not one', () => {
    for (const bad of ['0', 'two', '65']) {
      const r = aigis(['scan', 'examples/', '--jobs', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('aigis: --jobs must be a number of threads from 1 to 64\n');
    }
  });
});
