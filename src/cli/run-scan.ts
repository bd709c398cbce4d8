// `aigis scan` after its flags are read: find the config file of each scanned path, load the
// catalogue it asks for, scan, apply suppressions and the baseline, and write a baseline when
// asked. Paths whose nearest `.aigis.yaml` differ are scanned as separate groups, each under its
// own config, and their results merged into one report and one exit code.

import path from 'node:path';
import { baselineOf, readBaseline, writeBaseline } from '../engine/baseline.js';
import type { Catalogue, Rule } from '../engine/rule.js';
import { compareFindings, scan, type ScanResult } from '../engine/scan.js';
import type { SuppressOptions } from '../engine/suppress.js';
import type { InputKind } from '../loaders/discover.js';
import type { LoadLimits } from '../loaders/index.js';
import { SEVERITY_RANK, type Severity } from '../model/types.js';
import { loadCatalogue } from '../rules/catalogue.js';
import type { ConfigFile } from '../config/config.js';
import { findConfig } from '../config/find.js';
import { UsageError } from '../util/errors.js';
import { maskSecrets } from './output.js';

export interface RunScanOptions {
  paths: string[];
  cwd: string;
  /** --config: one file for every path (no search). */
  config?: string;
  /** --rules */
  ruleDirs?: string[];
  /** --rule */
  only?: string[];
  /** --exclude (relative to the working directory) */
  exclude?: string[];
  /** --fail-on, already checked; overrides the config's failOn. */
  failOn?: Severity | 'none';
  /** false with --no-inline-suppressions. */
  inline: boolean;
  baseline?: string;
  writeBaseline?: string;
  stdinKind?: InputKind;
  limits: LoadLimits;
  stdin?: () => Promise<Buffer>;
  recordChecks?: boolean;
  /** Loader options (`platform`, `imageLimits` for image archives). */
  loaderOptions?: Record<string, unknown>;
  /** Pin "today" for expiry (tests). */
  today?: string;
  /** --jobs: threads for a manifest scan (unset: automatic). */
  threads?: number;
}

export interface RunScanResult {
  result: ScanResult;
  /** Every rule any group could run (for reporters). */
  catalogue: Catalogue;
  failOn: Severity | 'none';
  /** Severity or `off` per rule, from the config files. */
  ruleSettings: Map<string, Severity | 'off'>;
  configs: ConfigFile[];
}

export async function runScan(o: RunScanOptions): Promise<RunScanResult> {
  // Group the paths by the config file that governs them.
  const groups = new Map<string | undefined, string[]>();
  const explicit = o.config ? path.resolve(o.cwd, o.config) : undefined;
  for (const p of o.paths) {
    const file = explicit ?? findConfig(p, o.cwd);
    groups.set(file, [...(groups.get(file) ?? []), p]);
  }
  const baseline = o.baseline ? readBaseline(o.baseline, o.cwd) : undefined;

  const results: ScanResult[] = [];
  const catalogues: Catalogue[] = [];
  const configs: ConfigFile[] = [];
  const settings = new Map<string, Severity | 'off'>();
  for (const [file, paths] of groups) {
    // Reading a config needs yaml and ajv: load them only when there is one.
    const configModule = file ? await import('../config/config.js') : undefined;
    const cfg = file ? configModule!.loadConfig(file, o.cwd) : undefined;
    if (cfg) configs.push(cfg);
    const catalogueOptions = { ruleDirs: [...(o.ruleDirs ?? []), ...(cfg?.rulesDirs ?? [])], tableAdditions: cfg?.tableAdditions };
    const catalogue = await loadCatalogue(catalogueOptions);
    for (const id of o.only ?? []) if (!catalogue.byId.has(id)) throw new UsageError(`unknown rule "${id}" (see aigis rules)`);
    const ruleSettings = cfg ? configModule!.ruleSettingsOf(cfg, catalogue) : new Map<string, Severity | 'off'>();
    for (const [k, v] of ruleSettings) if (!settings.has(k)) settings.set(k, v);
    const suppress: SuppressOptions = {
      inline: o.inline && cfg?.inlineSuppressions !== false,
      ignores: cfg?.ignores ?? [],
      cwd: o.cwd,
    };
    if (baseline) suppress.baseline = baseline;
    if (o.today) suppress.today = o.today;
    const exclude = [...(o.exclude ?? []), ...(cfg ? configModule!.rebaseExcludes(cfg.exclude, cfg.dir, o.cwd) : [])];
    const r = await scan(paths, {
      catalogue,
      only: o.only?.length ? new Set(o.only) : undefined,
      ruleSettings,
      cwd: o.cwd,
      stdinKind: o.stdinKind,
      exclude: exclude.length ? exclude : undefined,
      limits: o.limits,
      stdin: o.stdin,
      suppress,
      recordChecks: o.recordChecks,
      loaderOptions: o.loaderOptions,
      threads: o.threads,
      catalogueOptions,
    });
    results.push(r);
    catalogues.push(catalogue);
  }

  const result = results.length === 1 ? results[0]! : mergeResults(results);
  const catalogue = catalogues.length === 1 ? catalogues[0]! : mergeCatalogues(catalogues);

  if (o.writeBaseline) {
    const written = baselineOf(result.findings);
    // The file must not hold a secret either (messages are not written, but be sure).
    writeBaseline(o.writeBaseline, o.cwd, JSON.parse(maskSecrets(JSON.stringify(written), result.secrets)));
    // What was just recorded is the baseline of this run.
    for (const f of result.findings) {
      if (!f.suppression) f.suppression = { kind: 'external', justification: `in baseline ${o.writeBaseline}`, source: 'baseline' };
    }
  }

  return { result, catalogue, failOn: o.failOn ?? configFailOn(configs), ruleSettings: settings, configs };
}

/** The config files' threshold; when several disagree, the strictest applies (fail closed). */
function configFailOn(configs: ConfigFile[]): Severity | 'none' {
  const set = configs.map((c) => c.failOn).filter((x): x is Severity | 'none' => x !== undefined);
  if (set.length === 0) return 'low';
  return set.reduce((a, b) => (SEVERITY_RANK[b] < SEVERITY_RANK[a] ? b : a));
}

function mergeResults(results: ScanResult[]): ScanResult {
  const out: ScanResult = {
    findings: results.flatMap((r) => r.findings).sort(compareFindings),
    errors: results.flatMap((r) => r.errors),
    stats: { files: 0, objects: 0, subjects: 0, skipped: 0, failed: 0 },
    skippedPaths: results.flatMap((r) => r.skippedPaths),
    secrets: new Set(results.flatMap((r) => [...r.secrets])),
  };
  for (const r of results) for (const k of Object.keys(out.stats) as Array<keyof ScanResult['stats']>) out.stats[k] += r.stats[k];
  if (results.some((r) => r.checks)) {
    out.checks = new Map();
    for (const r of results) for (const [k, v] of r.checks ?? []) out.checks.set(k, v);
  }
  return out;
}

function mergeCatalogues(catalogues: Catalogue[]): Catalogue {
  const byId = new Map<string, Rule>();
  for (const c of catalogues) for (const r of c.rules) if (!byId.has(r.id)) byId.set(r.id, r);
  return { rules: [...byId.values()], byId, tables: catalogues[0]!.tables };
}
