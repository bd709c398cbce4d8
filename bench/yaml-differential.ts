// Differential run of the fast YAML path against the library path over real files: every
// .yaml/.yml/.json under the given directories must give exactly the same documents (data,
// offsets, problems, start/end, helm sources). Prints mismatches, how many documents each path
// read, and the parse times of both beside js-yaml's.
//
//   npx tsx bench/yaml-differential.ts [DIR...]     (default: ../shared/corpus/manifests)

import fs from 'node:fs';
import path from 'node:path';
import { loadAll } from 'js-yaml';
import { parseYamlStream, parseYamlStreamWithLibrary, type YamlParseStats } from '../src/loaders/manifests/yaml.js';
import { canonical, firstDifference } from '../test/helpers/yaml-compare.js';

const dirs = process.argv.slice(2);
if (dirs.length === 0) dirs.push(path.join(path.dirname(new URL(import.meta.url).pathname), '../../shared/corpus/manifests'));
const files: string[] = [];
const walk = (d: string): void => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (/\.(ya?ml|json)$/i.test(e.name)) files.push(p);
  }
};
for (const d of dirs) walk(d);

const stats: YamlParseStats = { fastDocuments: 0, fallbackDocuments: 0, fallbackStreams: 0 };
let mismatches = 0;
let bytes = 0;
const texts: string[] = [];
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  texts.push(text);
  bytes += Buffer.byteLength(text);
  const d = firstDifference(canonical(parseYamlStream(text, undefined, stats)), canonical(parseYamlStreamWithLibrary(text)));
  if (d) {
    mismatches++;
    console.log(`MISMATCH ${f}\n  ${d.slice(0, 500)}`);
  }
}

const time = (fn: (t: string) => unknown): number => {
  const start = performance.now();
  for (const t of texts) {
    try {
      fn(t);
    } catch {
      // js-yaml throws on what it cannot read; the time still counts
    }
  }
  return performance.now() - start;
};
const t = { fast: time((x) => parseYamlStream(x)), library: time((x) => parseYamlStreamWithLibrary(x)), jsyaml: time((x) => loadAll(x)) };
console.log(`${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${dirs.join(', ')}`);
console.log(`documents: ${stats.fastDocuments} fast, ${stats.fallbackDocuments} handed to the library one by one, ${stats.fallbackStreams} whole streams to the library`);
console.log(`parse time (second pass): fast path ${t.fast.toFixed(0)} ms, library path ${t.library.toFixed(0)} ms, js-yaml loadAll ${t.jsyaml.toFixed(0)} ms`);
console.log(`mismatches: ${mismatches}`);
process.exitCode = mismatches ? 1 : 0;
