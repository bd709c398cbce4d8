// One weakness, one finding: when a rule that `supersedes` another fires on the same field (or
// on a field containing it, or contained in it) of the same input, the superseded finding goes.
// A privileged GPU container is reported by gpu-privileged-container, not also by
// privileged-container.

import type { Finding, Location } from '../model/types.js';
import type { Catalogue, Rule } from './rule.js';

function place(l: Location): string {
  return l.file !== undefined ? `f:${l.file}:${l.helmSource ?? ''}` : `l:${l.logical ?? ''}`;
}

/** Same field, or one contains the other — but an object's root contains everything, so it never counts. */
function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  if (a === '' || b === '') return false;
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

const supersededByOf = new WeakMap<readonly Rule[], Map<string, string[]>>();

/** Rule id → the rules that supersede it (once per catalogue). */
function supersededBy(catalogue: Catalogue): Map<string, string[]> {
  let map = supersededByOf.get(catalogue.rules);
  if (map) return map;
  map = new Map();
  for (const r of catalogue.rules) {
    for (const s of r.supersedes ?? []) map.set(s, [...(map.get(s) ?? []), r.id]);
  }
  supersededByOf.set(catalogue.rules, map);
  return map;
}

const objectOf = (f: Finding) => `${f.object?.apiVersion}/${f.object?.kind}/${f.object?.namespace}/${f.object?.name}`;

export function supersede(findings: Finding[], catalogue: Catalogue): Finding[] {
  const losers = supersededBy(catalogue);
  if (losers.size === 0 || !findings.some((f) => losers.has(f.ruleId))) return findings;
  // Only findings of superseding rules can take another's place: group those by place and object.
  const winnerIds = new Set<string>();
  for (const ids of losers.values()) for (const id of ids) winnerIds.add(id);
  const byPlace = new Map<string, Map<string, Finding[]>>();
  for (const f of findings) {
    if (!winnerIds.has(f.ruleId)) continue;
    const k = place(f.location);
    const byObject = byPlace.get(k) ?? new Map<string, Finding[]>();
    byPlace.set(k, byObject);
    const o = objectOf(f);
    const list = byObject.get(o) ?? [];
    list.push(f);
    byObject.set(o, list);
  }
  if (byPlace.size === 0) return findings;
  return findings.filter((f) => {
    const winners = losers.get(f.ruleId);
    if (!winners) return true;
    const rivals = byPlace.get(place(f.location))?.get(objectOf(f));
    return !rivals?.some((g) => winners.includes(g.ruleId) && overlaps(f.location.pointer, g.location.pointer));
  });
}
