// Heap kept after each phase of a scan (load, model, evaluate), after two forced collections:
// what the garbage collector has to carry (and, for what survives a scavenge, copy) through the
// rest of the scan. With a second argument, a heap snapshot after each phase (FILE.loaded,
// FILE.model, FILE.evaluated) to open in Chrome DevTools or compare by node id.
//
//   node --expose-gc --import tsx bench/lib/heap-by-phase.ts DIR [SNAPSHOT]

import v8 from 'node:v8';
import { evaluate } from '../../src/engine/evaluate.js';
import { loadInputs } from '../../src/engine/scan.js';
import { discover } from '../../src/loaders/discover.js';
import { buildModel } from '../../src/model/build.js';
import { loadCatalogue } from '../../src/rules/catalogue.js';

const [dir, snapshot] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!dir || !gc) throw new Error('usage: node --expose-gc --import tsx bench/lib/heap-by-phase.ts DIR [SNAPSHOT]');
const kept: Record<string, number> = {};
const phase = (name: string): void => {
  gc();
  gc();
  kept[name] = Math.round(process.memoryUsage().heapUsed / 1e5) / 10;
  if (snapshot) v8.writeHeapSnapshot(`${snapshot}.${name}`);
};
const catalogue = await loadCatalogue();
const found = discover([dir], { cwd: process.cwd() });
phase('start');
const loaded = await loadInputs(found.inputs, { catalogue });
phase('loaded');
const model = buildModel(loaded.documents, catalogue.tables);
phase('model');
const findings = evaluate(model.subjects, catalogue, { secrets: model.graph.secrets });
phase('evaluated');
console.log(JSON.stringify({ heapMB: kept, objects: loaded.documents.length, subjects: model.subjects.length, findings: findings.length }));
