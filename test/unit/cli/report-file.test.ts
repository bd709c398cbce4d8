import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../../../src/cli/output.js';
import type { ScanResult } from '../../../src/engine/scan.js';
import type { Finding } from '../../../src/model/types.js';
import { testCatalogue } from '../../helpers/scan.js';

// A report file is written through one buffer flushed when full (src/cli/output.ts, FileWriter);
// its bytes must be those of the same report sent to standard output piece by piece.
describe('report files', () => {
  const findings: Finding[] = Array.from({ length: 6000 }, (_, i) => ({
    ruleId: 'ai-token-in-env',
    severity: 'high',
    title: 'token',
    // Two- and three-byte characters and a surrogate pair, so that pieces end anywhere in UTF-8.
    message: `finding ${i}: café ‘quoted’ … 🚀 ${'x'.repeat(i % 97)}`,
    location: { file: 'k8s/ü.yaml', pointer: `/items/${i}`, position: { line: i + 1, column: 1, endLine: i + 1, endColumn: 5 } },
    subjectKey: `k${i}`,
    fingerprint: i.toString(16).padStart(32, '0'),
  }));
  const result: ScanResult = { findings, errors: [], stats: { files: 1, objects: 6000, subjects: 6000, skipped: 0, failed: 0 }, skippedPaths: [], secrets: new Set() };

  for (const format of ['json', 'text', 'sarif'] as const) {
    it(`holds exactly what standard output gets (${format})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aigis-report-'));
      const printed: string[] = [];
      const io = { stdout: { write: (s: string) => (printed.push(s), true) }, stderr: { write: () => true }, cwd: dir, env: {} };
      const catalogue = await testCatalogue();
      await writeReports({ result, catalogue, failOn: 'low', targets: [{ format, output: 'r.out' }, { format }], io, command: 'aigis scan' });
      const written = fs.readFileSync(path.join(dir, 'r.out'));
      fs.rmSync(dir, { recursive: true, force: true });
      // JSON comes in pieces, more than the buffer holds: it was flushed more than once. Text and
      // SARIF come whole, larger than the buffer takes at once: written past it.
      expect(written.length).toBeGreaterThan(format === 'json' ? 1 << 20 : (1 << 20) / 3);
      expect(written.equals(Buffer.from(printed.join(''), 'utf8'))).toBe(true);
    });
  }
});
