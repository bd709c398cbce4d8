// Problems met while reading input (a YAML document that does not parse, a duplicate key, a
// Dockerfile that is not text) become `problem` subjects, so that they are reported, suppressed,
// re-graded and counted by --fail-on exactly like any other finding (rules.d/input/).

import type { Location, Problem, Subject } from '../model/types.js';

export function problemSubject(p: Problem): Subject {
  const location: Location = { pointer: p.pointer ?? '' };
  if (p.logical) location.logical = p.logical;
  else location.file = p.file;
  if (p.position) location.position = p.position;
  if (p.helmSource) location.helmSource = p.helmSource;
  const line = p.position ? `${p.position.line}:${p.position.column}` : '';
  return {
    target: 'problem',
    data: { code: p.code, message: p.message, file: p.file, ...(p.details ?? {}) },
    key: `problem/${p.file}/${p.identity ?? line}/${p.code}`,
    locate: () => location,
  };
}
