// One scan: inputs → loaders → model → rules → findings. Every entry point (scan, audit,
// webhook, tests) goes through here, so no rule knows where its subject came from.

import { discover, type DiscoverOptions, type Input } from '../loaders/discover.js';
import { DEFAULT_LIMITS, LOADERS, type LoadContext, type LoadLimits } from '../loaders/index.js';
import { buildModel } from '../model/build.js';
import type { Finding, LoadedDocument, Problem, Severity, Subject } from '../model/types.js';
import { AigisError } from '../util/errors.js';
import { evaluate } from './evaluate.js';
import { problemSubject } from './problems.js';
import { checkRecorder, type CheckLog } from './checks.js';
import { applySuppressions, prepareSuppressions, type SuppressOptions } from './suppress.js';
import type { Catalogue } from './rule.js';
import type { CatalogueOptions } from '../rules/catalogue.js';

export interface ScanStats {
  /** Inputs read (files, stdin, images). */
  files: number;
  /** Kubernetes objects checked. */
  objects: number;
  /** Subjects rules looked at (objects, containers, stages, images…). */
  subjects: number;
  /** YAML documents or files passed over because aigis does not check them. */
  skipped: number;
  /** Inputs that could not be read at all (also in `errors`). */
  failed: number;
}

export interface ScanResult {
  findings: Finding[];
  errors: AigisError[];
  stats: ScanStats;
  skippedPaths: Array<{ path: string; reason: string }>;
  /** Raw secret values seen in the input: every output masks them. */
  secrets: Set<string>;
  /** Rules each object was checked by (only with `recordChecks`). */
  checks?: CheckLog;
}

export interface ScanOptions extends DiscoverOptions {
  catalogue: Catalogue;
  ruleSettings?: ReadonlyMap<string, Severity | 'off'>;
  only?: ReadonlySet<string>;
  limits?: LoadLimits;
  loaderOptions?: Record<string, unknown>;
  stdin?: () => Promise<Buffer>;
  /** Inline, config and baseline suppressions (src/engine/suppress.ts). */
  suppress?: SuppressOptions;
  /** Record which rules checked which object (JUnit passes). */
  recordChecks?: boolean;
  /** Threads to split a manifest scan over (parallel-scan.ts); unset or 1: this thread only. */
  threads?: number;
  /** How `catalogue` was loaded, for threads to load the same (plain data). */
  catalogueOptions?: CatalogueOptions;
}

export interface Loaded {
  documents: LoadedDocument[];
  subjects: Subject[];
  problems: Problem[];
  secrets: Set<string>;
  stats: ScanStats;
  errors: AigisError[];
}

/** Standard input, read up to one byte past `limit` (the loader refuses what is over it). */
async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    // An endless stream (`aigis scan - < /dev/zero`) must not fill the memory first.
    if (size > limit) break;
  }
  return Buffer.concat(chunks);
}

/** Read every input with its loader; an unreadable input is an error, not a crash. */
export async function loadInputs(inputs: Input[], options: Pick<ScanOptions, 'limits' | 'loaderOptions' | 'stdin'> & { catalogue?: Catalogue }): Promise<Loaded> {
  let stdin: Promise<Buffer> | undefined;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const ctx: LoadContext = {
    limits,
    stdin: () => (stdin ??= options.stdin ? options.stdin() : readStdin(limits.maxFileBytes)),
    options: options.loaderOptions ?? {},
    tables: options.catalogue?.tables,
  };
  const out: Loaded = {
    documents: [],
    subjects: [],
    problems: [],
    secrets: new Set(),
    stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 },
    errors: [],
  };
  for (const input of inputs) {
    const factory = LOADERS[input.kind];
    if (!factory) {
      out.stats.skipped++;
      continue;
    }
    try {
      const loader = await factory();
      const r = await loader(input, ctx);
      out.stats.files++;
      // Loops, not push(...): a hostile file yields hundreds of thousands of problems, more
      // arguments than a call can take.
      for (const d of r.documents) out.documents.push(d);
      for (const s of r.subjects) out.subjects.push(s);
      for (const p of r.problems) out.problems.push(p);
      out.stats.skipped += r.skipped;
      for (const s of r.secrets ?? []) out.secrets.add(s);
    } catch (err) {
      if (!(err instanceof AigisError)) throw err;
      out.stats.failed++;
      out.errors.push(err);
    }
  }
  return out;
}

/** Evaluate already-loaded input (shared by scan, audit and the webhook). */
export function evaluateLoaded(loaded: Loaded, options: Pick<ScanOptions, 'catalogue' | 'ruleSettings' | 'only' | 'suppress' | 'recordChecks'>): ScanResult {
  const model = buildModel(loaded.documents, options.catalogue.tables);
  const secrets = new Set([...loaded.secrets, ...model.graph.secrets]);
  const built = [...model.subjects, ...loaded.subjects];
  const suppressions = prepareSuppressions(built, options.catalogue, loaded.problems, options.suppress);
  const subjects = [...built, ...[...loaded.problems, ...suppressions.problems].map(problemSubject)];
  const checks: CheckLog | undefined = options.recordChecks ? new Map() : undefined;
  const onCheck = checks ? checkRecorder(checks) : undefined;
  const evaluated = evaluate(subjects, options.catalogue, { ruleSettings: options.ruleSettings, only: options.only, secrets, onCheck });
  const findings = applySuppressions(evaluated, suppressions, options.catalogue, options.suppress);
  return {
    findings,
    errors: loaded.errors,
    stats: { ...loaded.stats, objects: loaded.documents.length, subjects: subjects.length },
    skippedPaths: [],
    secrets,
    ...(checks ? { checks } : {}),
  };
}

export async function scan(paths: string[], options: ScanOptions): Promise<ScanResult> {
  const found = discover(paths, options);
  const result = (await scanOnThreads(found.inputs, options)) ?? evaluateLoaded(await loadInputs(found.inputs, options), options);
  result.errors = [...found.errors, ...result.errors];
  result.stats.failed += found.errors.length;
  result.skippedPaths = found.skipped;
  result.stats.skipped += found.skipped.length;
  result.findings.sort(compareFindings);
  return result;
}

/** The scan split over threads (parallel-scan.ts) with `--jobs N`, when the CLI bundle runs. */
async function scanOnThreads(inputs: Input[], options: ScanOptions): Promise<ScanResult | undefined> {
  // Worker threads need the bundle's worker entry: tests of the sources scan on one thread.
  if (process.env.AIGIS_BUNDLED !== '1' || !options.catalogueOptions || !options.threads || options.threads < 2) return undefined;
  const parallel = await import('./parallel-scan.js');
  if (!parallel.canSplit(inputs, options)) return undefined;
  const { result } = await parallel.scanInParts(inputs, { ...options, catalogueOptions: options.catalogueOptions }, options.threads);
  return result;
}

export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.location.file ?? a.location.logical ?? '';
  const fb = b.location.file ?? b.location.logical ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location.position?.line ?? 0;
  const lb = b.location.position?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location.position?.column ?? 0;
  const cb = b.location.position?.column ?? 0;
  if (ca !== cb) return ca - cb;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  // A total order, so that a scan split over threads sorts exactly like one that is not.
  if (a.location.pointer !== b.location.pointer) return a.location.pointer < b.location.pointer ? -1 : 1;
  if (a.fingerprint !== b.fingerprint) return a.fingerprint < b.fingerprint ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
