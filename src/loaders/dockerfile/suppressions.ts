// Inline suppressions in Dockerfiles:
//   # aigis-ignore <rule-id>[,<rule-id>…] <reason>     on the line(s) just above an instruction
//   # aigis-ignore-file <rule-id>[,<rule-id>…] <reason> anywhere: the whole file
// A suppression must say why; one without a reason is reported (suppression-without-reason) and
// still applies, so that adding the reason is the only change needed.

import type { Position } from '../../model/types.js';

export interface ParsedSuppression {
  scope: 'instruction' | 'file';
  ruleIds: string[];
  reason: string;
  /** 0-based line of the comment. */
  line: number;
  /** File offsets of the comment. */
  start: number;
  end: number;
}

const PRAGMA = /^#\s*aigis-ignore(-file)?(?=\s|$)\s*(.*)$/;
const IDS = /^([a-z0-9]+(?:-[a-z0-9]+)*(?:\s*,\s*[a-z0-9]+(?:-[a-z0-9]+)*)*)(?:\s+(.*))?$/;

/** Read one comment (text from `#`); undefined if it is not an aigis pragma. */
export function parsePragma(comment: string): Omit<ParsedSuppression, 'line' | 'start' | 'end'> | undefined {
  const m = PRAGMA.exec(comment.trim());
  if (!m) return undefined;
  const scope = m[1] ? 'file' : 'instruction';
  const ids = IDS.exec(m[2]!.trim());
  if (!ids) return { scope, ruleIds: [], reason: m[2]!.trim() };
  return {
    scope,
    ruleIds: ids[1]!.split(',').map((s) => s.trim()),
    reason: (ids[2] ?? '').trim(),
  };
}

export interface SuppressionProblem {
  message: string;
  position: Position;
}
