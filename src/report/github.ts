// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message` per finding,
// which GitHub shows as annotations on the pull request's diff. Critical and high findings are
// errors, medium warnings, low and info notices. Paths are relative to the repository root
// (--sarif-root, else the git work tree, else the working directory), as GitHub expects.
// Suppressed findings are not annotated.

import path from 'node:path';
import type { Finding, Severity } from '../model/types.js';
import { activeFindings } from './summary.js';
import { gitRoot, type SarifOptions } from './sarif.js';
import type { ReportContext } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { critical: 'error', high: 'error', medium: 'warning', low: 'notice', info: 'notice' };

/** Message data: %, CR and LF are escaped. */
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values: also `:` and `,`, which separate properties. */
function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubReport(ctx: ReportContext): string {
  const o = ctx.options as SarifOptions;
  const root = o.sarifRoot ? path.resolve(ctx.cwd, o.sarifRoot) : (gitRoot(ctx.cwd) ?? ctx.cwd);
  const rel = (file: string) => {
    const r = path.relative(root, path.resolve(ctx.cwd, file));
    return (r && !r.startsWith('..') && !path.isAbsolute(r) ? r : path.resolve(ctx.cwd, file)).split(path.sep).join('/');
  };
  const lines: string[] = [];
  for (const f of activeFindings(ctx.result.findings)) lines.push(annotation(f, rel));
  for (const e of ctx.result.errors) {
    const props = e.file ? [`file=${prop(rel(e.file))}`, ...(e.line ? [`line=${e.line}`] : []), ...(e.column ? [`col=${e.column}`] : [])] : [];
    lines.push(`::error ${[...props, `title=${prop('aigis: input error')}`].join(',')}::${data(e.message)}`);
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function annotation(f: Finding, rel: (file: string) => string): string {
  const props: string[] = [];
  const l = f.location;
  if (l.file && l.file !== '-') {
    props.push(`file=${prop(rel(l.file))}`);
    if (l.position) {
      props.push(`line=${l.position.line}`, `endLine=${l.position.endLine}`);
      // Columns only make sense within one line.
      if (l.position.endLine === l.position.line) props.push(`col=${l.position.column}`, `endColumn=${Math.max(l.position.column, l.position.endColumn)}`);
    }
  }
  props.push(`title=${prop(`${f.ruleId} (${f.severity})`)}`);
  const where = l.file && l.file !== '-' ? '' : `${l.logical ?? 'stdin'}${l.pointer ? ` ${l.pointer}` : ''}: `;
  const template = l.helmSource ? ` [template ${l.helmSource}]` : '';
  return `::${COMMAND[f.severity]} ${props.join(',')}::${data(`${where}${f.message}${template}`)}`;
}
