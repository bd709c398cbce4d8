// Machine output with a documented, stable shape (docs/json-output.md). New fields may be
// added; existing ones keep their name and meaning while `version` stays 1.

import { SEVERITIES, type Finding, type Location } from '../model/types.js';
import { countBySeverity } from './summary.js';
import type { ReportContext } from './types.js';

function location(l: Location): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (l.file !== undefined) out.file = l.file;
  if (l.logical !== undefined) out.logical = l.logical;
  if (l.position) {
    out.line = l.position.line;
    out.column = l.position.column;
    out.endLine = l.position.endLine;
    out.endColumn = l.position.endColumn;
  }
  out.pointer = l.pointer;
  if (l.image) out.image = l.image;
  if (l.layer) out.layer = l.layer;
  if (l.helmSource) out.helmSource = l.helmSource;
  if (l.message) out.message = l.message;
  return out;
}

function finding(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    message: f.message,
    location: location(f.location),
  };
  if (f.object) out.object = f.object;
  if (f.container) out.container = f.container;
  if (f.related?.length) out.related = f.related.map(location);
  out.fingerprint = f.fingerprint;
  if (f.suppression) out.suppression = f.suppression;
  return out;
}

export function jsonReport(ctx: ReportContext): string {
  const active = ctx.result.findings.filter((f) => !f.suppression);
  const counts = countBySeverity(active);
  const doc = {
    version: 1,
    tool: { name: ctx.tool.name, version: ctx.tool.version },
    summary: {
      failed: ctx.failed,
      failOn: ctx.failOn,
      findings: active.length,
      suppressed: ctx.result.findings.length - active.length,
      bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, counts[s]])),
      files: ctx.result.stats.files,
      objects: ctx.result.stats.objects,
      skipped: ctx.result.stats.skipped,
      unreadable: ctx.result.stats.failed,
    },
    findings: ctx.result.findings.map(finding),
    skippedPaths: ctx.result.skippedPaths,
    errors: ctx.result.errors.map((e) => {
      const out: Record<string, unknown> = { message: e.message };
      if (e.file) out.file = e.file;
      if (e.line) out.line = e.line;
      if (e.column) out.column = e.column;
      return out;
    }),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
