// Report targets (--format/--output pairs), secret masking of everything written, exit codes.
// Shared by every command that produces findings (scan, audit).

import fs from 'node:fs';
import path from 'node:path';
import type { Catalogue } from '../engine/rule.js';
import type { ScanResult } from '../engine/scan.js';
import { SEVERITY_RANK, type Severity } from '../model/types.js';
import { FORMATS, REPORTERS, formatForFile } from '../report/index.js';
import type { ReportContext } from '../report/types.js';
import { isSecretLike, maskSecret } from '../rules/message.js';
import { UsageError } from '../util/errors.js';
import { occurring } from '../util/substrings.js';
import type { CliIO } from './io.js';
import { TOOL, toolVersion } from './version.js';

export interface ReportTarget {
  format: string;
  /** File to write; undefined means standard output. */
  output?: string;
}

interface Token {
  kind: string;
  name?: string;
  value?: string;
}

/**
 * Pair each --output with the --format before it, so `--format sarif --output x.sarif --format
 * text` writes SARIF to a file and prints text. An --output with no free --format takes the
 * format its extension implies (.sarif, .json, .xml), else text.
 */
export function reportTargets(tokens: readonly Token[]): ReportTarget[] {
  const targets: ReportTarget[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'format') {
      const format = String(t.value);
      if (!REPORTERS[format]) throw new UsageError(`unknown format "${format}" (one of: ${FORMATS().join(', ')})`);
      targets.push({ format });
    } else if (t.name === 'output') {
      const output = String(t.value);
      const last = targets[targets.length - 1];
      if (last && last.output === undefined) last.output = output;
      else targets.push({ format: formatForFile(output) ?? 'text', output });
    }
  }
  const toStdout = targets.filter((t) => t.output === undefined);
  if (toStdout.length > 1) throw new UsageError(`only one report can go to standard output (got ${toStdout.map((t) => t.format).join(', ')}); give the others --output FILE`);
  if (targets.length === 0) targets.push({ format: 'text' });
  return targets;
}

export function parseFailOn(value: string | undefined, fallback: Severity | 'none' = 'low'): Severity | 'none' {
  if (value === undefined) return fallback;
  if (!(value in SEVERITY_RANK)) throw new UsageError(`--fail-on must be one of critical, high, medium, low, info, none (got "${value}")`);
  return value as Severity | 'none';
}

/** Exit code: 2 for input errors, 1 for a finding at or above the threshold, else 0. */
export function exitCode(result: ScanResult, failOn: Severity | 'none'): number {
  if (result.errors.length) return 2;
  return isFailing(result, failOn) ? 1 : 0;
}

export function isFailing(result: ScanResult, failOn: Severity | 'none'): boolean {
  const bar = SEVERITY_RANK[failOn];
  return result.findings.some((f) => !f.suppression && SEVERITY_RANK[f.severity] >= bar);
}

/** Replace every raw secret seen in the input by its masked form (defence in depth). */
export function maskSecrets(text: string, secrets: ReadonlySet<string>): string {
  let out = text;
  for (const s of secretsToMask(text, secrets)) {
    if (!isSecretLike(s)) continue;
    if (out.includes(s)) out = out.split(s).join(maskSecret(s));
    // JSON escapes some characters; mask the escaped spelling too.
    const escaped = JSON.stringify(s).slice(1, -1);
    if (escaped !== s && out.includes(escaped)) out = out.split(escaped).join(maskSecret(s));
  }
  return out;
}

/**
 * The secrets maskSecrets must look for, in order: with many secrets and a large report,
 * searching the text once per secret takes minutes (bench/README.md), so one pass finds those
 * the text holds. Masking cannot make another appear: a mask is a prefix of its secret and `…`
 * (unless that prefix was JSON-escaped in the text, or a secret holds `…`: then all of them).
 */
function secretsToMask(text: string, secrets: ReadonlySet<string>): Iterable<string> {
  if (secrets.size < 8) return secrets;
  const escaped = (s: string): string => JSON.stringify(s).slice(1, -1);
  const present = occurring(text, [...secrets].flatMap((s) => [s, escaped(s)]));
  const all = [...secrets];
  if (all.some((s) => s.includes('…') || (escaped(s) !== s && present.has(escaped(s))))) return secrets;
  return all.filter((s) => present.has(s));
}

export interface WriteReportsOptions {
  result: ScanResult;
  catalogue: Catalogue;
  failOn: Severity | 'none';
  targets: ReportTarget[];
  io: CliIO;
  command: string;
  reporterOptions?: Record<string, unknown>;
}

export async function writeReports(o: WriteReportsOptions): Promise<void> {
  const failed = o.result.errors.length > 0 || isFailing(o.result, o.failOn);
  for (const target of o.targets) {
    const reporter = await REPORTERS[target.format]!();
    const toTerminal = target.output === undefined && !!o.io.stdout.isTTY;
    const ctx: ReportContext = {
      result: o.result,
      catalogue: o.catalogue,
      failOn: o.failOn,
      failed,
      tool: { ...TOOL, version: toolVersion() },
      cwd: o.io.cwd,
      color: toTerminal && !o.io.env.NO_COLOR && target.format === 'text',
      command: o.command,
      options: o.reporterOptions ?? {},
    };
    const text = maskSecrets(reporter(ctx), o.result.secrets);
    if (target.output === undefined) o.io.stdout.write(text);
    else {
      const file = path.resolve(o.io.cwd, target.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
  }
}

export function printErrors(result: ScanResult, io: CliIO): void {
  for (const e of result.errors) io.stderr.write(`aigis: ${maskSecrets(e.format(), result.secrets)}\n`);
}
