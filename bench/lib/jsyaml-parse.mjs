// The yardstick of bench/manifests.mjs: read every .yaml/.yml/.json file under DIR and parse it
// with js-yaml's loadAll, nothing else. Prints {readMs, parseMs, documents} as JSON.
// Usage: node bench/lib/jsyaml-parse.mjs DIR

import fs from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';

const dir = process.argv[2];
if (!dir) throw new Error('usage: jsyaml-parse.mjs DIR');
const t0 = performance.now();
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ya?ml|json)$/i.test(e.name)) files.push(p);
  }
})(dir);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const t1 = performance.now();
let documents = 0;
for (const text of texts) documents += loadAll(text).length;
const t2 = performance.now();
process.stdout.write(`${JSON.stringify({ readMs: t1 - t0, parseMs: t2 - t1, documents })}\n`);
