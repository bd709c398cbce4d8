// Human output: findings grouped by file, `line:col  severity  rule-id  message`, the Helm
// template beside the rendered file, then one summary line.

import { SEVERITIES, type Finding, type Location, type Severity } from '../model/types.js';
import { activeFindings, countBySeverity } from './summary.js';
import type { ReportContext } from './types.js';

const COLORS: Record<Severity, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m', info: '\x1b[2m' };
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

function where(l: Location): string {
  return l.file ?? l.logical ?? '?';
}

export function textReport(ctx: ReportContext): string {
  const paint = (code: string, s: string) => (ctx.color ? `${code}${s}${RESET}` : s);
  const findings = activeFindings(ctx.result.findings);
  const suppressed = ctx.result.findings.length - findings.length;
  const lines: string[] = [];
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = where(f.location);
    const list = groups.get(k);
    if (list) list.push(f);
    else groups.set(k, [f]);
  }
  for (const [file, list] of groups) {
    lines.push(paint(BOLD, file));
    const rows = list.map((f) => {
      const p = f.location.position;
      const pos = p ? `${p.line}:${p.column}` : f.location.pointer || '-';
      return { f, pos };
    });
    // reduce, not Math.max(...): a file can have more findings than a call can take arguments.
    const posWidth = rows.reduce((w, r) => Math.max(w, r.pos.length), 0);
    const idWidth = rows.reduce((w, r) => Math.max(w, r.f.ruleId.length), 0);
    let lastTemplate: string | undefined;
    for (const { f, pos } of rows) {
      if (f.location.helmSource !== lastTemplate) {
        lines.push(`  ${paint(DIM, f.location.helmSource ? `# template ${f.location.helmSource}` : '# (no template)')}`);
        lastTemplate = f.location.helmSource;
      }
      const sev = paint(COLORS[f.severity], f.severity.padEnd(8));
      lines.push(`  ${pos.padEnd(posWidth)}  ${sev}  ${f.ruleId.padEnd(idWidth)}  ${f.message}`);
      for (const r of f.related ?? []) {
        const rp = r.position ? `:${r.position.line}:${r.position.column}` : '';
        lines.push(`  ${' '.repeat(posWidth)}  ${paint(DIM, `↳ ${r.message ? `${r.message}: ` : ''}${where(r)}${rp}`)}`);
      }
    }
    lines.push('');
  }
  lines.push(summaryLine(ctx, findings, suppressed));
  return lines.join('\n') + '\n';
}

function summaryLine(ctx: ReportContext, findings: Finding[], suppressed: number): string {
  const s = ctx.result.stats;
  const counts = countBySeverity(findings);
  const bySev = SEVERITIES.filter((sev) => counts[sev] > 0).map((sev) => `${counts[sev]} ${sev}`);
  // An audit reads no files: name the cluster instead (aigis audit passes options.cluster).
  const source = typeof ctx.options.cluster === 'string' ? `cluster ${ctx.options.cluster}` : `${s.files} file${s.files === 1 ? '' : 's'}`;
  const scanned = [source, `${s.objects} object${s.objects === 1 ? '' : 's'}`];
  if (s.skipped) scanned.push(`${s.skipped} skipped`);
  if (s.failed) scanned.push(`${s.failed} unreadable`);
  if (suppressed) scanned.push(`${suppressed} suppressed`);
  const head = findings.length
    ? `${findings.length} finding${findings.length === 1 ? '' : 's'} (${bySev.join(', ')})`
    : 'no findings';
  const mark = ctx.failed ? '✖' : '✔';
  return `${mark} ${head} · ${scanned.join(', ')} · fail-on ${ctx.failOn}`;
}
