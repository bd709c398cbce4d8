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

/** What supersede reads of a finding (the evaluator passes drafts, before messages are made). */
export type Rival = Pick<Finding, 'ruleId' | 'location' | 'object'>;

const objectOf = (f: Rival) => `${f.object?.apiVersion}/${f.object?.kind}/${f.object?.namespace}/${f.object?.name}`;

export function supersede<F extends Rival>(findings: F[], catalogue: Catalogue): F[] {
  const losers = supersededBy(catalogue);
  if (losers.size === 0 || !findings.some((f) => losers.has(f.ruleId))) return findings;
  // Many findings share a file and an object: their keys are made once, looked up by identity.
  const fileKeys = new Map<string, Map<string | undefined, string>>();
  const logicalKeys = new Map<string | undefined, string>();
  const objectKeys = new Map<Rival['object'], string>();
  const placeOf = (l: Location): string => {
    let key: string | undefined;
    if (l.file === undefined) {
      key = logicalKeys.get(l.logical);
      if (key === undefined) logicalKeys.set(l.logical, (key = place(l)));
      return key;
    }
    let byHelm = fileKeys.get(l.file);
    if (!byHelm) fileKeys.set(l.file, (byHelm = new Map()));
    key = byHelm.get(l.helmSource);
    if (key === undefined) byHelm.set(l.helmSource, (key = place(l)));
    return key;
  };
  const objectKeyOf = (f: F): string => {
    let key = objectKeys.get(f.object);
    if (key === undefined) objectKeys.set(f.object, (key = objectOf(f)));
    return key;
  };
  // Only findings of superseding rules can take another's place: group those by place and object.
  const winnerIds = new Set<string>();
  for (const ids of losers.values()) for (const id of ids) winnerIds.add(id);
  const byPlace = new Map<string, Map<string, Rivals<F>>>();
  for (const f of findings) {
    if (!winnerIds.has(f.ruleId)) continue;
    const where = placeOf(f.location);
    let byObject = byPlace.get(where);
    if (!byObject) byPlace.set(where, (byObject = new Map()));
    const object = objectKeyOf(f);
    const rivals = byObject.get(object);
    if (rivals) rivals.findings.push(f);
    else byObject.set(object, { findings: [f] });
  }
  if (byPlace.size === 0) return findings;
  return findings.filter((f) => {
    const winners = losers.get(f.ruleId);
    if (!winners) return true;
    const rivals = byPlace.get(placeOf(f.location))?.get(objectKeyOf(f));
    if (!rivals) return true;
    const p = f.location.pointer;
    const beats = (g: F) => winners.includes(g.ruleId) && overlaps(p, g.location.pointer);
    if (rivals.findings.length <= SMALL) return !rivals.findings.some(beats);
    // Same pointer, a winner on an ancestor of it, or a winner inside it.
    const index = (rivals.index ??= indexByPointer(rivals.findings));
    const keys = p === '' ? [''] : [p, ...ancestors(p), `${p}/*`];
    return !keys.some((k) => index.get(k)?.some(beats));
  });
}

interface Rivals<F extends Rival> {
  findings: F[];
  index?: Map<string, F[]>;
}

// A few winners on one object are compared one by one. Beyond that they are indexed by pointer —
// under their own pointer and under each ancestor of it — so that a loser looks up only the
// pointers that can overlap its own: one object with thousands of findings (a hostile admission
// request) must not cost n².
const SMALL = 16;

function indexByPointer<F extends Rival>(findings: F[]): Map<string, F[]> {
  const index = new Map<string, F[]>();
  for (const f of findings) {
    const p = f.location.pointer;
    for (const k of p === '' ? [''] : [p, ...ancestors(p).map((a) => `${a}/*`)]) {
      const list = index.get(k);
      if (list) list.push(f);
      else index.set(k, [f]);
    }
  }
  return index;
}

/** Non-empty proper ancestors of a pointer: `/a/b/c` → `/a/b`, `/a`. */
function ancestors(pointer: string): string[] {
  const out: string[] = [];
  for (let i = pointer.lastIndexOf('/'); i > 0; i = pointer.lastIndexOf('/', i - 1)) out.push(pointer.slice(0, i));
  return out;
}
