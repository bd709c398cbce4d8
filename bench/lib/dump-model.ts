// Every subject of a scan, one JSON line each: target, key, data (in key order) and origins, plus
// related locations and the secrets the model collected. Performance work on src/model and
// src/engine must leave this output byte for byte the same (bench/README.md, "Model build and
// rule evaluation"): compare it against an earlier revision unpacked with `git archive`.
//
//   npx tsx bench/lib/dump-model.ts DIR OUTPUT

import fs from 'node:fs';
import { loadInputs } from '../../src/engine/scan.js';
import { discover } from '../../src/loaders/discover.js';
import { buildModel } from '../../src/model/build.js';
import { DocumentSubject } from '../../src/model/subject.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';

const [dir, output] = process.argv.slice(2);
if (!dir || !output) throw new Error('usage: dump-model.ts DIR OUTPUT');
const catalogue = await loadCatalogue();
const found = discover([dir], { cwd: process.cwd() });
const loaded = await loadInputs(found.inputs, { catalogue });
const model = buildModel(loaded.documents, catalogue.tables);
const lines: string[] = [];
for (const s of [...model.subjects, ...loaded.subjects]) {
  const origins = s instanceof DocumentSubject ? s.originEntries() : [];
  lines.push(JSON.stringify([s.target, s.key, s.data, origins.length ? origins : null]));
  for (const p of ['', '/securityContext/privileged', '/exposure/0', '/component/auth/enabled', '/env/0/value']) {
    const related = s.related?.(p) ?? [];
    if (related.length) lines.push(JSON.stringify(['related', s.key, p, related]));
  }
}
lines.push(JSON.stringify(['secrets', [...model.graph.secrets].sort()]));
fs.writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`${lines.length} lines`);
