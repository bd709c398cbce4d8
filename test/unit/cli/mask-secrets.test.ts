// maskSecrets looks only for the secrets a report holds (one pass over the text); the result
// must be what searching for every secret in turn gives.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSecrets, writeReports } from '../../../src/cli/output.js';
import type { ScanResult } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/types.js';
import { jsonReport } from '../../../src/report/json.js';
import { testCatalogue } from '../../helpers/scan.js';
import { isSecretLike, maskSecret } from '../../../src/rules/message.js';

/** The straightforward version: every secret, in order, searched in the whole text. */
function reference(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secrets) {
    if (!isSecretLike(s)) continue;
    if (out.includes(s)) out = out.split(s).join(maskSecret(s));
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(maskSecret(s));
  }
  return out;
}

describe('maskSecrets', () => {
  it('masks each secret held by a large report, in plain and JSON-escaped spelling', () => {
    const secrets = new Set(Array.from({ length: 500 }, (_, i) => `hf_${i}abcdefghijklmnop`));
    secrets.add('pa"ss\\word1');
    const text = JSON.stringify({ a: 'hf_7abcdefghijklmnop', b: 'x pa"ss\\word1 y', c: 'hf_499abcdefghijklmnop!' });
    const out = maskSecrets(text, secrets);
    expect(out).toBe(reference(text, secrets));
    expect(out).not.toContain('hf_7abcdefghijklmnop');
    expect(out).toContain('hf_7a…');
  });

  it('gives what searching for every secret in turn gives', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'x', '…', '"', '\\', 'é', ' ', '\n');
    const str = (min: number, max: number) => fc.array(alphabet, { minLength: min, maxLength: max }).map((a) => a.join(''));
    fc.assert(
      fc.property(str(0, 200), fc.array(str(6, 14), { maxLength: 12 }), fc.array(fc.nat(), { minLength: 8, maxLength: 16 }), (text, random, picks) => {
        // Secrets cut from the text (so that they occur, overlap and nest) and random ones.
        const cut = picks.map((p) => {
          const at = p % (text.length + 1);
          return text.slice(at, at + 6 + (p % 9));
        });
        const secrets = new Set([...cut, ...random]);
        if (secrets.size < 8) return; // small sets take the straightforward path
        expect(maskSecrets(text, secrets)).toBe(reference(text, secrets));
        const json = JSON.stringify({ text });
        expect(maskSecrets(json, secrets)).toBe(reference(json, secrets));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('masking a report written in pieces', () => {
  it('finds a secret added to the set after a first search', () => {
    const secrets = new Set(Array.from({ length: 10 }, (_, i) => `tok_${i}_abcdefghijkl`));
    expect(maskSecrets('tok_3_abcdefghijkl', secrets)).toBe('tok_…'); // 18 characters: 4 kept
    secrets.add('zzz_late_secret_value');
    expect(maskSecrets('x zzz_late_secret_value y', secrets)).toBe('x zzz_l… y');
  });

  it('masks every piece of a JSON report of thousands of findings as the whole text would be', async () => {
    const secrets = new Set(Array.from({ length: 12 }, (_, i) => `hf_${i}_${'q'.repeat(20)}`));
    const findings: Finding[] = Array.from({ length: 2500 }, (_, i) => ({
      ruleId: 'ai-token-in-env',
      severity: 'high',
      title: 'token',
      // Every 200th finding shows a raw secret, so that several pieces hold one.
      message: i % 200 === 0 ? `HF_TOKEN is hf_${(i / 200) % 12}_${'q'.repeat(20)}` : `finding ${i}`,
      location: { file: 'k8s/a.yaml', pointer: `/items/${i}`, position: { line: i + 1, column: 1, endLine: i + 1, endColumn: 5 } },
      subjectKey: `k${i}`,
      fingerprint: i.toString(16).padStart(32, '0'),
    }));
    const result: ScanResult = { findings, errors: [], stats: { files: 1, objects: 2500, subjects: 2500, skipped: 0, failed: 0 }, skippedPaths: [], secrets };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-mask-'));
    const io = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: dir, env: {} };
    await writeReports({ result, catalogue: await testCatalogue(), failOn: 'low', targets: [{ format: 'json', output: 'r.json' }], io, command: 'aigis scan' });
    const written = fs.readFileSync(path.join(dir, 'r.json'), 'utf8');
    fs.rmSync(dir, { recursive: true, force: true });
    for (const s of secrets) expect(written).not.toContain(s);
    expect(written.split('hf_3_…').length - 1).toBe(1);
    expect(written.split('"HF_TOKEN is hf_').length - 1).toBe(13);
    // Masked piece by piece, it is the report masked whole.
    const whole = [...jsonReport({ result, catalogue: await testCatalogue(), failOn: 'low', failed: true, tool: { name: 'aigis', version: JSON.parse(written).tool.version, informationUri: '' }, cwd: dir, color: false, command: 'aigis scan', options: {} })].join('');
    expect(written).toBe(maskSecrets(whole, secrets));
  });
});
