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

/**
 * Findings per piece of the report: about 40 KB of JSON. JSON.stringify returns a rope, which
 * cutting out the piece copies flat; kept this small, both stay in the young generation, where
 * garbage costs nothing, instead of filling the large-object space (and bringing on full
 * collections) as pieces of a thousand findings did (bench/README.md).
 */
export const FINDINGS_PER_PIECE = 50;

/**
 * The report, in pieces (see Reporter): exactly the text of `JSON.stringify(report, null, 2)`
 * and a line break, without ever holding the whole of it.
 */
export function* jsonReport(ctx: ReportContext): Generator<string> {
  const active = ctx.result.findings.filter((f) => !f.suppression);
  const counts = countBySeverity(active);
  const head = {
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
  };
  const tail = {
    skippedPaths: ctx.result.skippedPaths,
    errors: ctx.result.errors.map((e) => {
      const out: Record<string, unknown> = { message: e.message };
      if (e.file) out.file = e.file;
      if (e.line) out.line = e.line;
      if (e.column) out.column = e.column;
      return out;
    }),
  };
  const all = ctx.result.findings;
  if (all.length === 0) {
    yield JSON.stringify({ ...head, findings: [], ...tail }, null, 2) + '\n';
    return;
  }
  // `{ head…, "findings": [` then the findings, FINDINGS_PER_PIECE at a time, each piece cut out of the text
  // of `{ "findings": [ … ] }` (which indents them as they are indented in the whole), then
  // `], tail… }`.
  const open = JSON.stringify(head, null, 2);
  yield `${open.slice(0, -2)},\n  "findings": [\n`;
  const prefix = '{\n  "findings": [\n'.length;
  const suffix = '\n  ]\n}'.length;
  for (let from = 0; from < all.length; from += FINDINGS_PER_PIECE) {
    const part = JSON.stringify({ findings: all.slice(from, from + FINDINGS_PER_PIECE).map(finding) }, null, 2);
    // Not `slice + ',\n'`: that would be a rope, which the secret search would copy flat.
    yield part.slice(prefix, part.length - suffix);
    yield from + FINDINGS_PER_PIECE < all.length ? ',\n' : '\n';
  }
  const close = JSON.stringify(tail, null, 2);
  yield `  ],\n${close.slice(2)}\n`;
}
