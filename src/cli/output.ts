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
import { SubstringSearch } from '../util/substrings.js';
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
  const search = searchFor(secrets);
  if (search.holdsEllipsis) return secrets;
  const present = search.needles.in(text);
  if (present.size === 0) return [];
  if (search.escapedDiffer.some((e) => present.has(e))) return secrets;
  // In the order of `all`, without a pass over every secret for each piece of a report.
  const found: string[] = [];
  for (const s of present) if (search.order.has(s)) found.push(s);
  return found.sort((a, b) => search.order.get(a)! - search.order.get(b)!);
}

interface SecretSearch {
  size: number;
  all: string[];
  /** Place of each secret in `all`. */
  order: Map<string, number>;
  /** Secrets and their JSON-escaped spellings, indexed. */
  needles: SubstringSearch;
  /** A secret holds `…` (a mask could then make another appear): mask all of them. */
  holdsEllipsis: boolean;
  /** The JSON-escaped spellings that differ from their secret. */
  escapedDiffer: string[];
}

// The search for a set of secrets, built once per set (a report is masked piece by piece, and
// indexing a thousand secrets per piece would cost more than the search). Rebuilt if the set grew.
const searches = new WeakMap<ReadonlySet<string>, SecretSearch>();

function searchFor(secrets: ReadonlySet<string>): SecretSearch {
  const known = searches.get(secrets);
  if (known && known.size === secrets.size) return known;
  const all = [...secrets];
  const escaped = all.map((s) => JSON.stringify(s).slice(1, -1));
  const built: SecretSearch = {
    size: secrets.size,
    all,
    order: new Map(all.map((s, i) => [s, i])),
    needles: new SubstringSearch([...all, ...escaped]),
    holdsEllipsis: all.some((s) => s.includes('…')),
    escapedDiffer: escaped.filter((e, i) => e !== all[i]),
  };
  searches.set(secrets, built);
  return built;
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
    const report = reporter(ctx);
    // A large report comes in pieces: each is masked and written as it is made, so the whole text
    // never sits in memory (for 90,000 findings it is 70 MB, and twice that as UTF-16).
    const pieces = typeof report === 'string' ? [report] : report;
    if (target.output === undefined) {
      for (const piece of pieces) o.io.stdout.write(maskSecrets(piece, o.result.secrets));
    } else {
      const file = path.resolve(o.io.cwd, target.output);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const fd = fs.openSync(file, 'w');
      try {
        const out = new FileWriter(fd);
        for (const piece of pieces) out.write(maskSecrets(piece, o.result.secrets));
        out.flush();
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

/**
 * Text to a file through one buffer, written when full: a report comes in thousands of pieces,
 * and a Buffer made for each (and a write each) cost more than encoding them in place.
 */
class FileWriter {
  private static readonly SIZE = 1 << 20;
  private readonly buffer = Buffer.allocUnsafe(FileWriter.SIZE);
  private used = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (this.used + 3 * text.length > FileWriter.SIZE) {
      this.flush();
      if (3 * text.length > FileWriter.SIZE) return writeAll(this.fd, Buffer.from(text, 'utf8'));
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  flush(): void {
    writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** Write all of `bytes` (a write may take only part of it). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length; ) at += fs.writeSync(fd, bytes, at);
}

export function printErrors(result: ScanResult, io: CliIO): void {
  for (const e of result.errors) io.stderr.write(`aigis: ${maskSecrets(e.format(), result.secrets)}\n`);
}
