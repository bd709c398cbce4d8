import { AigisError } from '../util/errors.js';
import type { DataTables } from '../rules/data.js';
import type { Catalogue, Rule } from './rule.js';

/** Put rules from several folders together: ids unique, `supersedes` resolvable. */
export function assembleCatalogue(rules: Rule[], tables: DataTables): Catalogue {
  const byId = new Map<string, Rule>();
  for (const r of rules) {
    const prior = byId.get(r.id);
    if (prior) throw new AigisError(`rule id "${r.id}" is already defined in ${prior.file}`, { file: r.file, pointer: '/id' });
    byId.set(r.id, r);
  }
  for (const r of rules) {
    for (const s of r.supersedes ?? []) {
      if (!byId.has(s)) throw new AigisError(`supersedes unknown rule "${s}"`, { file: r.file, pointer: '/supersedes' });
    }
  }
  return { rules, byId, tables };
}
