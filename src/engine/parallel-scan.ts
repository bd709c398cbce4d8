// One scan on several threads: every thread reads every input, keeps the documents of its part
// (partition.ts), builds the model of that part and evaluates it; the main thread is part 0 and
// merges. Parsing is repeated on each thread, but the model and the rules are split. `aigis scan
// --jobs N` (docs/architecture.md, "Threads"; on two cores it does not pay, bench/README.md).

import type { Input } from '../loaders/discover.js';
import type { Finding } from '../model/types.js';
import type { CatalogueOptions } from '../rules/catalogue.js';
import { AigisError } from '../util/errors.js';
import { findingIdentity, partOf } from './partition.js';
import { evaluateLoaded, loadInputs, type Loaded, type ScanOptions, type ScanResult } from './scan.js';

/** What a worker needs to repeat the scan's set-up: plain data only (it is copied to the thread). */
export interface PartRequest {
  index: number;
  parts: number;
  inputs: Input[];
  catalogue: CatalogueOptions;
  options: Pick<ScanOptions, 'ruleSettings' | 'only' | 'suppress' | 'limits' | 'loaderOptions'>;
}

export interface PartResult {
  findings: Finding[];
  secrets: string[];
  objects: number;
  subjects: number;
}

/** Whether the inputs can be split: manifests only (an image would be read by every thread). */
export function canSplit(inputs: readonly Input[], options: Pick<ScanOptions, 'recordChecks'>): boolean {
  if (options.recordChecks || inputs.length === 0) return false;
  return inputs.every((i) => i.kind === 'manifest' && i.path !== '-');
}

/** Evaluate part `index` of `parts` of already-loaded input. */
export function evaluatePart(loaded: Loaded, options: Parameters<typeof evaluateLoaded>[1], index: number, parts: number): PartResult & { result: ScanResult } {
  const part = partOf(loaded.documents, index, parts, options.catalogue.tables);
  const result = evaluateLoaded({ ...loaded, documents: part.documents }, options);
  return {
    result,
    findings: result.findings.filter(part.owns),
    secrets: [...result.secrets],
    objects: part.owned,
    subjects: result.stats.subjects,
  };
}

/** Put the parts' results together: each part's own findings, and one copy of the rest. */
export function mergeParts(first: ScanResult, parts: PartResult[]): ScanResult {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let objects = 0;
  let subjects = 0;
  const secrets = new Set(first.secrets);
  for (const p of parts) {
    objects += p.objects;
    subjects += p.subjects;
    for (const s of p.secrets) secrets.add(s);
    for (const f of p.findings) {
      if (!f.object) {
        const id = findingIdentity(f);
        if (seen.has(id)) continue;
        seen.add(id);
      }
      findings.push(f);
    }
  }
  return { ...first, findings, secrets, stats: { ...first.stats, objects, subjects } };
}

/** Run parts 1…n-1 on worker threads and part 0 here. */
export async function scanInParts(inputs: Input[], options: ScanOptions & { catalogueOptions: CatalogueOptions }, parts: number): Promise<{ loaded: Loaded; result: ScanResult }> {
  const { Worker } = await import('node:worker_threads');
  // The worker is a bundle entry beside dist/aigis.js; this module may sit in dist/chunks/.
  const url = new URL(import.meta.url.includes('/chunks/') ? '../scan-worker.js' : './scan-worker.js', import.meta.url);
  const request = (index: number): PartRequest => ({
    index,
    parts,
    inputs,
    catalogue: options.catalogueOptions,
    options: { ruleSettings: options.ruleSettings, only: options.only, suppress: options.suppress, limits: options.limits, loaderOptions: options.loaderOptions },
  });
  const workers = Array.from({ length: parts - 1 }, (_, i) => {
    const worker = new Worker(url, { workerData: request(i + 1) });
    return new Promise<PartResult>((resolve, reject) => {
      worker.once('message', (m: { ok: true; part: PartResult } | { ok: false; error: { message: string; place: Record<string, unknown>; exitCode: number; internal: boolean } }) => {
        if (m.ok) resolve(m.part);
        else if (m.error.internal) reject(new Error(m.error.message));
        else reject(new AigisError(m.error.message, m.error.place, m.error.exitCode));
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`scan worker ${i + 1} exited with code ${code}`)));
    });
  });
  // Part 0 here, meanwhile; a failure of any part fails the scan, as it would in one thread.
  const loaded = await loadInputs(inputs, options);
  const mine = evaluatePart(loaded, options, 0, parts);
  const others = await Promise.all(workers);
  return { loaded, result: mergeParts(mine.result, [mine, ...others]) };
}
