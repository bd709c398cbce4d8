// Baselines: `--write-baseline FILE` records the fingerprints of today's findings, `--baseline
// FILE` then reports only findings whose fingerprint is not in it. Fingerprints hold no line
// numbers (src/engine/fingerprint.ts), so edits around a baselined finding keep it baselined.
// The file is JSON, sorted and line-free so that it diffs well in review.

import fs from 'node:fs';
import path from 'node:path';
import type { Finding } from '../model/types.js';
import { AigisError } from '../util/errors.js';
import type { Baseline } from './suppress.js';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  /** File or logical name, for the reader of the file (matching uses the fingerprint only). */
  where: string;
  object?: string;
  container?: string;
}

export interface BaselineFile {
  version: number;
  tool: string;
  findings: BaselineEntry[];
}

export function readBaseline(file: string, cwd: string): Baseline {
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new AigisError(`cannot read baseline: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new AigisError(`baseline is not JSON: ${(err as Error).message}`, { file });
  }
  const d = doc as Partial<BaselineFile> | null;
  if (!d || typeof d !== 'object' || d.version !== BASELINE_VERSION || !Array.isArray(d.findings)) {
    throw new AigisError(`not an aigis baseline (expected {"version": ${BASELINE_VERSION}, "findings": [...]}; write one with --write-baseline)`, { file });
  }
  const fingerprints = new Set<string>();
  d.findings.forEach((e, i) => {
    if (!e || typeof e !== 'object' || typeof (e as BaselineEntry).fingerprint !== 'string') {
      throw new AigisError('baseline entry has no "fingerprint"', { file, pointer: `/findings/${i}` });
    }
    fingerprints.add((e as BaselineEntry).fingerprint);
  });
  return { file, fingerprints };
}

function objectLabel(f: Finding): string | undefined {
  const o = f.object;
  if (!o?.kind) return undefined;
  return [o.kind, o.namespace, o.name].filter((x) => x !== undefined && x !== '').join('/');
}

/** The baseline of these findings: every one not suppressed by an annotation, comment or config. */
export function baselineOf(findings: readonly Finding[], toolName = 'aigis'): BaselineFile {
  const byFingerprint = new Map<string, BaselineEntry>();
  for (const f of findings) {
    if (f.suppression && f.suppression.source !== 'baseline') continue;
    if (byFingerprint.has(f.fingerprint)) continue;
    const e: BaselineEntry = { fingerprint: f.fingerprint, ruleId: f.ruleId, where: f.location.helmSource ?? f.location.file ?? f.location.logical ?? '' };
    const object = objectLabel(f);
    if (object) e.object = object;
    if (f.container) e.container = f.container;
    byFingerprint.set(f.fingerprint, e);
  }
  const entries = [...byFingerprint.values()].sort(
    (a, b) => cmp(a.where, b.where) || cmp(a.ruleId, b.ruleId) || cmp(a.object ?? '', b.object ?? '') || cmp(a.fingerprint, b.fingerprint),
  );
  return { version: BASELINE_VERSION, tool: toolName, findings: entries };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function writeBaseline(file: string, cwd: string, baseline: BaselineFile): void {
  const abs = path.resolve(cwd, file);
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, JSON.stringify(baseline, null, 2) + '\n');
  } catch (err) {
    throw new AigisError(`cannot write baseline: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file });
  }
}
