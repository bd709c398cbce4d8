// One weakness, one finding: when a rule that `supersedes` another fires on the same field (or
// on a field containing it, or contained in it) of the same input, the superseded finding goes.
// A privileged GPU container is reported by gpu-privileged-container, not also by
// privileged-container.

import type { Finding, Location } from '../model/types.js';
import type { Catalogue } from './rule.js';

function place(l: Location): string {
  return l.file !== undefined ? `f:${l.file}:${l.helmSource ?? ''}` : `l:${l.logical ?? ''}`;
}

/** Same field, or one contains the other — but an object's root contains everything, so it never counts. */
function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === '' || b === '') return false;
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

export function supersede(findings: Finding[], catalogue: Catalogue): Finding[] {
  const supersededBy = new Map<string, string[]>();
  for (const r of catalogue.rules) {
    for (const s of r.supersedes ?? []) supersededBy.set(s, [...(supersededBy.get(s) ?? []), r.id]);
  }
  if (supersededBy.size === 0) return findings;
  const byPlace = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = place(f.location);
    const list = byPlace.get(k) ?? [];
    list.push(f);
    byPlace.set(k, list);
  }
  const objectOf = (f: Finding) => `${f.object?.apiVersion}/${f.object?.kind}/${f.object?.namespace}/${f.object?.name}`;
  return findings.filter((f) => {
    const winners = supersededBy.get(f.ruleId);
    if (!winners) return true;
    return !byPlace
      .get(place(f.location))!
      .some((g) => winners.includes(g.ruleId) && objectOf(g) === objectOf(f) && overlaps(f.location.pointer, g.location.pointer));
  });
}
